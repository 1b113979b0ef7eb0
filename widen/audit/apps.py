from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "widen.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.audit import (  # noqa: PLC0415 - connects the receivers once apps are ready
            receivers,  # noqa: F401
        )

        # Every app's `personal_data.py` puts its models in the register of personal data.
        autodiscover_modules("personal_data")
