"""Shifts in the JSON API, under the same policy and services as the pages.

A student partner (their own token): the shifts offered to them with a place open, their own
bookings, claiming a place (first come), dropping a booking (no reason asked, nothing counted
against them), asking a colleague to swap, calling the swap off, and taking over a shift a
colleague asked them to. A coordinator: the week's shifts of their own providers, creating,
cancelling, allocating a place to an eligible partner, and recording a booking as worked.

Anyone else, and anything not theirs, is answered 404 as for a thing that does not exist; a
rule refused (a full shift, an hour cap) answers 422 with the reason in plain words.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, Moment, PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.partners.hours import week_start
from widen.partners.models import Shift, ShiftAssignment
from widen.partners.permissions import MANAGE, assignment_policy, may_coordinate
from widen.partners.selectors import shift_pages as pages
from widen.partners.selectors.roles import role_get
from widen.partners.selectors.shifts import (
    my_bookings,
    shift_bookings,
    shift_candidates,
    shifts_open_to_me,
    swaps_asked_of_me,
)
from widen.partners.services import shift_swaps, shifts

router = Router(tags=["partners"])


class PartnerShiftOut(Schema):
    id: UUID
    organisation_id: UUID
    role_id: UUID
    role: str
    title: str
    description: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    place: str
    places: int
    allocation: str
    costs_covered: bool
    cancelled: bool


class PartnerBookingOut(Schema):
    id: UUID = Field(description="The booking (the partner's place on the shift).")
    status: str
    shift: PartnerShiftOut
    swap_offered_to: str | None = Field(
        None, description="The colleague asked to take the shift over, while they may."
    )


class PartnerSwapAskedOut(Schema):
    id: UUID = Field(description="The booking a colleague asked you to take over.")
    shift: PartnerShiftOut
    asked_by: str


class PartnerColleagueOut(Schema):
    partner_id: UUID
    name: str


class PartnerBookedOut(Schema):
    booking_id: UUID
    partner_id: UUID
    name: str


class PartnerRotaShiftOut(PartnerShiftOut):
    booked: list[PartnerBookedOut]


class PartnerRotaDayOut(Schema):
    day: date
    shifts: list[PartnerRotaShiftOut]


class PartnerShiftIn(InputSchema):
    role_id: UUID
    title: str = Field(max_length=200)
    starts_at: Moment
    ends_at: Moment
    description: str = Field("", max_length=4000)
    place: str = Field("", max_length=200)
    places: int = Field(1, ge=1, le=500)
    mode: str = Field("on_site", max_length=10)
    allocation: str = Field("first_come", max_length=12)
    costs_covered: bool = False


class PartnerSwapIn(InputSchema):
    colleague_id: UUID


class PartnerAllocateIn(InputSchema):
    partner_id: UUID


class PartnerWorkedIn(InputSchema):
    minutes: int | None = Field(None, ge=1, le=24 * 60)


def shift_out(shift: Shift) -> dict[str, Any]:
    return {
        "id": shift.pk,
        "organisation_id": shift.organisation_id,
        "role_id": shift.role_id,
        "role": shift.role.title,
        "title": shift.title,
        "description": shift.description,
        "kind": shift.kind,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "mode": shift.mode,
        "place": shift.place,
        "places": shift.places,
        "allocation": shift.allocation,
        "costs_covered": shift.costs_covered,
        "cancelled": shift.cancelled_at is not None,
    }


def booking_out(booking: ShiftAssignment) -> dict[str, Any]:
    colleague = booking.swap_offered_to
    return {
        "id": booking.pk,
        "status": booking.status,
        "shift": shift_out(booking.shift),
        "swap_offered_to": colleague.student.display_name if colleague is not None else None,
    }


def _swap_asked_out(booking: ShiftAssignment) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "shift": shift_out(booking.shift),
        "asked_by": booking.partner.student.display_name,
    }


def _coordinator(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not may_coordinate(actor):
        raise NotFound
    return actor


# --- A student partner's own -----------------------------------------------------------------


class PartnerShiftPage(Page[PartnerShiftOut]):
    pass


class PartnerBookingPage(Page[PartnerBookingOut]):
    pass


class PartnerSwapAskedPage(Page[PartnerSwapAskedOut]):
    pass


class PartnerColleaguePage(Page[PartnerColleagueOut]):
    pass


class PartnerBookedPage(Page[PartnerBookedOut]):
    pass


class PartnerRotaPage(Page[PartnerRotaDayOut]):
    pass


@router.get("/shifts/open", response=PartnerShiftPage, operation_id="partner_open_shifts")
def partner_open_shifts_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """Shifts offered to me (they fit my plan, checks and hour caps) with a place open now."""
    shifts_open = shifts_open_to_me(actor=api_actor(request))
    return page_of(shifts_open, limit=limit, offset=offset).answer(shift_out)


@router.get("/bookings", response=PartnerBookingPage, operation_id="partner_my_bookings")
def partner_my_bookings_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """My shifts still to come or under way."""
    mine = my_bookings(actor=api_actor(request))
    return page_of(mine, limit=limit, offset=offset).answer(booking_out)


@router.get("/swaps", response=PartnerSwapAskedPage, operation_id="partner_swaps_asked")
def partner_swaps_asked_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """Shifts colleagues asked me to take over."""
    asked = swaps_asked_of_me(actor=api_actor(request))
    return page_of(asked, limit=limit, offset=offset).answer(_swap_asked_out)


@router.post(
    "/shifts/{shift_id}/claim",
    response={201: PartnerBookingOut},
    operation_id="partner_shift_claim",
)
def partner_shift_claim_api(request: HttpRequest, shift_id: UUID) -> Status:
    """Claim a place on a shift offered to me: first come; refused (422, with the reason) when
    every place is taken or the shift no longer fits."""
    actor = api_actor(request)
    shift = pages.offered_shift_get(actor=actor, shift_id=shift_id)
    booking = shifts.shift_claim(actor=actor, shift=shift)
    return Status(201, booking_out(pages.my_booking_get(actor=actor, assignment_id=booking.pk)))


@router.post(
    "/bookings/{booking_id}/drop", response=PartnerBookingOut, operation_id="partner_shift_drop"
)
def partner_shift_drop_api(request: HttpRequest, booking_id: UUID) -> dict[str, Any]:
    """Drop one of my shifts: no reason asked, nothing counted against me; the place is offered
    again and the coordinator told."""
    actor = api_actor(request)
    booking = pages.my_booking_get(actor=actor, assignment_id=booking_id)
    shift_swaps.shift_drop(actor=actor, assignment=booking)
    return booking_out(pages.my_booking_get(actor=actor, assignment_id=booking_id))


@router.get(
    "/bookings/{booking_id}/colleagues",
    response=PartnerColleaguePage,
    operation_id="partner_swap_colleagues",
)
def partner_swap_colleagues_api(
    request: HttpRequest, booking_id: UUID, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The colleagues who could take one of my shifts over now."""
    booking = pages.my_booking_get(actor=api_actor(request), assignment_id=booking_id)
    return page_of(pages.swap_colleagues(assignment=booking), limit=limit, offset=offset).answer(
        lambda one: {"partner_id": one.pk, "name": one.student.display_name}
    )


@router.post(
    "/bookings/{booking_id}/swap", response=PartnerBookingOut, operation_id="partner_swap_offer"
)
def partner_swap_offer_api(
    request: HttpRequest, booking_id: UUID, data: PartnerSwapIn
) -> dict[str, Any]:
    """Ask a colleague to take one of my shifts over; it stays mine until they accept."""
    actor = api_actor(request)
    booking = pages.my_booking_get(actor=actor, assignment_id=booking_id)
    colleague = next(
        (one for one in pages.swap_colleagues(assignment=booking) if one.pk == data.colleague_id),
        None,
    )
    if colleague is None:
        raise ApplicationError(shift_swaps.COLLEAGUE_CANNOT, field="colleague_id")
    shift_swaps.shift_swap_offer(actor=actor, assignment=booking, colleague=colleague)
    return booking_out(pages.my_booking_get(actor=actor, assignment_id=booking_id))


@router.post(
    "/bookings/{booking_id}/swap/cancel",
    response=PartnerBookingOut,
    operation_id="partner_swap_cancel",
)
def partner_swap_cancel_api(request: HttpRequest, booking_id: UUID) -> dict[str, Any]:
    """Call off asking a colleague to take my shift."""
    actor = api_actor(request)
    booking = pages.my_booking_get(actor=actor, assignment_id=booking_id)
    shift_swaps.shift_swap_cancel(actor=actor, assignment=booking)
    return booking_out(pages.my_booking_get(actor=actor, assignment_id=booking_id))


@router.post(
    "/swaps/{booking_id}/accept", response=PartnerBookingOut, operation_id="partner_swap_accept"
)
def partner_swap_accept_api(request: HttpRequest, booking_id: UUID) -> dict[str, Any]:
    """Take over a shift a colleague asked me to: it becomes my booking."""
    actor = api_actor(request)
    asked = pages.swap_asked_of_me_get(actor=actor, assignment_id=booking_id)
    mine = shift_swaps.shift_swap_accept(actor=actor, assignment=asked)
    return booking_out(pages.my_booking_get(actor=actor, assignment_id=mine.pk))


# --- A coordinator's --------------------------------------------------------------------------


@router.get("/rota", response=PartnerRotaPage, operation_id="partner_rota")
def partner_rota_api(
    request: HttpRequest,
    week: CalendarDate | None = None,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> dict[str, Any]:
    """The week's shifts of my providers (the week holding `week`, this week unless given), each
    with who is booked."""
    actor = _coordinator(request)
    monday = week_start(week or timezone.localdate())
    days = [
        {
            "day": day.day,
            "shifts": [
                shift_out(shift)
                | {
                    "booked": [
                        {
                            "booking_id": one.pk,
                            "partner_id": one.partner_id,
                            "name": one.partner.student.display_name,
                        }
                        for one in shift.booked  # type: ignore[attr-defined]
                    ]
                }
                for shift in day.shifts
            ],
        }
        for day in pages.rota_week(actor=actor, monday=monday)
    ]
    return page_of(days, limit=limit, offset=offset).answer()


@router.post("/shifts", response={201: PartnerShiftOut}, operation_id="partner_shift_create")
def partner_shift_create_api(request: HttpRequest, data: PartnerShiftIn) -> Status:
    """A new shift in one of my provider's roles; a first-come shift is offered at once to the
    partners it fits."""
    actor = _coordinator(request)
    role = role_get(actor=actor, role_id=data.role_id, action=MANAGE)
    fields = data.model_dump(exclude={"role_id", "title", "starts_at", "ends_at"})
    shift = shifts.shift_create(
        actor=actor,
        role=role,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        **fields,
    )
    return Status(201, shift_out(pages.managed_shift_get(actor=actor, shift_id=shift.pk)))


@router.post(
    "/shifts/{shift_id}/cancel", response=PartnerShiftOut, operation_id="partner_shift_cancel"
)
def partner_shift_cancel_api(request: HttpRequest, shift_id: UUID) -> dict[str, Any]:
    """Cancel one of my provider's shifts; those booked are told."""
    actor = _coordinator(request)
    shift = pages.managed_shift_get(actor=actor, shift_id=shift_id)
    shifts.shift_cancel(actor=actor, shift=shift)
    return shift_out(pages.managed_shift_get(actor=actor, shift_id=shift_id))


@router.post(
    "/shifts/{shift_id}/allocate",
    response={201: PartnerBookedOut},
    operation_id="partner_shift_allocate",
)
def partner_shift_allocate_api(
    request: HttpRequest, shift_id: UUID, data: PartnerAllocateIn
) -> Status:
    """Give a place to a partner of the provider holding the shift's role; refused (422, with
    the reason) when they are not eligible."""
    actor = _coordinator(request)
    shift = pages.managed_shift_get(actor=actor, shift_id=shift_id)
    candidate = next(
        (
            one
            for one in shift_candidates(actor=actor, shift=shift)
            if one.partner.pk == data.partner_id
        ),
        None,
    )
    if candidate is None:
        raise ApplicationError(
            "Only an active partner of the provider in the shift's role can be given it.",
            field="partner_id",
        )
    booking = shifts.shift_allocate(actor=actor, shift=shift, partner=candidate.partner)
    name = candidate.partner.student.display_name
    return Status(201, {"booking_id": booking.pk, "partner_id": booking.partner_id, "name": name})


@router.get("/shifts/{shift_id}/booked", response=PartnerBookedPage, operation_id="partner_booked")
def partner_shift_booked_api(
    request: HttpRequest, shift_id: UUID, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """Who is booked on one of my provider's shifts."""
    actor = _coordinator(request)
    shift = pages.managed_shift_get(actor=actor, shift_id=shift_id)
    booked = shift_bookings(actor=actor, shift=shift)
    return page_of(booked, limit=limit, offset=offset).answer(
        lambda one: {
            "booking_id": one.pk,
            "partner_id": one.partner_id,
            "name": one.partner.student.display_name,
        }
    )


@router.post(
    "/bookings/{booking_id}/worked",
    response=PartnerBookedOut,
    operation_id="partner_shift_worked",
)
def partner_shift_worked_api(
    request: HttpRequest, booking_id: UUID, data: PartnerWorkedIn
) -> dict[str, Any]:
    """Record that a partner booked on one of my provider's shifts worked it (`minutes`, the
    shift's length unless given): their timesheet is drafted from it."""
    actor = _coordinator(request)
    booking = assignment_policy.get(actor, booking_id, action=MANAGE)
    booking = shifts.shift_record_worked(actor=actor, assignment=booking, minutes=data.minutes)
    name = booking.partner.student.display_name
    return {"booking_id": booking.pk, "partner_id": booking.partner_id, "name": name}
