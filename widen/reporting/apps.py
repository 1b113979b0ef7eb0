from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "widen.reporting"
    verbose_name = "Reporting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.activities.hooks import register_attendance_changed  # noqa: PLC0415
        from widen.learners.hooks import register_learners_merged  # noqa: PLC0415
        from widen.reporting.summaries import summaries_refresh  # noqa: PLC0415

        # Attendance written by activities (registers, their import, a merge of duplicates)
        # updates these learners' summaries in the same transaction.
        register_attendance_changed(summaries_refresh)
        # A merge moves the removed learner's attendance onto the kept learner.
        register_learners_merged(lambda kept, removed: summaries_refresh([kept, removed]))
