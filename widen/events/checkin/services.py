"""Checking people in on the day, and their attendance in learners' activity records.

Only those who run the event check people in (`event_policy`, the action `CHECK_IN`). A booking is
checked in from the list (search by name) or by the QR code on the holder's booking page. The
QR code carries a check-in code, not the booking's one-time link token: the code is an HMAC of
the booking's id under the site's secret key, so it names one booking, cannot be guessed, and
opens nothing for anyone but the organisers.

A booking that names a learner's record (staff group bookings) has its attendance recorded by
the activities app's own services (`register_add`, `attendance_mark`) on the session of the
event's activity for that day, created with `session_create` when there is none: one path, so
contact hours, the audit trail and the dashboard's summaries follow. Undoing a check-in un-marks
the attendance the same way.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from widen.activities.models import AttendanceStatus, Session
from widen.activities.services import (
    SessionDetails,
    attendance_mark,
    register_add,
    session_create,
)
from widen.core.exceptions import ApplicationError, NotFound
from widen.events.models import Booking, BookingStatus, Event
from widen.events.permissions import CHECK_IN, event_policy
from widen.events.selectors import unnamed_bookings

CODE_SALT = "widen.events.checkin"
CODE_MAC_LENGTH = 20
NO_ACTIVITY = "Link this event to an activity to record attendance in learners' journeys."
SEARCH_MAX = 100


# Who checks in -------------------------------------------------------------------------------


def may_check_in(actor: Any, event: Event) -> bool:
    """Whether `actor` checks people in at `event` (runs it)."""
    return event_policy.may(actor, CHECK_IN, event)


def event_for_checkin(*, actor: Any, event_id: Any) -> Event:
    """An event `actor` runs; a missing event and another's answer the same (NotFound)."""
    return event_policy.get(actor, event_id, action=CHECK_IN)


# Reads for the check-in page ------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInCounts:
    booked: int
    checked_in: int
    waiting: int


def checkin_counts(*, event: Event) -> CheckInCounts:
    row = Booking.objects.filter(event=event).aggregate(
        booked=Count("pk", filter=Q(status=BookingStatus.BOOKED)),
        checked_in=Count("pk", filter=Q(status=BookingStatus.BOOKED, checked_in_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=BookingStatus.WAITING)),
    )
    return CheckInCounts(
        booked=row["booked"] or 0, checked_in=row["checked_in"] or 0, waiting=row["waiting"] or 0
    )


def checkin_list(*, event: Event, search: str = "") -> QuerySet[Booking]:
    """The event's bookings with a place, by name. A search (any part of the name) also finds
    those waiting or cancelled, so the organiser at the door can tell them why."""
    # Whole rows: an audited model loaded with deferred fields would read each one back.
    bookings = Booking.objects.filter(event=event)
    words = search.split()[:5]
    if not words:
        bookings = bookings.filter(status=BookingStatus.BOOKED)
    for word in words:
        bookings = bookings.filter(name__icontains=word[:SEARCH_MAX])
    return bookings.order_by("name", "requested_at")


# A group-booked learner the organiser may not see by name (no agreement with the organisation
# holding their record) is checked in without their name, as the bookings list shows them.
UNNAMED = "A learner booked by another organisation"


def shown_names(actor: Any, bookings: list[Booking]) -> dict[Any, str]:
    """Each booking's name as `actor` may see it."""
    unnamed = unnamed_bookings(actor, bookings)
    return {booking.pk: UNNAMED if booking.pk in unnamed else booking.name for booking in bookings}


def shown_name(actor: Any, booking: Booking) -> str:
    return shown_names(actor, [booking])[booking.pk]


def checkin_search(*, actor: Any, event: Event, search: str = "") -> QuerySet[Booking]:
    """`checkin_list` for `actor`: a name search never finds a learner they may not see by
    name (that would tell them the name)."""
    bookings = checkin_list(event=event, search=search)
    if search.split():
        named = event_policy.named_learners(actor).values("pk")
        bookings = bookings.filter(Q(learner__isnull=True) | Q(learner__in=named))
    return bookings


def booking_for_organiser(*, actor: Any, event: Event, booking_id: Any) -> Booking:
    """One of `event`'s bookings, for those who check people in at it; otherwise `NotFound`."""
    return event_policy.booking_get(actor, event, booking_id, action=CHECK_IN)


# The code in the QR -------------------------------------------------------------------------


def _mac(booking_id: UUID) -> str:
    return salted_hmac(CODE_SALT, booking_id.hex, algorithm="sha256").hexdigest()[:CODE_MAC_LENGTH]


def checkin_code(booking: Booking) -> str:
    """The check-in code the booking's QR carries: its id and a MAC of it."""
    return f"{booking.pk.hex}-{_mac(booking.pk)}"


def booking_for_checkin_code(*, actor: Any, event: Event, code: str) -> Booking:
    """The booking of `event` a check-in code names; a wrong or another event's code: NotFound."""
    if not isinstance(code, str) or len(code) > 80:
        raise NotFound
    booking_hex, _, mac = code.partition("-")
    try:
        booking_id = UUID(hex=booking_hex)
    except ValueError:
        raise NotFound from None
    if not hmac.compare_digest(mac.encode(), _mac(booking_id).encode()):
        raise NotFound
    return booking_for_organiser(actor=actor, event=event, booking_id=booking_id)


# Writes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInOutcome:
    booking: Booking
    session: Session | None = None
    attendance_recorded: bool = False
    attendance_note: str = ""  # why attendance was not recorded, in words for the organiser


def _attendance_day(event: Event, now: datetime) -> date:
    """The day whose session records attendance: today while the event runs, else its first."""
    first = timezone.localdate(event.starts_at)
    last = timezone.localdate(event.ends_at)
    today = timezone.localdate(now)
    return today if first <= today <= last else first


def _session_times(event: Event, day: date) -> tuple[time, time]:
    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    start = starts.time() if starts.date() == day else time(9, 0)
    end = ends.time() if ends.date() == day else time(17, 0)
    if end <= start:
        start, end = time(9, 0), time(17, 0)
    return start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)


def _session_for_day(*, actor: Any, event: Event, day: date) -> Session:
    """The event's activity's session that day, made through the activities app if missing."""
    assert event.activity is not None
    session = (
        Session.objects.filter(activity=event.activity, date=day)
        .order_by("starts_at", "created_at")
        .first()
    )
    if session is not None:
        return session
    start, end = _session_times(event, day)
    return session_create(
        actor=actor,
        activity=event.activity,
        details=SessionDetails(
            date=day,
            starts_at=start,
            ends_at=end,
            venue=(event.venue or ("" if event.online_link else event.title))[:200],
            online_link=event.online_link,
            year_groups=[year for year in event.year_groups if isinstance(year, int)],
        ),
    )


def _mark(
    *, actor: Any, booking: Booking, event: Event, status: str, at: datetime
) -> CheckInOutcome:
    """Mark the booking's learner `status` through the activities services, in a savepoint: a
    refusal there leaves the check-in itself standing and is told to the organiser."""
    if booking.learner_id is None:
        return CheckInOutcome(booking=booking)
    if event.activity is None:
        return CheckInOutcome(booking=booking, attendance_note=NO_ACTIVITY)
    try:
        with transaction.atomic():
            day = _attendance_day(event, at)
            if status == AttendanceStatus.ATTENDED:
                session = _session_for_day(actor=actor, event=event, day=day)
                assert booking.learner is not None
                register_add(actor=actor, session=session, learners=[booking.learner])
            else:
                found = Session.objects.filter(
                    activity=event.activity, date=day, register__learner_id=booking.learner_id
                ).first()
                if found is None:
                    return CheckInOutcome(booking=booking)
                session = found
            # Checking in on arrival is marking on the day, often before the planned start.
            attendance_mark(
                actor=actor,
                session=session,
                marks={booking.learner_id: status},
                before_start=True,
                now=at,
            )
    except ApplicationError as error:
        return CheckInOutcome(
            booking=booking, attendance_note=f"Attendance was not recorded: {error.message}"
        )
    return CheckInOutcome(booking=booking, session=session, attendance_recorded=True)


def _locked_for_check_in(actor: Any, booking: Booking) -> Booking:
    """The booking, locked, once the actor may check people in at its event (inside a
    transaction)."""
    # The event first, as cancelling does: one check-in at a time per event, so two
    # learners checked in together find (or make) the same session for the day.
    Event.objects.select_for_update().filter(pk=booking.event_id).first()
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("event__activity", "event__organiser", "learner")
        .get(pk=booking.pk)
    )
    event_policy.require(actor, CHECK_IN, locked.event)
    return locked


def booking_check_in(
    *, actor: Any, booking: Booking, now: datetime | None = None
) -> CheckInOutcome:
    """Check a booked person in; their learner record's attendance is marked as attended."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for_check_in(actor, booking)
        event = locked.event
        name = shown_name(actor, locked)
        if locked.status == BookingStatus.WAITING:
            raise ApplicationError(
                f"{name} is on the waiting list, not booked, so cannot be checked in. "
                "Give them a place first if there is room."
            )
        if locked.status == BookingStatus.CANCELLED:
            raise ApplicationError(f"{name}'s booking is cancelled, so they cannot be checked in.")
        if locked.checked_in_at is not None:
            raise ApplicationError(
                f"{name} is already checked in "
                f"(at {timezone.localtime(locked.checked_in_at):%H:%M})."
            )
        locked.checked_in_at = now
        locked.full_clean()
        locked.save(update_fields=["checked_in_at", "updated_at"])
        outcome = _mark(
            actor=actor, booking=locked, event=event, status=AttendanceStatus.ATTENDED, at=now
        )
    booking.checked_in_at = locked.checked_in_at
    return outcome


def booking_check_in_undo(*, actor: Any, booking: Booking) -> CheckInOutcome:
    """Undo a check-in made by mistake; the learner's attendance is un-marked the same way."""
    with transaction.atomic():
        locked = _locked_for_check_in(actor, booking)
        event = locked.event
        if locked.checked_in_at is None:
            raise ApplicationError(f"{shown_name(actor, locked)} is not checked in.")
        checked_in_at = locked.checked_in_at
        locked.checked_in_at = None
        locked.save(update_fields=["checked_in_at", "updated_at"])
        # Un-marked on the day it was marked, even when undone the next day.
        outcome = _mark(
            actor=actor,
            booking=locked,
            event=event,
            status=AttendanceStatus.REGISTERED,
            at=checked_in_at,
        )
    booking.checked_in_at = None
    return outcome
