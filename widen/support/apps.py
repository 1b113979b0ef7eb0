from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "widen.support"
    label = "support"
    verbose_name = "Student support"
    default_auto_field = "django.db.models.BigAutoField"
