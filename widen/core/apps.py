from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "widen.core"
    label = "core"
    verbose_name = "Core"
