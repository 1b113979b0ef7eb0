"""Reading flexibility plans: the student's own (all of it), and a coordinator's view of their
provider's partners' plans (never the reasons, unless the student shares them), each view of
which is put in the access log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import NotFound
from widen.core.policy import VIEW
from widen.organisations.models import DataCategory
from widen.partners.models import (
    FlexibilityPlan,
    Partner,
    PlanChange,
    PlanPattern,
    WorkMode,
)
from widen.partners.models.plans import WEEKDAYS
from widen.partners.permissions import (
    EDIT,
    MANAGE,
    my_partners,
    partner_policy,
    plan_policy,
)
from widen.partners.services.plans import plan_of

SUBJECT_TYPE = "partners.flexibilityplan"
MODE_NAMES = dict(WorkMode.choices)


@dataclass(frozen=True)
class Day:
    name: str
    windows: list[PlanPattern]


@dataclass
class PlanShown:
    """A plan as a page shows it. `reasons` is empty for whoever may not read them."""

    partner: Partner
    plan: FlexibilityPlan
    days: list[Day] = field(default_factory=list)
    changes: list[PlanChange] = field(default_factory=list)
    reasons: str = ""
    sees_reasons: bool = False

    @property
    def is_set(self) -> bool:
        return not self.plan._state.adding

    @property
    def max_weekly_hours(self) -> str:
        minutes = self.plan.max_weekly_minutes
        if minutes is None:
            return ""
        hours, rest = divmod(minutes, 60)
        return f"{hours}" if not rest else f"{minutes / 60:g}"

    @property
    def modes(self) -> list[str]:
        return [str(MODE_NAMES[mode]) for mode in self.plan.modes if mode in MODE_NAMES]


def _shown(partner: Partner, plan: FlexibilityPlan, *, sees_reasons: bool) -> PlanShown:
    saved = not plan._state.adding
    patterns = list(plan.patterns.all()) if saved else []
    today = timezone.localdate()
    return PlanShown(
        partner=partner,
        plan=plan,
        days=[
            Day(name, [pattern for pattern in patterns if pattern.weekday == number])
            for number, name in WEEKDAYS
        ],
        changes=list(plan.changes.filter(date__gte=today)) if saved else [],
        reasons=plan.reasons if sees_reasons else "",
        sees_reasons=sees_reasons,
    )


def my_partner_records(*, actor: Any) -> list[Partner]:
    """The signed-in student's own partner records (one per provider they work for)."""
    return list(my_partners(actor).select_related("organisation", "student", "plan"))


def my_partner_get(*, actor: Any, partner_id: Any) -> Partner:
    """One of the signed-in student's own partner records, or `NotFound`."""
    try:
        found = my_partners(actor).select_related("organisation", "student").filter(pk=partner_id)
        partner = found.first()
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if partner is None:
        raise NotFound
    return partner


def my_plans(*, actor: Any) -> list[PlanShown]:
    """The student's own plans, reasons and all."""
    return [
        _shown(partner, plan_of(partner), sees_reasons=True)
        for partner in my_partner_records(actor=actor)
    ]


def my_plan_get(*, actor: Any, partner: Partner) -> PlanShown:
    plan = plan_policy.require(actor, EDIT, plan_of(partner))
    return _shown(partner, plan, sees_reasons=True)


def my_plan_change_get(*, actor: Any, change_id: Any) -> PlanChange:
    """One of the student's own one-off changes, or `NotFound`."""
    try:
        change = (
            PlanChange.objects.select_related("plan__partner")
            .filter(pk=change_id, plan__partner__in=my_partners(actor))
            .first()
        )
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if change is None:
        raise NotFound
    return change


def partner_plan_get(*, actor: Any, partner_id: Any) -> PlanShown:
    """A partner's plan as their coordinator sees it (only a coordinator of the partner's
    provider; anyone else, the student included, `NotFound`)."""
    partner = partner_policy.get(actor, partner_id, action=MANAGE)
    plan = plan_of(partner)
    saved = not plan._state.adding
    if saved:
        plan_policy.require(actor, VIEW, plan)
    return _shown(partner, plan, sees_reasons=saved and _shares(actor, plan))


def _shares(actor: Any, plan: FlexibilityPlan) -> bool:
    return plan_policy.sees_reasons(actor, plan)


def plan_views_record(*, actor: Any, shown: Iterable[PlanShown], purpose: str) -> int:
    """Put each view of a saved plan by staff in the access log (one insert for a page): the
    partner's identity, and special category data (what helps, the reasons when shared)."""
    logged = 0
    for item in shown:
        if not item.is_set:
            continue
        logged += access_log_record_subjects(
            actor=actor,
            subject_type=SUBJECT_TYPE,
            subjects=[(item.plan.pk, None)],
            data_categories=[DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY],
            purpose=f"{purpose} (reasons shared)" if item.sees_reasons else purpose,
            actor_organisation_id=item.plan.organisation_id,
        )
    return logged
