"""Writing a theory of change (TASO core: problem, inputs, activities, outcomes, impacts and
assumptions) for an activity or a programme, linked to the MOAT outcomes of its activity types.

Partnership admins and outreach officers of a member organisation write them; everyone in the
partnership reads them on the evaluation report.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction

from widen.activities.models import Activity
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import TheoryOfChange
from widen.evaluation.permissions import may_write_theory, theory_organisation_id
from widen.evaluation.services.common import person_or_none
from widen.programmes.models import Programme

TEXT_MAX = 5000
OBJECT_TYPE = "evaluation.theoryofchange"


@dataclass(frozen=True)
class TheoryDetails:
    problem: str
    inputs: str
    activities: str
    outcomes: str
    impacts: str
    assumptions: str
    moat_outcomes: tuple[str, ...] = ()


TEXT_FIELDS = ("problem", "inputs", "activities", "outcomes", "impacts", "assumptions")


def theory_of_change_for(target: Activity | Programme) -> TheoryOfChange | None:
    theories = TheoryOfChange.objects.select_related("activity", "programme")
    if isinstance(target, Activity):
        return theories.filter(activity=target).first()
    return theories.filter(programme=target).first()


def moat_outcome_choices(target: Activity | Programme) -> list[str]:
    """The intended outcomes of the MOAT activity types the activity or programme involves."""
    probe = TheoryOfChange(
        partnership=target.partnership,
        activity=target if isinstance(target, Activity) else None,
        programme=target if isinstance(target, Programme) else None,
    )
    return probe.available_moat_outcomes()


@transaction.atomic
def theory_of_change_save(
    *, actor: Any, target: Activity | Programme, details: TheoryDetails
) -> TheoryOfChange:
    """Write the activity's or programme's theory of change (the first time, or again)."""
    if not may_write_theory(actor, target.partnership):
        raise NotFound
    lookup: dict[str, Any] = (
        {"activity": target} if isinstance(target, Activity) else {"programme": target}
    )
    theory = TheoryOfChange.objects.select_for_update().filter(**lookup).first()
    creating = theory is None
    if theory is None:
        theory = TheoryOfChange(
            partnership=target.partnership, created_by=person_or_none(actor), **lookup
        )
    changed: list[str] = []
    for name in TEXT_FIELDS:
        value = str(getattr(details, name)).strip()
        if len(value) > TEXT_MAX:
            raise ApplicationError(f"Keep it under {TEXT_MAX:,} characters.", field=name)
        if getattr(theory, name) != value:
            changed.append(name)
            setattr(theory, name, value)
    outcomes = list(dict.fromkeys(details.moat_outcomes))
    if theory.moat_outcomes != outcomes:
        changed.append("moat_outcomes")
        theory.moat_outcomes = outcomes
    theory.full_clean()
    if not changed and not creating:
        return theory
    theory.save()
    audit_event_record(
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        object_type=OBJECT_TYPE,
        object_id=theory.pk,
        learner_id=None,
        organisation_id=theory_organisation_id(actor, target.partnership),
        changed_fields=changed,
    )
    return theory


def details_from(theory: TheoryOfChange | None) -> dict[str, Any]:
    """A form's initial values from a stored theory (empty for none)."""
    if theory is None:
        return {}
    initial: dict[str, Any] = {
        field.name: getattr(theory, field.name) for field in fields(TheoryDetails)
    }
    initial["moat_outcomes"] = list(theory.moat_outcomes)
    return initial
