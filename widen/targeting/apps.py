from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "widen.targeting"
    verbose_name = "Targeting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.targeting import (
            learner_filters,  # noqa: F401, PLC0415 - learner list filter
            receivers,  # noqa: F401, PLC0415 - connects the signals
        )
