"""What targeting works out about learners, in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit import registry
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet, RuleSetVersion

registry.declare_about_learner(
    LearnerAreaProfile,
    title="Where you live, as area measures",
    kept=registry.WORKED_OUT_AGAIN,
    category=registry.Category.CHARACTERISTICS,
    anonymised={"postcode": "", "lsoa": "", "msoa": "", "ward": ""},
)
registry.declare_about_learner(
    LearnerEligibility,
    title="Eligibility for programmes",
    kept=registry.WORKED_OUT_AGAIN,
    category=registry.Category.CHARACTERISTICS,
    erasure=registry.Erasure.DELETE,
)
registry.declare_attribution(RuleSetVersion, "created_by", title="Targeting rules you wrote")
registry.declare_not_personal(RuleSet, "a rule set's name")
