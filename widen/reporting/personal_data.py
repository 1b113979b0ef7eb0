"""The reporting summaries in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
)
from widen.reporting.models import LearnerActivityEngagement, LearnerEngagement

for summary, title in (
    (LearnerEngagement, "Your participation, summed up"),
    (LearnerActivityEngagement, "Your participation in each activity, summed up"),
):
    declare(
        model=summary,
        subjects={Subject.LEARNER: "learner"},
        categories=frozenset({Category.PARTICIPATION}),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        retention=KeptWhileParent("worked out again from attendance whenever it changes"),
        erasure=Erasure.KEEP,
        title=title,
    )
