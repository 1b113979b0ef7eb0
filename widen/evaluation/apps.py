from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "widen.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from widen.evaluation.merging import invitations_merge  # noqa: PLC0415
        from widen.learners.merging import MERGE_RULES, MergeRule, move  # noqa: PLC0415

        # A survey sent to, or answered by, a learner recorded twice follows the kept record.
        MERGE_RULES["evaluation.SurveyInvitation.learner"] = MergeRule(
            invitations_merge,
            "moved to the kept learner, one link per survey (the answered one is kept)",
        )
        MERGE_RULES["evaluation.SurveyResponse.learner"] = MergeRule(
            move, "moved to the kept learner, so pre and post answers still pair"
        )
