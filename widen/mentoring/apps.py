from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "widen.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from widen.learners.merging import MERGE_RULES, MergeRule  # noqa: PLC0415
        from widen.mentoring.merging import mentees_merge  # noqa: PLC0415

        # A pupil recorded twice keeps their place in a mentoring programme on the kept record.
        MERGE_RULES["mentoring.Mentee.learner"] = MergeRule(
            mentees_merge,
            "moved to the kept learner; refused while both records are mentees of one programme",
        )

        from widen.mentoring.people_reads import mentor_landing  # noqa: PLC0415
        from widen.students.mine.landing import landing_register  # noqa: PLC0415

        # A mentor signed in by link lands on their own mentoring.
        landing_register("mentoring", mentor_landing)
