from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "widen.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"
    default_auto_field = "django.db.models.BigAutoField"
