from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def requests_follow_the_kept_learner(model: Any, field_name: str, kept: Any, removed: Any) -> int:
    """A request about a learner recorded twice names the kept record (once)."""
    rows = model._default_manager
    already = rows.filter(**{field_name: kept}).values("rightsrequest_id")
    rows.filter(**{field_name: removed}, rightsrequest_id__in=already).delete()
    return rows.filter(**{field_name: removed}).update(**{field_name: kept})


class RightsConfig(AppConfig):
    """People's rights over their data: subject access, erasure, restriction, objection, and the
    retention that applies the register of personal data every day."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "widen.rights"
    label = "rights"

    def ready(self) -> None:
        from widen.learners.merging import MERGE_RULES, MergeRule  # noqa: PLC0415

        MERGE_RULES["rights.RightsRequest_learners.learner"] = MergeRule(
            requests_follow_the_kept_learner, "the request names the kept learner"
        )
