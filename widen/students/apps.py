from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "widen.students"
    label = "students"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.students.merging import register_merge_rules  # noqa: PLC0415

        register_merge_rules()
