"""The barriers register: a partner raises a barrier (anonymously if they wish), a coordinator
writes one up from a workshop and keeps the register (status, owner, the response partners see,
mitigations).

A barrier raised anonymously keeps no link to its student anywhere: not on the barrier, and not
in the audit trail, whose event names Widen as the actor, with no request id to tie it to the
rest of the student's request.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import (
    Capability,
    people_holding,
    require_actor,
    system_actor,
)
from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.organisations.models import Organisation
from widen.partners.models import (
    Barrier,
    BarrierSource,
    BarrierStatus,
    Mitigation,
    Partner,
)
from widen.partners.permissions import MANAGE, barrier_policy, may_coordinate, my_partners

ANONYMOUS_REASON = "a barrier raised anonymously"


def barrier_owners(organisation: Organisation | Any) -> Any:
    """Who may own a barrier or a mitigation: the provider's coordinators."""
    return people_holding(Capability.PARTNERS_COORDINATE, [organisation]).order_by(
        "first_name", "last_name", "username"
    )


def _check_owner(owner: User | None, organisation_id: Any) -> None:
    if owner is not None and not barrier_owners(organisation_id).filter(pk=owner.pk).exists():
        raise ApplicationError("Choose one of the provider's coordinators.", field="owner")


def _text(value: str, what: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ApplicationError(f"Give {what}.", field=field)
    return value


@transaction.atomic
def barrier_raise(
    *, actor: Any, partner: Partner, title: str, description: str, anonymous: bool
) -> Barrier:
    """A partner raises a barrier at their provider. Raised anonymously, nothing links it to
    them: no `raised_by`, and its audit event names Widen, not the student."""
    require_actor(actor)
    if not my_partners(actor).filter(pk=partner.pk).exists():
        raise NotFound
    barrier = Barrier(
        organisation_id=partner.organisation_id,
        title=_text(title, "a title", "title"),
        description=_text(description, "what makes it hard", "description"),
        source=BarrierSource.ANONYMOUS if anonymous else BarrierSource.PARTNER,
        raised_by=None if anonymous else partner,
    )
    barrier.full_clean()
    if anonymous:
        with request_context.bind(actor=system_actor(ANONYMOUS_REASON), request_id=""):
            barrier.save()
    else:
        barrier.save()
    _tell_coordinators(barrier, anonymous=anonymous)
    return barrier


def _tell_coordinators(barrier: Barrier, *, anonymous: bool) -> None:
    """The provider's coordinators hear of a barrier raised (never who raised it)."""
    for coordinator in barrier_owners(barrier.organisation_id):
        notify(
            template="partners/barrier_raised",
            category=Category.UPDATES,
            user=coordinator,
            context={
                "title": barrier.title,
                "provider": barrier.organisation.name,
                "anonymous": anonymous,
            },
            link=reverse("partners:barrier", args=[barrier.pk]),
        )


@transaction.atomic
def barrier_record(
    *, actor: Any, organisation: Organisation, title: str, description: str
) -> Barrier:
    """A coordinator writes up a barrier from a workshop: it names nobody."""
    require_actor(actor)
    if not may_coordinate(actor, organisation):
        raise NotFound
    barrier = Barrier(
        organisation=organisation,
        title=_text(title, "a title", "title"),
        description=_text(description, "what makes it hard", "description"),
        source=BarrierSource.WORKSHOP,
    )
    barrier.full_clean()
    barrier.save()
    return barrier


@transaction.atomic
def barrier_update(
    *,
    actor: Any,
    barrier: Barrier,
    status: str,
    owner: User | None,
    response: str,
) -> list[str]:
    """Keep a barrier: its status, owner and the response every partner of the provider sees.
    Answers the fields changed."""
    require_actor(actor)
    barrier_policy.require(actor, MANAGE, barrier)
    if status not in BarrierStatus.values:
        raise ApplicationError("Choose a status.", field="status")
    _check_owner(owner, barrier.organisation_id)
    response = response.strip()
    if status == BarrierStatus.NOT_DOING and not response:
        raise ApplicationError(
            "Say in the response why this is not being done: partners read it.", field="response"
        )
    values = {"status": status, "owner_id": owner.pk if owner else None, "response": response}
    changed = [name for name, value in values.items() if getattr(barrier, name) != value]
    if changed:
        for name in changed:
            setattr(barrier, name, values[name])
        barrier.full_clean()
        barrier.save(update_fields=[*changed, "updated_at"])
    return [name.removesuffix("_id") for name in changed]


def _mitigation_dates(status: str, due_on: date | None, done_on: date | None) -> date | None:
    if status not in BarrierStatus.values:
        raise ApplicationError("Choose a status.", field="status")
    today = timezone.localdate()
    if done_on is not None and done_on > today:
        raise ApplicationError("The day it was done cannot be in the future.", field="done_on")
    if status == BarrierStatus.DONE:
        return done_on or today
    if done_on is not None:
        raise ApplicationError(
            "Only a mitigation that is done has a day it was done: clear it, or mark it done.",
            field="done_on",
        )
    return None


@transaction.atomic
def mitigation_add(
    *,
    actor: Any,
    barrier: Barrier,
    description: str,
    owner: User | None,
    status: str = BarrierStatus.OPEN,
    due_on: date | None = None,
    done_on: date | None = None,
) -> Mitigation:
    require_actor(actor)
    barrier_policy.require(actor, MANAGE, barrier)
    _check_owner(owner, barrier.organisation_id)
    mitigation = Mitigation(
        barrier=barrier,
        description=_text(description, "what is being done", "description"),
        owner=owner,
        status=status,
        due_on=due_on,
        done_on=_mitigation_dates(status, due_on, done_on),
    )
    mitigation.full_clean()
    mitigation.save()
    return mitigation


@transaction.atomic
def mitigation_update(
    *,
    actor: Any,
    mitigation: Mitigation,
    description: str,
    owner: User | None,
    status: str,
    due_on: date | None,
    done_on: date | None,
) -> list[str]:
    """Change a mitigation; answers the fields changed."""
    require_actor(actor)
    barrier_policy.require(actor, MANAGE, mitigation.barrier)
    _check_owner(owner, mitigation.barrier.organisation_id)
    values = {
        "description": _text(description, "what is being done", "description"),
        "owner_id": owner.pk if owner else None,
        "status": status,
        "due_on": due_on,
        "done_on": _mitigation_dates(status, due_on, done_on),
    }
    changed = [name for name, value in values.items() if getattr(mitigation, name) != value]
    if changed:
        for name in changed:
            setattr(mitigation, name, values[name])
        mitigation.full_clean()
        mitigation.save(update_fields=[*changed, "updated_at"])
    return [name.removesuffix("_id") for name in changed]
