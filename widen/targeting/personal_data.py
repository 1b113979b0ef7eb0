"""What targeting works out about learners, in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
    declare_attribution,
    declare_not_personal,
)
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet, RuleSetVersion

WORKED_OUT = KeptWhileParent("worked out again from the learner's record whenever it changes")

declare(
    model=LearnerAreaProfile,
    subjects={Subject.LEARNER: "learner"},
    categories=frozenset({Category.CHARACTERISTICS}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=WORKED_OUT,
    erasure=Erasure.ANONYMISE,
    anonymised={"postcode": "", "lsoa": "", "msoa": "", "ward": ""},
    title="Where you live, as area measures",
)
declare(
    model=LearnerEligibility,
    subjects={Subject.LEARNER: "learner"},
    categories=frozenset({Category.CHARACTERISTICS}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=WORKED_OUT,
    erasure=Erasure.DELETE,
    title="Eligibility for programmes",
)
declare_attribution(RuleSetVersion, "created_by", title="Targeting rules you wrote")
declare_not_personal(RuleSet, "a rule set's name")
