from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "widen.support"
    label = "support"
    verbose_name = "Student support"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A payment run marked paid marks the award instalments it pays paid (payments cannot
        # import support, so it tells whoever listens).
        from widen.payments.signals import run_marked_paid  # noqa: PLC0415
        from widen.support.receivers import on_run_marked_paid  # noqa: PLC0415

        run_marked_paid.connect(on_run_marked_paid, dispatch_uid="support.instalments_paid_by_run")

        # Other areas (mentoring) may ask whether a student is a member of a scheme.
        from widen.students.member_groups import member_groups_register  # noqa: PLC0415
        from widen.support.member_groups import SCHEMES  # noqa: PLC0415

        member_groups_register(SCHEMES)
