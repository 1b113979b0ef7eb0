from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "widen.activities"
    verbose_name = "Activities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # `widen import register`, a kind of import the learners app's command runs.
        from widen.activities import (
            commands,  # noqa: F401, PLC0415
            learner_filters,  # noqa: F401, PLC0415 - learner list filter
        )
