from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "widen.reporting"
    verbose_name = "Reporting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.activities.hooks import register_attendance_changed  # noqa: PLC0415
        from widen.programmes.hooks import register_enrolments_changed  # noqa: PLC0415
        from widen.reporting.summaries import (  # noqa: PLC0415
            programme_counts_forget,
            summaries_refresh,
            target_counts_forget,
        )
        from widen.targeting.hooks import register_eligibility_changed  # noqa: PLC0415

        # Attendance written by activities (registers, their import, a merge of duplicates)
        # updates these learners' summaries in the same transaction.
        register_attendance_changed(summaries_refresh)
        # Targeting wrote a rule set's results: the counts by target status are worked out again.
        register_eligibility_changed(target_counts_forget)
        # Enrolments changed: the programme's sustained-engagement counts are worked out again.
        register_enrolments_changed(programme_counts_forget)
        # A learner's restriction, anonymisation or objection changes the counts by target status.
        from widen.reporting import receivers  # noqa: F401, PLC0415

        self._register_merge_rules()

    @staticmethod
    def _register_merge_rules() -> None:
        """Tell the learner merge what it does with the summaries (they are worked out again)."""
        from widen.learners.merging import MERGE_RULES, MergeRule  # noqa: PLC0415
        from widen.reporting.summaries import (  # noqa: PLC0415
            summaries_after_merge,
            summaries_merged_with_activities,
        )

        MERGE_RULES["reporting.LearnerActivityEngagement.learner"] = MergeRule(
            summaries_after_merge,
            "worked out again from the moved attendance, with the partnership counts",
        )
        MERGE_RULES["reporting.LearnerEngagement.learner"] = MergeRule(
            summaries_merged_with_activities,
            "worked out again with the learner's activity summaries",
        )
