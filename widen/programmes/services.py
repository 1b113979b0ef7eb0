"""Every write to programmes and enrolments, with its rule."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from widen.accounts.capabilities import require_actor
from widen.core.exceptions import ApplicationError
from widen.core.unique_names import unique_name
from widen.learners.models import Learner, processable_condition
from widen.organisations.models import Partnership
from widen.programmes.hooks import enrolments_changed
from widen.programmes.models import ActivityType, Enrolment, Programme, ProgrammeStage
from widen.programmes.permissions import (
    enrollable_by,
    may_change_enrolments_of,
    may_design_programmes,
    may_enrol,
)
from widen.targeting.models import LearnerEligibility, RuleSet

PROGRAMME_YEAR_GROUPS = range(9, 14)  # Year 9 to Year 13


@dataclass
class StagePlan:
    year_group: int
    target_hours: Decimal
    required_types: Sequence[ActivityType] = ()
    optional_types: Sequence[ActivityType] = ()


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    partnership: Partnership,
    name: str,
    stages: Sequence[StagePlan],
    rule_set: RuleSet | None = None,
    description: str = "",
    sustained_hours: Decimal = Decimal("10"),
    sustained_activities: int = 3,
    sustained_years: int = 2,
) -> Programme:
    require_actor(actor)
    if not may_design_programmes(actor, partnership):
        raise ApplicationError("Only the partnership's admins may design programmes.")
    name = unique_name(name, Programme.objects.filter(partnership=partnership), "programme", 160)
    if rule_set is not None and rule_set.partnership_id != partnership.pk:
        raise ApplicationError("Choose one of the partnership's rule sets.", field="rule_set")
    if not stages:
        raise ApplicationError("Plan at least one stage (a year group).", field="stages")
    years = [stage.year_group for stage in stages]
    for stage in stages:
        if stage.year_group not in PROGRAMME_YEAR_GROUPS:
            raise ApplicationError(
                f"Stages run from Year 9 to Year 13 ({stage.year_group} is not one).",
                field="stages",
            )
        if years.count(stage.year_group) > 1:
            raise ApplicationError(
                f"Year {stage.year_group} has more than one stage.", field="stages"
            )
        if not Decimal(0) < Decimal(stage.target_hours) <= Decimal(500):
            raise ApplicationError(
                f"Year {stage.year_group}: target hours must be more than 0 and at most 500.",
                field="stages",
            )
        both = {kind.pk for kind in stage.required_types} & {
            kind.pk for kind in stage.optional_types
        }
        if both:
            raise ApplicationError(
                f"Year {stage.year_group}: an activity type is either required or optional.",
                field="stages",
            )
    if sustained_hours <= 0 or sustained_activities < 1 or sustained_years < 1:
        raise ApplicationError(
            "Sustained engagement needs some hours, at least one activity and one year.",
            field="sustained_hours",
        )
    programme = Programme.objects.create(
        partnership=partnership,
        name=name,
        description=description.strip(),
        rule_set=rule_set,
        sustained_hours=sustained_hours,
        sustained_activities=sustained_activities,
        sustained_years=sustained_years,
    )
    for plan in sorted(stages, key=lambda planned: planned.year_group):
        created = ProgrammeStage.objects.create(
            programme=programme, year_group=plan.year_group, target_hours=plan.target_hours
        )
        created.required_types.set(plan.required_types)
        created.optional_types.set(plan.optional_types)
    return programme


def _held(programme: Programme) -> QuerySet[Learner]:
    return Learner.objects.filter(organisation__in=programme.partnership.members.all())


def enrolment_candidates(programme: Programme) -> QuerySet[Learner]:
    """The partnership's learners its rule set finds eligible and who are not enrolled now."""
    if programme.rule_set is None:
        return Learner.objects.none()
    eligible = LearnerEligibility.objects.filter(rule_set=programme.rule_set, eligible=True).values(
        "learner_id"
    )
    enrolled = Enrolment.objects.filter(programme=programme, left_on=None).values("learner_id")
    # A restricted (or anonymised) learner is not offered until the restriction is lifted.
    return (
        _held(programme).filter(processable_condition(), pk__in=eligible).exclude(pk__in=enrolled)
    )


@dataclass
class EnrolmentChange:
    enrolled: list[Enrolment] = field(default_factory=list)
    already_enrolled: list[Learner] = field(default_factory=list)


@transaction.atomic
def enrol(
    *,
    actor: Any,
    programme: Programme,
    learners: Iterable[Learner],
    on: date | None = None,
) -> EnrolmentChange:
    """Enrol learners (each once at a time); a learner who left joins again."""
    require_actor(actor)
    if not may_enrol(actor, programme.partnership):
        raise ApplicationError("Only the partnership's officers and admins may enrol learners.")
    chosen = list(dict.fromkeys(learners))
    held = set(
        _held(programme)
        .filter(pk__in=[learner.pk for learner in chosen])
        .values_list("pk", flat=True)
    )
    outside = [learner for learner in chosen if learner.pk not in held]
    if outside:
        raise ApplicationError("Only learners held by the partnership's members can be enrolled.")
    mine = set(
        enrollable_by(actor)
        .filter(pk__in=[learner.pk for learner in chosen])
        .values_list("pk", flat=True)
    )
    if any(learner.pk not in mine for learner in chosen):
        # Seeing a partner's learner under an agreement never allows enrolling them.
        raise ApplicationError(
            "You may only enrol learners your organisation holds: "
            "a partner's learners are enrolled by their own organisation."
        )
    processable = set(
        Learner.objects.filter(
            processable_condition(), pk__in=[learner.pk for learner in chosen]
        ).values_list("pk", flat=True)
    )
    restricted = [learner for learner in chosen if learner.pk not in processable]
    if restricted:
        raise ApplicationError(
            f"{restricted[0].display_name}: processing of this learner's record is restricted, "
            "so they cannot be enrolled until the restriction is lifted."
        )
    active = set(
        Enrolment.objects.filter(programme=programme, left_on=None).values_list(
            "learner_id", flat=True
        )
    )
    change = EnrolmentChange()
    day = on or timezone.localdate()
    for learner in chosen:
        if learner.pk in active:
            change.already_enrolled.append(learner)
            continue
        change.enrolled.append(
            Enrolment.objects.create(
                programme=programme,
                learner=learner,
                organisation_id=learner.organisation_id,
                joined_on=day,
            )
        )
    if change.enrolled:
        enrolments_changed(programme.pk)
    return change


def enrolment_candidates_for(actor: Any, programme: Programme) -> QuerySet[Learner]:
    """The candidates `actor` may enrol: those their organisation holds (everyone, for the
    system)."""
    require_actor(actor)
    return enrolment_candidates(programme).filter(pk__in=enrollable_by(actor).values("pk"))


def enrol_eligible(*, actor: Any, programme: Programme) -> EnrolmentChange:
    """Enrol every learner the programme's rule set finds eligible whom `actor` may enrol."""
    learners = list(enrolment_candidates_for(actor, programme))
    return enrol(actor=actor, programme=programme, learners=learners)


@transaction.atomic
def enrolment_leave(
    *, actor: Any, enrolment: Enrolment, reason: str, on: date | None = None
) -> Enrolment:
    require_actor(actor)
    if not may_enrol(actor, enrolment.programme.partnership):
        raise ApplicationError("Only the partnership's officers and admins may change enrolments.")
    if not may_change_enrolments_of(actor, enrolment.learner):
        raise ApplicationError(
            "You may only change the enrolments of learners your organisation holds."
        )
    if enrolment.left_on is not None:
        raise ApplicationError("This learner has already left the programme.")
    day = on or timezone.localdate()
    if day < enrolment.joined_on:
        raise ApplicationError("A learner cannot leave before joining.", field="left_on")
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise ApplicationError("Say why the learner is leaving.", field="leaving_reason")
    enrolment.left_on = day
    enrolment.leaving_reason = reason
    enrolment.save(update_fields=["left_on", "leaving_reason", "updated_at"])
    enrolments_changed(enrolment.programme_id)
    return enrolment
