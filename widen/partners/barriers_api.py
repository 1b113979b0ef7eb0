"""The barriers register in the JSON API, under the same policy and services as the pages.

A student partner (their own token): the registers of the providers they are a partner of, each
barrier with its status, the response and what is being done, never who raised it; raising a
barrier as one of their partner records, anonymously if they wish (then nothing links it to
them: no `raised_by`, and its audit event names Widen, not them). A coordinator: a provider's
register with who raised each barrier (unless anonymous), writing one up from a workshop, one
barrier, keeping it (status, owner, the response partners read), and adding or changing its
mitigations.

Anything not the caller's answers 404 as for a thing that does not exist; a rule refused (a
barrier not being done without a response, a mitigation done in the future) answers 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation
from widen.partners.models import Barrier, BarrierSource, BarrierStatus, Mitigation
from widen.partners.selectors.barriers import (
    barrier_get,
    barrier_register,
    coordinated_provider_get,
    mitigation_get,
    my_registers,
)
from widen.partners.selectors.plans import my_partner_get
from widen.partners.services.barriers import (
    barrier_owners,
    barrier_raise,
    barrier_record,
    barrier_update,
    mitigation_add,
    mitigation_update,
)

router = Router(tags=["partners"])


class PartnerMitigationOut(Schema):
    id: UUID
    description: str
    status: str
    owner: str | None = Field(description="The coordinator who owns it, if anyone yet.")
    due_on: date | None
    done_on: date | None


class PartnerBarrierOut(Schema):
    """A barrier as every partner of its provider reads it: never who raised it."""

    id: UUID
    organisation_id: UUID
    provider: str
    title: str
    description: str
    from_workshop: bool = Field(description="Written up from a workshop, not raised by a partner.")
    status: str
    response: str = Field(description="What partners are told was done, or why not.")
    created_at: datetime
    mitigations: list[PartnerMitigationOut]


class PartnerKeptMitigationOut(PartnerMitigationOut):
    owner_id: UUID | None


class PartnerKeptBarrierOut(Schema):
    """A barrier as its provider's coordinator keeps it."""

    id: UUID
    organisation_id: UUID
    provider: str
    title: str
    description: str
    source: str = Field(description="partner, anonymous or workshop.")
    raised_by: str | None = Field(description="The partner who raised it, unless anonymous.")
    raised_by_partner_id: UUID | None
    status: str
    owner_id: UUID | None
    owner: str | None
    response: str
    created_at: datetime
    mitigations: list[PartnerKeptMitigationOut]


class PartnerBarrierPage(Page[PartnerBarrierOut]):
    pass


class PartnerKeptBarrierPage(Page[PartnerKeptBarrierOut]):
    pass


class PartnerBarrierIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000, description="What makes it hard.")


class PartnerBarrierRaiseIn(PartnerBarrierIn):
    anonymous: bool = Field(False, description="Nothing will link it to me, not even for staff.")


class PartnerBarrierKeepIn(InputSchema):
    """What to change of a barrier; what is left out stays as it is (`owner_id` null: nobody)."""

    status: BarrierStatus | None = None
    owner_id: UUID | None = None
    response: str | None = Field(None, max_length=4000)


class PartnerMitigationIn(InputSchema):
    description: str = Field(min_length=1, max_length=2000, description="What is being done.")
    owner_id: UUID | None = None
    status: BarrierStatus = BarrierStatus.OPEN
    due_on: CalendarDate | None = None
    done_on: CalendarDate | None = Field(None, description="Left out when marked done: today.")


class PartnerMitigationChangeIn(InputSchema):
    """What to change of a mitigation; what is left out stays as it is."""

    description: str | None = Field(None, min_length=1, max_length=2000)
    owner_id: UUID | None = None
    status: BarrierStatus | None = None
    due_on: CalendarDate | None = None
    done_on: CalendarDate | None = None


def _person(user: Any) -> str | None:
    return None if user is None else str(user.get_full_name() or user.username)


def _mitigation_out(mitigation: Mitigation) -> dict[str, Any]:
    return {
        "id": mitigation.pk,
        "description": mitigation.description,
        "status": mitigation.status,
        "owner": _person(mitigation.owner),
        "due_on": mitigation.due_on,
        "done_on": mitigation.done_on,
    }


def _barrier_out(barrier: Barrier, provider: Organisation) -> dict[str, Any]:
    """As partners read it: `raised_by` is never read."""
    return {
        "id": barrier.pk,
        "organisation_id": barrier.organisation_id,
        "provider": provider.name,
        "title": barrier.title,
        "description": barrier.description,
        "from_workshop": barrier.source == BarrierSource.WORKSHOP,
        "status": barrier.status,
        "response": barrier.response,
        "created_at": barrier.created_at,
        "mitigations": [_mitigation_out(one) for one in barrier.mitigations.all()],
    }


def _kept_out(barrier: Barrier, provider: Organisation | None = None) -> dict[str, Any]:
    raised_by = barrier.raised_by
    return {
        "id": barrier.pk,
        "organisation_id": barrier.organisation_id,
        "provider": (provider or barrier.organisation).name,
        "title": barrier.title,
        "description": barrier.description,
        "source": barrier.source,
        "raised_by": raised_by.student.display_name if raised_by else None,
        "raised_by_partner_id": raised_by.pk if raised_by else None,
        "status": barrier.status,
        "owner_id": barrier.owner_id,
        "owner": _person(barrier.owner),
        "response": barrier.response,
        "created_at": barrier.created_at,
        "mitigations": [
            _mitigation_out(one) | {"owner_id": one.owner_id} for one in barrier.mitigations.all()
        ],
    }


def _owner(organisation_id: Any, owner_id: UUID | None) -> Any:
    """The provider's coordinator named `owner_id` (None: nobody)."""
    if owner_id is None:
        return None
    found = barrier_owners(organisation_id).filter(pk=owner_id).first()
    if found is None:
        raise ApplicationError("Choose one of the provider's coordinators.", field="owner_id")
    return found


# --- A student partner's --------------------------------------------------------------------------


@router.get("/barriers", response=PartnerBarrierPage, operation_id="partner_my_barriers")
def partner_my_barriers_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The barriers registers of the providers I am a partner of, newest first in each, with
    what is being done; never who raised a barrier."""
    barriers = [
        (barrier, register.organisation)
        for register in my_registers(actor=api_actor(request))
        for barrier in register.barriers
    ]
    return page_of(barriers, limit=limit, offset=offset).answer(lambda pair: _barrier_out(*pair))


@router.post(
    "/partners/{partner_id}/barriers",
    response={201: PartnerBarrierOut},
    operation_id="partner_barrier_raise",
)
def partner_barrier_raise_api(
    request: HttpRequest, partner_id: UUID, data: PartnerBarrierRaiseIn
) -> Status:
    """Raise a barrier at the provider of one of my partner records; with `anonymous`, nothing
    links it to me and the provider's coordinators are told it was raised anonymously."""
    actor = api_actor(request)
    partner = my_partner_get(actor=actor, partner_id=partner_id)
    barrier = barrier_raise(
        actor=actor,
        partner=partner,
        title=data.title,
        description=data.description,
        anonymous=data.anonymous,
    )
    return Status(201, _barrier_out(barrier, partner.organisation))


# --- A coordinator's ------------------------------------------------------------------------------


@router.get(
    "/providers/{organisation_id}/barriers",
    response=PartnerKeptBarrierPage,
    operation_id="partner_barrier_register",
)
def partner_barrier_register_api(
    request: HttpRequest, organisation_id: UUID, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The barriers register of a provider I coordinate, newest first."""
    actor = api_actor(request)
    provider = coordinated_provider_get(actor=actor, organisation_id=organisation_id)
    register = barrier_register(actor=actor, organisation=provider)
    return page_of(register.barriers, limit=limit, offset=offset).answer(
        lambda barrier: _kept_out(barrier, provider)
    )


@router.post(
    "/providers/{organisation_id}/barriers",
    response={201: PartnerKeptBarrierOut},
    operation_id="partner_barrier_record",
)
def partner_barrier_record_api(
    request: HttpRequest, organisation_id: UUID, data: PartnerBarrierIn
) -> Status:
    """Write up a barrier raised in a workshop at a provider I coordinate: it names nobody."""
    actor = api_actor(request)
    provider = coordinated_provider_get(actor=actor, organisation_id=organisation_id)
    barrier = barrier_record(
        actor=actor, organisation=provider, title=data.title, description=data.description
    )
    return Status(201, _kept_out(barrier_get(actor=actor, barrier_id=barrier.pk)))


@router.get(
    "/barriers/{barrier_id}", response=PartnerKeptBarrierOut, operation_id="partner_barrier_get"
)
def partner_barrier_get_api(request: HttpRequest, barrier_id: UUID) -> dict[str, Any]:
    """A barrier of a provider I coordinate, with its mitigations."""
    return _kept_out(barrier_get(actor=api_actor(request), barrier_id=barrier_id))


@router.patch(
    "/barriers/{barrier_id}", response=PartnerKeptBarrierOut, operation_id="partner_barrier_update"
)
def partner_barrier_update_api(
    request: HttpRequest, barrier_id: UUID, data: PartnerBarrierKeepIn
) -> dict[str, Any]:
    """Keep a barrier: its status, owner and the response every partner of the provider reads
    (needed when it is not being done)."""
    actor = api_actor(request)
    barrier = barrier_get(actor=actor, barrier_id=barrier_id)
    given = data.model_dump(exclude_unset=True)
    owner = barrier.owner
    if "owner_id" in given:
        owner = _owner(barrier.organisation_id, given["owner_id"])
    barrier_update(
        actor=actor,
        barrier=barrier,
        status=given.get("status") or barrier.status,
        owner=owner,
        response=given["response"] if given.get("response") is not None else barrier.response,
    )
    return _kept_out(barrier_get(actor=actor, barrier_id=barrier_id))


@router.post(
    "/barriers/{barrier_id}/mitigations",
    response={201: PartnerKeptBarrierOut},
    operation_id="partner_mitigation_add",
)
def partner_mitigation_add_api(
    request: HttpRequest, barrier_id: UUID, data: PartnerMitigationIn
) -> Status:
    """Add what is being done about a barrier of a provider I coordinate; answers the barrier."""
    actor = api_actor(request)
    barrier = barrier_get(actor=actor, barrier_id=barrier_id)
    mitigation_add(
        actor=actor,
        barrier=barrier,
        description=data.description,
        owner=_owner(barrier.organisation_id, data.owner_id),
        status=data.status,
        due_on=data.due_on,
        done_on=data.done_on,
    )
    return Status(201, _kept_out(barrier_get(actor=actor, barrier_id=barrier_id)))


@router.patch(
    "/mitigations/{mitigation_id}",
    response=PartnerKeptBarrierOut,
    operation_id="partner_mitigation_update",
)
def partner_mitigation_update_api(
    request: HttpRequest, mitigation_id: UUID, data: PartnerMitigationChangeIn
) -> dict[str, Any]:
    """Change a mitigation (its status, say: done on a day not in the future); answers its
    barrier."""
    actor = api_actor(request)
    mitigation = mitigation_get(actor=actor, mitigation_id=mitigation_id)
    barrier_id = mitigation.barrier_id
    given = data.model_dump(exclude_unset=True)
    owner = mitigation.owner
    if "owner_id" in given:
        owner = _owner(mitigation.barrier.organisation_id, given["owner_id"])
    status = given.get("status") or mitigation.status
    # The day it was done is kept only while it stays done.
    kept_done_on = mitigation.done_on if status == BarrierStatus.DONE else None
    mitigation_update(
        actor=actor,
        mitigation=mitigation,
        description=given.get("description") or mitigation.description,
        owner=owner,
        status=status,
        due_on=given.get("due_on", mitigation.due_on),
        done_on=given.get("done_on", kept_done_on),
    )
    return _kept_out(barrier_get(actor=actor, barrier_id=barrier_id))
