"""What schemes offer their members, in the JSON API, under the same policy, selectors and
services as the pages. A scheme's managers list its benefits with their take-up (small numbers
hidden), add one (an event offered becomes for members only; members who asked to be told
are told), change one and withdraw it or offer it again. A signed-in student lists the
benefits on offer to them, takes up an opportunity and books a members-only event. Anyone else
is answered 404."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError
from widen.support.models import Benefit
from widen.support.permissions import USE, benefit_policy
from widen.support.selectors import scheme_get
from widen.support.selectors.benefit_take_up import benefit_take_up_rows
from widen.support.selectors.benefits import (
    MyBenefit,
    my_benefits,
    scheme_benefit_get,
    scheme_benefits,
)
from widen.support.services.benefits import (
    BenefitDetails,
    benefit_add,
    benefit_event_book,
    benefit_take_up,
    benefit_update,
)

router = Router(tags=["student support"])


class BenefitOut(Schema):
    id: UUID
    scheme_id: UUID
    kind: str
    title: str
    description: str
    offered_by: str
    link: str
    event_id: UUID | None
    event_starts_at: datetime | None
    award_scheme_id: UUID | None
    members_first_until: date | None
    is_active: bool


class SchemeBenefitOut(BenefitOut):
    took_up: str = Field(description='Members who took it up ("fewer than 5" under five).')
    members: str = Field(description='The scheme\'s members you may see ("fewer than 5"...).')


class MyBenefitOut(BenefitOut):
    scheme: str
    taken_up: bool


class BenefitIn(InputSchema):
    kind: Literal["opportunity", "event", "award"]
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    offered_by: str = Field("", max_length=120)
    link: str = Field("", max_length=200)
    event_id: UUID | None = None
    award_scheme_id: UUID | None = None
    members_first_until: CalendarDate | None = None


class BenefitChangeIn(InputSchema):
    """Only what is sent changes. A benefit's kind never changes, so it is no field here."""

    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    offered_by: str | None = Field(None, max_length=120)
    link: str | None = Field(None, max_length=200)
    event_id: UUID | None = None
    award_scheme_id: UUID | None = None
    members_first_until: CalendarDate | None = Field(
        None, description="Null: for members only, with no day it opens to every student."
    )
    is_active: bool | None = Field(
        None, description="False withdraws it (members no longer see it); true offers it again."
    )


class BookingIn(InputSchema):
    access_requirements: str = Field("", max_length=2000)


class BookedOut(Schema):
    benefit_id: UUID
    status: str
    status_label: str


def _benefit_out(benefit: Benefit) -> dict[str, Any]:
    return {
        "id": benefit.pk,
        "scheme_id": benefit.scheme_id,
        "kind": benefit.kind,
        "title": benefit.title,
        "description": benefit.description,
        "offered_by": benefit.offered_by,
        "link": benefit.link,
        "event_id": benefit.event_id,
        "event_starts_at": benefit.event.starts_at if benefit.event else None,
        "award_scheme_id": benefit.award_scheme_id,
        "members_first_until": benefit.members_first_until,
        "is_active": benefit.is_active,
    }


@router.get(
    "/schemes/{scheme_id}/benefits",
    response=Page[SchemeBenefitOut],
    operation_id="support_scheme_benefits",
)
def support_scheme_benefits_api(
    request: HttpRequest, scheme_id: UUID, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The scheme's benefits, on offer first, each with how many of its members took it up."""
    actor = api_actor(request)
    scheme = scheme_get(actor=actor, scheme_id=scheme_id)
    page = page_of(scheme_benefits(actor=actor, scheme=scheme), limit=limit, offset=offset)
    rows = benefit_take_up_rows(actor=actor, scheme=scheme, benefits=page.items)
    return {
        "count": page.count,
        "results": [
            {**_benefit_out(row.benefit), "took_up": row.took_up, "members": row.members}
            for row in rows
        ],
    }


@router.post(
    "/schemes/{scheme_id}/benefits",
    response={201: BenefitOut},
    operation_id="support_scheme_benefit_add",
)
def support_scheme_benefit_add_api(request: HttpRequest, scheme_id: UUID, body: BenefitIn) -> Any:
    """Offer the scheme's members a benefit: an opportunity, one of the provider's events (then
    for members only) or an award scheme for them. Members who asked to be told are told."""
    actor = api_actor(request)
    scheme = scheme_get(actor=actor, scheme_id=scheme_id)
    benefit = benefit_add(actor=actor, scheme=scheme, details=BenefitDetails(**body.model_dump()))
    return Status(201, _benefit_out(benefit))


_TEXT = {"title", "description", "offered_by", "link"}
_CLEARED_BY_NULL = {"description", "offered_by", "link", "members_first_until"}


def _changed_details(benefit: Benefit, given: dict[str, Any]) -> BenefitDetails:
    """The benefit's details with what was sent in place of what it had (its kind stays)."""
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if value is None and name not in _CLEARED_BY_NULL:
            raise ApplicationError("Give a value, or leave it out to keep it.", field=name)
        if name != "is_active":
            changes[name] = "" if value is None and name in _TEXT else value
    current = BenefitDetails(
        kind=benefit.kind,
        title=benefit.title,
        description=benefit.description,
        offered_by=benefit.offered_by,
        link=benefit.link,
        event_id=benefit.event_id,
        award_scheme_id=benefit.award_scheme_id,
        members_first_until=benefit.members_first_until,
    )
    return replace(current, **changes)


@router.patch(
    "/schemes/{scheme_id}/benefits/{benefit_id}",
    response=BenefitOut,
    operation_id="support_scheme_benefit_update",
)
def support_scheme_benefit_update_api(
    request: HttpRequest, scheme_id: UUID, benefit_id: UUID, body: BenefitChangeIn
) -> Any:
    """Change the scheme's benefit (only what is sent; its kind stays what it is), withdraw it
    (`is_active` false: members no longer see it or take it up) or offer it again (`is_active`
    true). There is no separate withdraw operation: withdrawing is this change."""
    actor = api_actor(request)
    scheme = scheme_get(actor=actor, scheme_id=scheme_id)
    benefit = scheme_benefit_get(actor=actor, scheme=scheme, benefit_id=benefit_id)
    given = body.model_dump(exclude_unset=True)
    changed = benefit_update(
        actor=actor,
        benefit=benefit,
        details=_changed_details(benefit, given),
        is_active=given.get("is_active", benefit.is_active),
    )
    return _benefit_out(changed)


def _my_benefit_out(row: MyBenefit) -> dict[str, Any]:
    return {
        **_benefit_out(row.benefit),
        "scheme": row.benefit.scheme.name,
        "taken_up": row.taken_up,
    }


@router.get("/mine/benefits", response=Page[MyBenefitOut], operation_id="support_my_benefits")
def support_my_benefits_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """What my schemes offer me (and opportunities now open to every student), each with
    whether I took it up."""
    page = page_of(my_benefits(actor=api_actor(request)), limit=limit, offset=offset)
    return page.answer(_my_benefit_out)


@router.post(
    "/mine/benefits/{benefit_id}/take-up",
    response=MyBenefitOut,
    operation_id="support_my_benefit_take_up",
)
def support_my_benefit_take_up_api(request: HttpRequest, benefit_id: UUID) -> Any:
    """Count me in for an opportunity on offer to me (once); its link is where to go next."""
    actor = api_actor(request)
    benefit = benefit_policy.get(actor, benefit_id, action=USE)
    benefit_take_up(actor=actor, benefit=benefit)
    return _my_benefit_out(MyBenefit(benefit, taken_up=True))


@router.post(
    "/mine/benefits/{benefit_id}/book",
    response=BookedOut,
    operation_id="support_my_benefit_book",
)
def support_my_benefit_book_api(request: HttpRequest, benefit_id: UUID, body: BookingIn) -> Any:
    """Book a place at a members-only event of a scheme I am a member of (the confirmation,
    with its link, is e-mailed to me)."""
    actor = api_actor(request)
    benefit = benefit_policy.get(actor, benefit_id, action=USE)
    made = benefit_event_book(
        actor=actor, benefit=benefit, access_requirements=body.access_requirements
    )
    return {
        "benefit_id": benefit.pk,
        "status": made.booking.status,
        "status_label": made.booking.get_status_display(),
    }
