from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "widen.partners"
    label = "partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A payment run marked paid marks the expense claims it pays paid (payments cannot
        # import partners, so it tells whoever listens).
        from widen.partners.services.claims import on_run_marked_paid  # noqa: PLC0415
        from widen.payments.signals import run_marked_paid  # noqa: PLC0415

        run_marked_paid.connect(on_run_marked_paid, dispatch_uid="partners.claims_paid_by_run")
