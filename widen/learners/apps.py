from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "widen.learners"
    label = "learners"
    default_auto_field = "django.db.models.BigAutoField"
