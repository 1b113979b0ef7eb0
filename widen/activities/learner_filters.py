"""The learner list filtered by engagement: whether a learner has attended at least one session.

Registered on the learners app's hook (the learners app may not import activities). Anyone who
may see a learner may see their journey, so engagement reads no category of their data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from widen.activities.models import Attendance, AttendanceStatus
from widen.learners.hooks import LearnerListFilter, register_learner_list_filter

ENGAGED = "engaged"
NOT_ENGAGED = "not_engaged"
CHOICES = [
    (ENGAGED, "Engaged: attended at least one session"),
    (NOT_ENGAGED, "Not engaged: attended no session yet"),
]


def engagement_categories(actor: Any, value: str) -> frozenset[str] | None:
    return frozenset() if value in (ENGAGED, NOT_ENGAGED) else None


def engagement_condition(actor: Any, value: str) -> Q:
    attended = Q(
        pk__in=Attendance.objects.filter(status=AttendanceStatus.ATTENDED).values("learner_id")
    )
    return attended if value == ENGAGED else ~attended


register_learner_list_filter(
    LearnerListFilter(
        param="engagement",
        label="Engagement",
        any_label="Any",
        choices=lambda actor: CHOICES,
        categories=engagement_categories,
        condition=engagement_condition,
    )
)
