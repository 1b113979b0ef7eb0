"""Every write to bookings, with its rule: capacity, the waiting list, the one-time link.

A booking is made without an account. `booking_create` returns the link token once, in a
`BookingMade`, and e-mails it; only its SHA-256 is stored. When a place frees up (a cancellation)
the first booking on the waiting list is given it, in the same transaction, and e-mailed.
Every write goes through `Booking.save()`, which leaves an `AuditEvent`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.links import link_lookup, link_token_new
from widen.events.agenda import agenda_clash_refuse, talk_ids_clean
from widen.events.models import (
    BOOKING_WORKFLOW,
    AttendeeType,
    Booking,
    BookingStatus,
    Event,
    Talk,
)
from widen.events.permissions import MANAGE_BOOKINGS, ORGANISE, event_policy
from widen.events.services.common import (
    NAME_MAX,
    TEXT_MAX,
    booking_link,
    clean_text,
)
from widen.events.services.mail import (
    send_cancelled_by_organiser,
    send_confirmation,
    send_promotion,
)
from widen.learners.models import Learner, processable_condition


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


def booking_details_clean(event: Event, details: BookingDetails) -> dict[str, Any]:
    name = clean_text(details.name, "name", "Your name", maximum=NAME_MAX, required=True)
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        # The name opens every e-mail sent about the booking: one line of text only.
        raise ApplicationError("Your name must be one line of text.", field="name")
    email = clean_text(details.email, "email", "Your e-mail address", maximum=254, required=True)
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
        cleaned[field_name] = clean_text(
            getattr(details, field_name), field_name, label, maximum=TEXT_MAX, required=False
        )
    talk_ids = talk_ids_clean(details.talk_ids, field="agenda")
    talks = list(Talk.objects.filter(event=event, pk__in=talk_ids)) if talk_ids else []
    if len(talks) != len(talk_ids):
        raise ApplicationError("Choose talks from this event's programme.", field="agenda")
    # The same rule as the agenda page: never two talks at the same time.
    agenda_clash_refuse(talks, field="agenda")
    cleaned["agenda"] = talks
    return cleaned


RESTRICTED_NOT_BOOKED = (
    "{name}: processing of this learner's record is restricted, so they cannot be booked onto "
    "events until the restriction is lifted."
)


def booking_create(
    *,
    event: Event,
    details: BookingDetails,
    actor: Any = None,
    learner: Learner | None = None,
    link_base: str | None = None,
    notify: bool = True,
) -> BookingMade:
    """Book a place, or a place on the waiting list when the event is full.

    Anyone may book a place for themselves (`actor` is who is signed in, if anyone): the pages
    offer only public events and those reached by an invitation link. A booking with a
    `learner`'s record is made only by someone who may book that learner onto events
    (`event_policy.bookable_learners`); for anyone else the learner is `NotFound`.
    The confirmation with the link is e-mailed unless `notify` is false (a group booking sends
    one e-mail for the whole group instead)."""
    if learner is not None and not (
        event_policy.bookable_learners(actor).filter(pk=learner.pk).exists()
        and event_policy.may(actor, ORGANISE, event)
    ):
        raise NotFound
    if (
        learner is not None
        and not Learner.objects.filter(processable_condition(), pk=learner.pk).exists()
    ):
        raise ApplicationError(RESTRICTED_NOT_BOOKED.format(name=learner.display_name))
    now = timezone.now()
    cleaned = booking_details_clean(event, details)
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
        url = booking_link(link.token, link_base)
        if notify:
            send_confirmation(booking, url)
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
        url = booking_link(link.token, link_base)
        send_confirmation(locked, url)
    booking.token_digest = link.digest
    return url


def booking_change(*, booking: Booking, details: BookingDetails) -> Booking:
    """Change a booking's details, adjustments and agenda (not its place in the queue)."""
    cleaned = booking_details_clean(booking.event, details)
    agenda = cleaned.pop("agenda")
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == BookingStatus.CANCELLED:
            raise ApplicationError(
                "This booking is cancelled, so it cannot be changed.", field="status"
            )
        event = Event.objects.get(pk=locked.event_id)
        if event.ends_at <= timezone.now() or event.adjustments_purged_at is not None:
            # Access requirements and adjustments are removed once the event is over: none are
            # taken afterwards, so nothing escapes the retention rule.
            raise ApplicationError(
                "This event is over, so its bookings cannot be changed.", field="status"
            )
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        locked.agenda.set(agenda)
    return locked


def booking_cancel(*, booking: Booking) -> Booking | None:
    """Cancel a booking through its link (the link is the holder's authority: see
    `booking_for_link`); a freed place goes to the first on the waiting list, who is e-mailed.
    Returns the promoted booking, if any."""
    return _cancel(booking, actor=LINK_HOLDER, by_organiser=False)


def booking_cancel_by_organiser(*, actor: Any, booking: Booking) -> Booking | None:
    """Cancel a booking of an event `actor` runs (anyone else: `NotFound`); the booking's holder
    is e-mailed (they did not do it), and a freed place goes to the first on the waiting list."""
    event_policy.require(actor, MANAGE_BOOKINGS, booking.event)
    return _cancel(booking, actor=actor, by_organiser=True)


# Who moved a booking when nobody signed in did: its holder, through their one-time link, or Widen
# giving a freed place to the first on the waiting list.
LINK_HOLDER = system_actor("the booking's holder, through their one-time link")
WAITING_LIST = system_actor("a freed place given to the first on the waiting list")


def give_place(booking: Booking, *, now: datetime) -> Booking:
    """Give a booking on the waiting list a place (`BOOKING_WORKFLOW`), and e-mail its holder
    once the transaction commits. Call inside the transaction that freed the place."""
    promoted = BOOKING_WORKFLOW.apply(
        booking,
        "give_place",
        actor=WAITING_LIST,
        changes={"promoted_at": now, "updated_at": now},
    )
    promoted.event = booking.event
    send_promotion(promoted)
    return promoted


def _cancel(booking: Booking, *, actor: Any, by_organiser: bool) -> Booking | None:
    """Cancel a booking (`BOOKING_WORKFLOW`); a freed place goes to the first on the waiting
    list, who is e-mailed. Cancelled `by_organiser`, the booking's holder is e-mailed too (they
    did not do it). Returns the promoted booking, if any.
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
        locked = BOOKING_WORKFLOW.apply(
            locked, "cancel", actor=actor, changes={"cancelled_at": now, "updated_at": now}
        )
        locked.event = event
        if by_organiser:
            send_cancelled_by_organiser(locked)
        promoted = None
        if freed and event.starts_at > now:
            booked = event.bookings.filter(status=BookingStatus.BOOKED).count()
            if event.capacity is None or booked < event.capacity:
                waiting = (
                    Booking.objects.select_for_update()
                    .filter(event=event, status=BookingStatus.WAITING)
                    .order_by("requested_at", "created_at")
                    .first()
                )
                if waiting is not None:
                    waiting.event = event
                    promoted = give_place(waiting, now=now)
    booking.status = locked.status
    booking.cancelled_at = locked.cancelled_at
    return promoted
