"""Co-presenting: a student partner presenting a talk at an event (at a strand of a conference)
is paid for preparing and delivering it, and their costs are covered.

`co_presenter_add` names the student among the talk's presenters (an `events.Presenter`, role
student) and books them on two shifts in a co-presenter role of their provider: preparation
(the minutes given, from the time given) and delivery (the talk's time), both "costs covered"
so their travel and meals are paid for in advance. Both are allocated as any shift is: the
student's plan, checks, pay and hour caps must allow them, or nothing is added and the reason
is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from widen.accounts.capabilities import require_actor
from widen.core.exceptions import ApplicationError
from widen.events.models import Presenter, PresenterRole, Talk
from widen.partners.models import (
    Partner,
    Role,
    RoleKind,
    Shift,
    ShiftAllocation,
    ShiftKind,
    WorkMode,
)
from widen.partners.permissions import MANAGE, role_policy
from widen.partners.services.shifts import shift_allocate, shift_create


@dataclass(frozen=True)
class CoPresenting:
    presenter: Presenter
    preparation: Shift
    delivery: Shift


@transaction.atomic
def co_presenter_add(
    *,
    actor: Any,
    talk: Talk,
    partner: Partner,
    role: Role,
    preparation_starts_at: datetime,
    preparation_minutes: int,
    preparation_mode: str = WorkMode.ONLINE,
) -> CoPresenting:
    """Make `partner` a co-presenter of `talk`: a presenter (role student) and two shifts in
    `role` (a co-presenter role of the partner's provider) booked to them, preparation and
    delivery, both with costs covered. Refused, adding nothing, when either shift does not
    fit the partner (the reason is given)."""
    require_actor(actor)
    role_policy.require(actor, MANAGE, role)
    if role.kind != RoleKind.CO_PRESENTER:
        raise ApplicationError("Choose a co-presenter role: this one is not.", field="role")
    if partner.organisation_id != role.organisation_id:
        raise ApplicationError("The student is a partner of another provider.", field="partner")
    if not 15 <= preparation_minutes <= 40 * 60:
        raise ApplicationError(
            "Give the preparation time in minutes, from 15 to 2,400.", field="preparation_minutes"
        )
    student = partner.student
    name = student.display_name
    if talk.presenters.filter(name=name, role=PresenterRole.STUDENT).exists():
        raise ApplicationError(f"{name} already presents this talk.", field="partner")
    event = talk.event
    presenter = Presenter.objects.create(
        talk=talk, name=name, role=PresenterRole.STUDENT, job_title=student.course[:160]
    )
    delivery_mode = (
        WorkMode.ONLINE
        if event.online_link and not (talk.room or event.venue)
        else WorkMode.ON_SITE
    )
    common: dict[str, Any] = {
        "actor": actor,
        "role": role,
        "event": event,
        "talk": talk,
        "offer_now": False,
        "allocation": ShiftAllocation.ALLOCATED,
        "costs_covered": True,
    }
    preparation = shift_create(
        title=f"Preparing “{talk.title}”",
        kind=ShiftKind.PREPARATION,
        starts_at=preparation_starts_at,
        ends_at=preparation_starts_at + timedelta(minutes=preparation_minutes),
        mode=preparation_mode,
        place="",
        **common,
    )
    delivery = shift_create(
        title=f"Presenting “{talk.title}”",
        kind=ShiftKind.DELIVERY,
        mode=delivery_mode,
        **common,
    )
    shift_allocate(actor=actor, shift=preparation, partner=partner)
    shift_allocate(actor=actor, shift=delivery, partner=partner)
    return CoPresenting(presenter, preparation, delivery)
