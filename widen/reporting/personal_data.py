"""The reporting summaries in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit import registry
from widen.reporting.models import LearnerActivityEngagement, LearnerEngagement

SUMMED_UP = registry.KeptWhileParent("worked out again from attendance whenever it changes")

registry.declare_about_learner(
    LearnerEngagement, title="Your participation, summed up", kept=SUMMED_UP
)
registry.declare_about_learner(
    LearnerActivityEngagement,
    title="Your participation in each activity, summed up",
    kept=SUMMED_UP,
)
