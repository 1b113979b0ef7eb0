from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "widen.reference"
    verbose_name = "Reference data"
    default_auto_field = "django.db.models.BigAutoField"
