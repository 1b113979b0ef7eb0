"""Enrolments in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit import registry
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme

registry.declare_about_learner(
    Enrolment, title="Programmes joined", anonymised={"leaving_reason": ""}
)
registry.declare_not_personal(ActivityType, "a kind of activity")
registry.declare_not_personal(ActivitySubType, "a partnership's own kind of activity")
registry.declare_not_personal(Programme, "a programme's name")
