from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "widen.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
