"""Enrolments in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
    declare_not_personal,
)
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme

declare(
    model=Enrolment,
    subjects={Subject.LEARNER: "learner"},
    categories=frozenset({Category.PARTICIPATION}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=KeptWhileParent(
        "as long as the learner's record (kept for the partnership's statistics once the "
        "learner is anonymised)"
    ),
    erasure=Erasure.ANONYMISE,
    anonymised={"leaving_reason": ""},
    title="Programmes joined",
)

declare_not_personal(ActivityType, "a kind of activity")
declare_not_personal(ActivitySubType, "a partnership's own kind of activity")
declare_not_personal(Programme, "a programme's name")
