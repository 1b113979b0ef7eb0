"""Check-in in the API, for a door-list or QR-scanning app: the same services, rules and answers
as the check-in pages. Only the event's organisers reach an event here; anyone else, and a
missing event, booking or code, get 404. Checking in someone already checked in (or undoing a
check-in that is not there) answers with the booking as it is, so a scan repeated by a shaky
connection does no harm."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_outputs import read_from, with_values
from widen.core.api_pages import DEFAULT_LIMIT, page_of
from widen.events.checkin.services import (
    CheckInOutcome,
    booking_check_in,
    booking_check_in_undo,
    booking_for_checkin_code,
    booking_for_organiser,
    checkin_counts,
    checkin_search,
    event_for_checkin,
    shown_name,
    shown_names,
)
from widen.events.models import Booking

checkin_router = Router(tags=["check-in"])


# Read with `with_values(booking, shown_name=...)`: a learner the caller may not see by name is
# given as "A learner booked by another organisation".
class CheckInBookingOut(Schema):
    id: UUID
    name: str
    attendee_type: str
    status: str
    checked_in_at: datetime | None

    resolve_name = read_from("shown_name")


class CheckInListOut(Schema):
    event_id: UUID
    booked: int
    checked_in: int
    waiting: int
    count: int = Field(description="How many bookings the list (or search) finds in all.")
    bookings: list[CheckInBookingOut]


class CheckInOut(Schema):
    booking: CheckInBookingOut
    changed: bool
    attendance_recorded: bool
    note: str


def _outcome(actor: Any, booking: Booking, outcome: CheckInOutcome | None) -> dict[str, Any]:
    booking.refresh_from_db(fields=["status", "checked_in_at", "updated_at"])
    return {
        "booking": with_values(booking, shown_name=shown_name(actor, booking)),
        "changed": outcome is not None,
        "attendance_recorded": bool(outcome and outcome.attendance_recorded),
        "note": outcome.attendance_note if outcome else "",
    }


def _organised_booking(
    request: HttpRequest, event_id: UUID, *, booking_id: UUID | None = None, code: str | None = None
) -> tuple[Any, Booking]:
    """The caller and the booking of the event they check in: by its id, or by the code its QR
    code carries (404 for anyone but the event's organisers, and for a missing one)."""
    actor = api_actor(request)
    event = event_for_checkin(actor=actor, event_id=event_id)
    if code is not None:
        return actor, booking_for_checkin_code(actor=actor, event=event, code=code)
    return actor, booking_for_organiser(actor=actor, event=event, booking_id=booking_id)


def _checked_in(actor: Any, booking: Booking) -> dict[str, Any]:
    """Check the booking in; one already checked in is answered as it is, unchanged."""
    if booking.checked_in_at is not None:
        return _outcome(actor, booking, None)
    return _outcome(actor, booking, booking_check_in(actor=actor, booking=booking))


@checkin_router.get("/events/{event_id}", response=CheckInListOut, operation_id="checkin_list")
def checkin_list_api(
    request: HttpRequest,
    event_id: UUID,
    q: str = "",
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """Everyone booked (a search `q` also finds those waiting or cancelled), by name, a page at
    a time, with the counts."""
    actor = api_actor(request)
    event = event_for_checkin(actor=actor, event_id=event_id)
    counts = checkin_counts(event=event)
    found = checkin_search(actor=actor, event=event, search=" ".join(q.split())[:100])
    page = page_of(found.order_by("name", "requested_at", "pk"), limit=limit, offset=offset)
    bookings = page.items
    names = shown_names(actor, bookings)
    return {
        "event_id": event.pk,
        "booked": counts.booked,
        "checked_in": counts.checked_in,
        "waiting": counts.waiting,
        "count": page.count,
        "bookings": [with_values(booking, shown_name=names[booking.pk]) for booking in bookings],
    }


@checkin_router.post(
    "/events/{event_id}/bookings/{booking_id}", response=CheckInOut, operation_id="checkin_create"
)
def checkin_create_api(request: HttpRequest, event_id: UUID, booking_id: UUID) -> Any:
    """Check a booked person in (a learner's attendance is marked too)."""
    return _checked_in(*_organised_booking(request, event_id, booking_id=booking_id))


@checkin_router.post(
    "/events/{event_id}/bookings/{booking_id}/undo",
    response=CheckInOut,
    operation_id="checkin_undo",
)
def checkin_undo_api(request: HttpRequest, event_id: UUID, booking_id: UUID) -> Any:
    """Undo a check-in (a learner's attendance is un-marked too)."""
    actor, booking = _organised_booking(request, event_id, booking_id=booking_id)
    if booking.checked_in_at is None:
        return _outcome(actor, booking, None)
    return _outcome(actor, booking, booking_check_in_undo(actor=actor, booking=booking))


@checkin_router.post(
    "/events/{event_id}/codes/{code}", response=CheckInOut, operation_id="checkin_by_code"
)
def checkin_by_code_api(request: HttpRequest, event_id: UUID, code: str) -> Any:
    """Check in the booking whose QR code carries `code`."""
    return _checked_in(*_organised_booking(request, event_id, code=code))
