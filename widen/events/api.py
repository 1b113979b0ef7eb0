"""Events and their bookings in the API: the same services and rules as the pages. Bookings'
access requirements and adjustments are given only to the organising organisation's admins and
outreach officers, and each such read is written to the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import Moment, PageLimit, PageOffset, YearGroup
from widen.core.api_outputs import shown_if, with_values
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.details import details_given
from widen.core.exceptions import NotFound
from widen.events.permissions import event_policy
from widen.events.selectors import (
    adjustments_seen,
    booking_counts,
    bookings_for_event,
    event_for_manager,
    event_for_organiser,
    events_for_user,
    may_see_adjustments,
    unnamed_bookings,
)
from widen.events.services import (
    INVITATION_LINK_PATH,
    EventDetails,
    event_create,
)

events_router = Router(tags=["events"])


class EventOut(Schema):
    id: UUID
    partnership_id: UUID
    organiser_id: UUID
    title: str
    description: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    online_link: str
    audiences: list[str]
    year_groups: list[int]
    capacity: int | None
    is_public: bool
    co_created_with: str
    activity_id: UUID | None


# Read with `with_values(event, **counts)`.
class EventDetailOut(EventOut):
    booked: int
    waiting: int
    cancelled: int


# Read with `with_values(event, invitation_link=...)`.
class EventCreatedOut(EventOut):
    invitation_link: str = Field(
        "", description="For an invitation-only event: its invitation link, given only now."
    )


class EventIn(InputSchema):
    partnership_id: UUID
    organiser_id: UUID
    title: str
    kind: str
    starts_at: Moment
    ends_at: Moment
    description: str = ""
    venue: str = ""
    online_link: str = ""
    audiences: list[str] = []
    year_groups: list[YearGroup] = []
    capacity: int | None = None
    is_public: bool = True
    co_created_with: str = ""


class AdjustmentsOut(Schema):
    access_requirements: str
    reasonable_adjustments: str
    dietary_needs: str
    care_experienced: bool
    disabled: bool


class BookingOut(Schema):
    id: UUID
    name: str | None = Field(..., description="None for a learner the caller may not see by name.")
    email: str | None
    attendee_type: str
    status: str
    learner_id: UUID | None
    requested_at: datetime
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    adjustments: AdjustmentsOut | None = Field(
        None, description="Only for the organising organisation's admins and outreach officers."
    )

    # Read with `with_values(booking, named=..., adjustments_shown=...)`.
    resolve_name = shown_if("named", "name")
    resolve_email = shown_if("named", "email")

    @staticmethod
    def resolve_adjustments(booking: Any) -> Any:
        return booking if booking.adjustments_shown else None


class EventPage(Page[EventOut]):
    pass


class BookingPage(Page[BookingOut]):
    pass


@events_router.get("", response=EventPage, operation_id="event_list")
def event_list_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The events of every partnership the caller is a member of, latest first, a page at a
    time (`count` is how many there are in all)."""
    events = events_for_user(api_actor(request)).order_by("-starts_at", "title", "pk")
    return page_of(events, limit=limit, offset=offset).answer()


@events_router.post("", response={201: EventCreatedOut}, operation_id="event_create")
def event_create_api(request: HttpRequest, body: EventIn) -> Any:
    actor = api_actor(request)
    partnership = event_policy.partnership_for_create(actor, body.partnership_id)
    organiser = event_policy.organisers_for(actor, partnership).filter(pk=body.organiser_id).first()
    if organiser is None:
        raise NotFound
    made = event_create(
        actor=actor,
        partnership=partnership,
        organiser=organiser,
        details=details_given(EventDetails, body),
        link_base=request.build_absolute_uri(INVITATION_LINK_PATH),
    )
    return Status(201, with_values(made.event, invitation_link=made.invitation_link))


@events_router.get("/{event_id}", response=EventDetailOut, operation_id="event_get")
def event_get_api(request: HttpRequest, event_id: UUID) -> Any:
    event = event_for_organiser(api_actor(request), event_id)
    return with_values(event, **booking_counts(event))


@events_router.get("/{event_id}/bookings", response=BookingPage, operation_id="event_bookings")
def event_bookings_api(
    request: HttpRequest, event_id: UUID, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The event's bookings, a page at a time, for those who run it (anyone else: 404). Reading
    the access requirements and adjustments on the page is written to the access log."""
    actor = api_actor(request)
    event = event_for_manager(actor, event_id)
    page = page_of(
        bookings_for_event(actor, event).order_by("status", "requested_at", "created_at", "pk"),
        limit=limit,
        offset=offset,
    )
    bookings = page.items
    sees = may_see_adjustments(actor, event)
    if sees:
        adjustments_seen(
            user=actor,
            event=event,
            bookings=bookings,
            purpose=f"Event bookings (API): access requirements and adjustments for {event.title}",
        )
    unnamed = unnamed_bookings(actor, bookings)
    return page.answer(
        lambda booking: with_values(
            booking, named=booking.pk not in unnamed, adjustments_shown=sees
        )
    )
