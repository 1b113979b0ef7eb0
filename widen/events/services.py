"""Every write to bookings, with its rule: capacity, the waiting list, the one-time link.

A booking is made without an account. `booking_create` returns the link token once, in a
`BookingMade`, and e-mails it; only its SHA-256 is stored. When a place frees up (a cancellation)
the first booking on the waiting list is given it, in the same transaction, and e-mailed.
Every write goes through `Booking.save()`, which leaves an `AuditEvent`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from widen.core.exceptions import ApplicationError, NotFound
from widen.core.links import link_lookup, link_token_new
from widen.events.models import (
    ADJUSTMENT_FIELDS,
    AttendeeType,
    Booking,
    BookingStatus,
    Event,
    Talk,
)
from widen.learners.models import Learner

# Where the holder's booking page lives; the pages pass their absolute address instead.
BOOKING_LINK_PATH = "/events/booking/"
NAME_MAX = 160
TEXT_MAX = 2000


@dataclass(frozen=True)
class BookingDetails:
    """What a person gives when booking, or changes later through their link."""

    name: str
    email: str
    attendee_type: str
    access_requirements: str = ""
    reasonable_adjustments: str = ""
    dietary_needs: str = ""
    care_experienced: bool = False
    disabled: bool = False
    talk_ids: Sequence[UUID] = field(default_factory=tuple)


@dataclass(frozen=True)
class BookingMade:
    """A new booking and its link token: the only time the token is available."""

    booking: Booking
    token: str
    link: str


def _text(value: Any, field_name: str, label: str, *, maximum: int, required: bool) -> str:
    if not isinstance(value, str):
        raise ApplicationError(f"{label} must be text.", field=field_name)
    if "\x00" in value:
        raise ApplicationError(
            f"{label} contains a character that cannot be kept.", field=field_name
        )
    value = value.strip()
    if required and not value:
        raise ApplicationError(f"Enter {label.lower()}.", field=field_name)
    if len(value) > maximum:
        raise ApplicationError(
            f"{label} must be at most {maximum} characters (it has {len(value)}).",
            field=field_name,
        )
    return value


def _clean(event: Event, details: BookingDetails) -> dict[str, Any]:
    name = _text(details.name, "name", "Your name", maximum=NAME_MAX, required=True)
    email = _text(details.email, "email", "Your e-mail address", maximum=254, required=True)
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            f"“{email[:60]}” is not an e-mail address, like name@example.org.", field="email"
        ) from None
    if details.attendee_type not in AttendeeType.values:
        raise ApplicationError(
            "Choose who you are: "
            + ", ".join(str(label).lower() for label in AttendeeType.labels)
            + ".",
            field="attendee_type",
        )
    cleaned: dict[str, Any] = {
        "name": name,
        "email": email,
        "attendee_type": details.attendee_type,
        "care_experienced": bool(details.care_experienced),
        "disabled": bool(details.disabled),
    }
    for field_name, label in (
        ("access_requirements", "Access requirements"),
        ("reasonable_adjustments", "Reasonable adjustments"),
        ("dietary_needs", "Dietary needs"),
    ):
        cleaned[field_name] = _text(
            getattr(details, field_name), field_name, label, maximum=TEXT_MAX, required=False
        )
    talk_ids = set(details.talk_ids)
    talks = list(Talk.objects.filter(event=event, pk__in=talk_ids)) if talk_ids else []
    if len(talks) != len(talk_ids):
        raise ApplicationError("Choose talks from this event's programme.", field="agenda")
    cleaned["agenda"] = talks
    return cleaned


def _booking_link(token: str, link_base: str | None) -> str:
    return f"{link_base or BOOKING_LINK_PATH}{token}/"


def _when(event: Event) -> str:
    starts = timezone.localtime(event.starts_at)
    return f"{starts:%A %d %B %Y at %H:%M}"


def _send_confirmation(booking: Booking, link: str) -> None:
    event = booking.event
    if booking.status == BookingStatus.BOOKED:
        subject = f"Your place at {event.title}"
        opening = f"Your place at {event.title} on {_when(event)} is booked."
    else:
        subject = f"You are on the waiting list for {event.title}"
        opening = (
            f"{event.title} on {_when(event)} is full, so you are on the waiting list. "
            "If a place becomes free it is given to the first person waiting, "
            "and we will e-mail you."
        )
    body = (
        f"Dear {booking.name},\n\n{opening}\n\n"
        "To view, change or cancel your booking, use this link. Keep this e-mail: the link is "
        f"yours alone and is not shown again.\n\n{link}\n"
    )
    send_mail(subject, body, None, [booking.email])


def _send_promotion(booking: Booking) -> None:
    event = booking.event
    body = (
        f"Dear {booking.name},\n\nA place has become free at {event.title} on {_when(event)}, "
        "and it is yours: you are now booked.\n\n"
        "Use the link in your first e-mail to view, change or cancel your booking.\n"
    )
    send_mail(f"You have a place at {event.title}", body, None, [booking.email])


def booking_create(
    *,
    event: Event,
    details: BookingDetails,
    actor: Any = None,
    learner: Learner | None = None,
    link_base: str | None = None,
) -> BookingMade:
    """Book a place, or a place on the waiting list when the event is full."""
    now = timezone.now()
    cleaned = _clean(event, details)
    agenda = cleaned.pop("agenda")
    link = link_token_new()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.starts_at <= now:
            raise ApplicationError("Booking for this event has closed: it has started.")
        booked = locked.bookings.filter(status=BookingStatus.BOOKED).count()
        full = locked.capacity is not None and booked >= locked.capacity
        booking = Booking(
            event=locked,
            organisation_id=locked.organiser_id,
            learner=learner,
            booked_by=actor if getattr(actor, "pk", None) else None,
            status=BookingStatus.WAITING if full else BookingStatus.BOOKED,
            requested_at=now,
            token_digest=link.digest,
            **cleaned,
        )
        booking.full_clean()
        booking.save()
        booking.agenda.set(agenda)
    url = _booking_link(link.token, link_base)
    _send_confirmation(booking, url)
    return BookingMade(booking=booking, token=link.token, link=url)


def booking_for_link(token: str | None) -> Booking:
    """The booking a one-time link reaches; a wrong or replaced token is `NotFound`."""
    booking: Booking = link_lookup(Booking.objects.select_related("event"), token)
    return booking


def booking_link_renew(*, booking: Booking, link_base: str | None = None) -> str:
    """Replace a booking's link (say, the e-mail was forwarded): the old link stops working.

    The new link is e-mailed to the booking's address and returned, once.
    """
    link = link_token_new()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        locked.token_digest = link.digest
        locked.save(update_fields=["token_digest", "updated_at"])
    booking.token_digest = link.digest
    url = _booking_link(link.token, link_base)
    _send_confirmation(locked, url)
    return url


def booking_change(*, booking: Booking, details: BookingDetails) -> Booking:
    """Change a booking's details, adjustments and agenda (not its place in the queue)."""
    cleaned = _clean(booking.event, details)
    agenda = cleaned.pop("agenda")
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == BookingStatus.CANCELLED:
            raise ApplicationError(
                "This booking is cancelled, so it cannot be changed.", field="status"
            )
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        locked.agenda.set(agenda)
    return locked


def booking_cancel(*, booking: Booking) -> Booking | None:
    """Cancel a booking; a freed place goes to the first on the waiting list, who is e-mailed.

    Returns the promoted booking, if any.
    """
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=booking.event_id)
        try:
            locked = Booking.objects.select_for_update().get(pk=booking.pk)
        except Booking.DoesNotExist:
            raise NotFound("This link is not valid.") from None
        if locked.status == BookingStatus.CANCELLED:
            raise ApplicationError("This booking is already cancelled.", field="status")
        freed = locked.status == BookingStatus.BOOKED
        locked.status = BookingStatus.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        promoted = None
        if freed and event.starts_at > now:
            booked = event.bookings.filter(status=BookingStatus.BOOKED).count()
            if event.capacity is None or booked < event.capacity:
                promoted = (
                    Booking.objects.select_for_update()
                    .filter(event=event, status=BookingStatus.WAITING)
                    .order_by("requested_at", "created_at")
                    .first()
                )
                if promoted is not None:
                    promoted.status = BookingStatus.BOOKED
                    promoted.promoted_at = now
                    promoted.save(update_fields=["status", "promoted_at", "updated_at"])
    booking.status = locked.status
    booking.cancelled_at = locked.cancelled_at
    if promoted is not None:
        promoted.event = event
        _send_promotion(promoted)
    return promoted


REMINDER_AHEAD = timedelta(days=1)


def _send_reminder(booking: Booking) -> None:
    event = booking.event
    where = event.venue or event.online_link
    body = (
        f"Dear {booking.name},\n\nA reminder that {event.title} is on {_when(event)}"
        f"{f', at {where}' if where else ''}.\n\n"
        "If you can no longer come, please cancel using the link in your first e-mail, so your "
        "place can go to someone on the waiting list.\n"
    )
    send_mail(f"Reminder: {event.title} is tomorrow", body, None, [booking.email])


def reminders_send(*, now: datetime | None = None) -> int:
    """E-mail everyone booked onto an event starting within the next day, once per booking."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminder_sent_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_AHEAD,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update()
                .filter(pk=pk, status=BookingStatus.BOOKED, reminder_sent_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at", "updated_at"])
        _send_reminder(Booking.objects.select_related("event").get(pk=pk))
        sent += 1
    return sent


def adjustments_purge(*, now: datetime | None = None) -> int:
    """Blank the special category data of bookings for events that have ended.

    The retention rule: access requirements, adjustments, dietary needs and attending as a
    care-experienced or disabled learner are kept only until the event is over. Returns the
    number of bookings blanked.
    """
    now = now or timezone.now()
    blank: dict[str, Any] = {
        name: (False if name in ("care_experienced", "disabled") else "")
        for name in ADJUSTMENT_FIELDS
    }
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update()
            .filter(ends_at__lte=now, adjustments_purged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not events:
            return 0
        holding = Booking.objects.filter(event__in=events).exclude(**blank)
        count = holding.update(**blank)
        Event.objects.filter(pk__in=events).update(adjustments_purged_at=now)
    return count
