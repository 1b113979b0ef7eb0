from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "widen.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.audit import (  # noqa: PLC0415 - connects the receivers once apps are ready
            receivers,  # noqa: F401
        )
