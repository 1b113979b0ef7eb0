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

from widen.accounts.models import Membership, Role
from widen.activities.models import Activity
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.links import link_lookup, link_token_new
from widen.core.validators import link_problem
from widen.events.agenda import AGENDA_MAX, agenda_clash_refuse
from widen.events.models import (
    ADJUSTMENT_FIELDS,
    AttendeeType,
    Audience,
    Booking,
    BookingStatus,
    Event,
    EventKind,
    Presenter,
    PresenterRole,
    Strand,
    Talk,
)
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import Organisation, Partnership

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
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        # The name opens every e-mail sent about the booking: one line of text only.
        raise ApplicationError("Your name must be one line of text.", field="name")
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
    talk_ids: set[UUID] = set()
    for talk_id in details.talk_ids:
        try:
            talk_ids.add(talk_id if isinstance(talk_id, UUID) else UUID(str(talk_id)))
        except ValueError:
            raise ApplicationError(
                "Choose talks from this event's programme.", field="agenda"
            ) from None
        if len(talk_ids) > AGENDA_MAX:
            raise ApplicationError("Choose fewer talks.", field="agenda")
    talks = list(Talk.objects.filter(event=event, pk__in=talk_ids)) if talk_ids else []
    if len(talks) != len(talk_ids):
        raise ApplicationError("Choose talks from this event's programme.", field="agenda")
    # The same rule as the agenda page: never two talks at the same time.
    agenda_clash_refuse(talks, field="agenda")
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
    notify: bool = True,
) -> BookingMade:
    """Book a place, or a place on the waiting list when the event is full.

    The confirmation with the link is e-mailed unless `notify` is false (a group booking sends
    one e-mail for the whole group instead)."""
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
    if notify:
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


def booking_cancel(*, booking: Booking, by_organiser: bool = False) -> Booking | None:
    """Cancel a booking; a freed place goes to the first on the waiting list, who is e-mailed.

    Cancelled `by_organiser`, the booking's holder is e-mailed too (they did not do it).
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
    if by_organiser:
        locked.event = event
        _send_cancelled_by_organiser(locked)
    if promoted is not None:
        promoted.event = event
        _send_promotion(promoted)
    return promoted


def _send_cancelled_by_organiser(booking: Booking) -> None:
    event = booking.event
    body = (
        f"Dear {booking.name},\n\nThe organisers of {event.title} on {_when(event)} have "
        "cancelled your booking. If you think this is a mistake, please reply to the organisers "
        "or book again.\n"
    )
    send_mail(f"Your booking for {event.title} is cancelled", body, None, [booking.email])


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


# --- Events, strands, talks and presenters: written by the organisers ---------------------------

# Who organises events: the same people who plan and deliver activities.
DELIVERING_ROLES = (Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER)
YEAR_GROUPS = range(7, 14)
INVITATION_LINK_PATH = "/events/invitation/"
TITLE_MAX = 200
CAPACITY_MOST = 100_000


def may_organise(actor: Any, organisation: Organisation) -> bool:
    """Whether `actor` runs events for `organisation` (its admins and outreach officers)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=actor, organisation=organisation, role__in=DELIVERING_ROLES
    ).exists()


@dataclass(frozen=True)
class EventDetails:
    """What an organiser gives for an event (created or changed)."""

    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    venue: str = ""
    online_link: str = ""
    audiences: Sequence[str] = ()
    year_groups: Sequence[int] = ()
    capacity: int | None = None
    is_public: bool = True
    co_created_with: str = ""
    activity: Activity | None = None


@dataclass(frozen=True)
class EventMade:
    """A new event and, if it is invitation-only, its invitation link token (shown once)."""

    event: Event
    invitation_token: str = ""
    invitation_link: str = ""


def _invitation_link(token: str, link_base: str | None) -> str:
    return f"{link_base or INVITATION_LINK_PATH}{token}/"


def _event_clean(partnership: Partnership, details: EventDetails) -> dict[str, Any]:
    title = _text(details.title, "title", "Title", maximum=TITLE_MAX, required=True)
    if any(ord(character) < 32 or ord(character) == 127 for character in title):
        # The title goes into e-mail subjects: one line of text only.
        raise ApplicationError("The title must be one line of text.", field="title")
    if details.kind not in EventKind.values:
        raise ApplicationError("Choose the kind of event from the list.", field="kind")
    if not isinstance(details.starts_at, datetime) or not isinstance(details.ends_at, datetime):
        raise ApplicationError("Give the date and times of the event.", field="starts_at")
    # A time given without a time zone (say, by an API client) is UK time, as on the pages.
    starts_at, ends_at = (
        moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        for moment in (details.starts_at, details.ends_at)
    )
    if ends_at <= starts_at:
        raise ApplicationError("The event must end after it starts.", field="ends_at")
    venue = _text(details.venue, "venue", "Venue", maximum=200, required=False)
    online_link = _text(
        details.online_link, "online_link", "Online link", maximum=200, required=False
    )
    if not venue and not online_link:
        raise ApplicationError("Give a venue, or the link for an online event.", field="venue")
    link = link_problem(online_link)
    if link:
        raise ApplicationError(link, field="online_link")
    wrong_audiences = [a for a in details.audiences if a not in Audience.values]
    if wrong_audiences:
        raise ApplicationError("Choose who the event is for from the list.", field="audiences")
    wrong_years = sorted(set(details.year_groups) - set(YEAR_GROUPS))
    if wrong_years:
        raise ApplicationError(
            f"Year groups run from Year 7 to Year 13 ({wrong_years[0]} is not one).",
            field="year_groups",
        )
    if details.capacity is not None and details.capacity < 0:
        raise ApplicationError("Places must be 0 or more, or left empty.", field="capacity")
    if details.capacity is not None and details.capacity > CAPACITY_MOST:
        raise ApplicationError(
            f"Places must be at most {CAPACITY_MOST:,}; leave it empty for no limit.",
            field="capacity",
        )
    if details.activity is not None and details.activity.partnership_id != partnership.pk:
        raise ApplicationError("Choose one of this partnership's activities.", field="activity")
    return {
        "title": title,
        "kind": details.kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": _text(
            details.description, "description", "Description", maximum=10000, required=False
        ),
        "venue": venue,
        "online_link": online_link,
        "audiences": [a for a in Audience.values if a in set(details.audiences)],
        "year_groups": sorted(set(details.year_groups)),
        "capacity": details.capacity,
        "is_public": bool(details.is_public),
        "co_created_with": _text(
            details.co_created_with,
            "co_created_with",
            "Co-created with",
            maximum=200,
            required=False,
        ),
        "activity": details.activity,
    }


def may_organise_in(actor: Any, partnership: Partnership) -> bool:
    """Whether `actor` helps run the partnership's events: the admins and outreach officers of
    any of its members."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=actor, organisation__in=partnership.members.all(), role__in=DELIVERING_ROLES
    ).exists()


def _require_organiser(
    actor: Any,
    partnership: Partnership,
    organiser: Organisation,
    *,
    creating: bool = False,
    managing: bool = False,
) -> None:
    """A new event is run by an organisation the actor delivers for, and only that
    organisation's admins and outreach officers change it, its programme and invitation link
    (`managing`); the admins and outreach officers of any member of the partnership may book
    their learners onto it."""
    if not partnership.members.filter(pk=organiser.pk).exists():
        raise ApplicationError(f"{organiser} is not a member of {partnership}.", field="organiser")
    if actor is None:
        return
    if (creating or managing) and not may_organise(actor, organiser):
        raise ApplicationError(
            f"Only {organiser}'s admins and outreach officers may run its events.",
            field="organiser" if creating else None,
        )
    if not may_organise_in(actor, partnership):
        raise ApplicationError(
            f"Only the admins and outreach officers of {partnership}'s members may do this."
        )


def _audit_event(event: Event, action: str, changed: Sequence[str]) -> None:
    audit_event_record(
        action=action,
        object_type="events.event",
        object_id=event.pk,
        learner_id=None,
        organisation_id=event.organiser_id,
        changed_fields=sorted(changed),
    )


def event_create(
    *,
    actor: Any,
    partnership: Partnership,
    organiser: Organisation,
    details: EventDetails,
    link_base: str | None = None,
) -> EventMade:
    """Create an event. An invitation-only one gets an invitation link, returned once."""
    _require_organiser(actor, partnership, organiser, creating=True)
    cleaned = _event_clean(partnership, details)
    link = link_token_new() if not cleaned["is_public"] else None
    with transaction.atomic():
        event = Event(
            partnership=partnership,
            organiser=organiser,
            created_by=actor if getattr(actor, "pk", None) else None,
            invitation_token_digest=link.digest if link else "",
            **cleaned,
        )
        event.full_clean()
        event.save()
        _audit_event(event, AuditAction.CREATE, [name for name, v in cleaned.items() if v])
    if link is None:
        return EventMade(event=event)
    return EventMade(
        event=event,
        invitation_token=link.token,
        invitation_link=_invitation_link(link.token, link_base),
    )


def event_update(
    *, actor: Any, event: Event, details: EventDetails, link_base: str | None = None
) -> EventMade:
    """Change an event. Made invitation-only for the first time, it gets an invitation link
    (returned once); made public, its invitation link stops working."""
    _require_organiser(actor, event.partnership, event.organiser, managing=True)
    cleaned = _event_clean(event.partnership, details)
    link = None
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        booked = locked.bookings.filter(status=BookingStatus.BOOKED).count()
        if cleaned["capacity"] is not None and cleaned["capacity"] < booked:
            raise ApplicationError(
                f"{booked} people are booked, so places cannot be fewer than {booked}.",
                field="capacity",
            )
        changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
        for name, value in cleaned.items():
            setattr(locked, name, value)
        if locked.adjustments_purged_at is not None and locked.ends_at > timezone.now():
            # Moved to a later date: what new bookings give is removed after the new end.
            locked.adjustments_purged_at = None
            changed.append("adjustments_purged_at")
        if locked.is_public:
            if locked.invitation_token_digest:
                changed.append("invitation_token_digest")
            locked.invitation_token_digest = ""
        elif not locked.invitation_token_digest:
            link = link_token_new()
            locked.invitation_token_digest = link.digest
            changed.append("invitation_token_digest")
        locked.full_clean()
        locked.save()
        if changed:
            _audit_event(locked, AuditAction.UPDATE, changed)
        promoted = _promote_waiting(locked, booked=booked)
    for booking in promoted:
        _send_promotion(booking)
    if link is None:
        return EventMade(event=locked)
    return EventMade(
        event=locked,
        invitation_token=link.token,
        invitation_link=_invitation_link(link.token, link_base),
    )


def _promote_waiting(event: Event, *, booked: int) -> list[Booking]:
    """Give free places (more places, or no limit) to those waiting, in the order they asked.
    Call with the event locked; e-mail those returned once the transaction is over."""
    now = timezone.now()
    if event.starts_at <= now:
        return []
    waiting = (
        Booking.objects.select_for_update(of=("self",))
        .filter(event=event, status=BookingStatus.WAITING)
        .order_by("requested_at", "created_at")
    )
    if event.capacity is not None:
        free = event.capacity - booked
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for booking in promoted:
        booking.status = BookingStatus.BOOKED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at", "updated_at"])
        booking.event = event
    return promoted


def event_invitation_renew(*, actor: Any, event: Event, link_base: str | None = None) -> EventMade:
    """A new invitation link for an invitation-only event; the old one stops working."""
    _require_organiser(actor, event.partnership, event.organiser, managing=True)
    if event.is_public:
        raise ApplicationError("This event is public: it needs no invitation link.")
    link = link_token_new()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        locked.invitation_token_digest = link.digest
        locked.save(update_fields=["invitation_token_digest", "updated_at"])
        _audit_event(locked, AuditAction.UPDATE, ["invitation_token_digest"])
    event.invitation_token_digest = link.digest
    return EventMade(
        event=locked,
        invitation_token=link.token,
        invitation_link=_invitation_link(link.token, link_base),
    )


def event_for_invitation(token: str | None) -> Event:
    """The invitation-only event a link reaches; a wrong or replaced token is `NotFound`."""
    event: Event = link_lookup(
        Event.objects.filter(is_public=False).select_related("organiser"),
        token,
        field="invitation_token_digest",
    )
    return event


def strand_create(*, actor: Any, event: Event, title: str, description: str = "") -> Strand:
    _require_organiser(actor, event.partnership, event.organiser, managing=True)
    with transaction.atomic():
        strand = Strand(
            event=event,
            title=_text(title, "title", "Title", maximum=TITLE_MAX, required=True),
            description=_text(
                description, "description", "Description", maximum=TEXT_MAX, required=False
            ),
        )
        strand.full_clean()
        strand.save()
        audit_event_record(
            action=AuditAction.CREATE,
            object_type="events.strand",
            object_id=strand.pk,
            learner_id=None,
            organisation_id=event.organiser_id,
            changed_fields=["title", "description"],
        )
    return strand


def talk_create(
    *,
    actor: Any,
    event: Event,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    strand: Strand | None = None,
    room: str = "",
    description: str = "",
) -> Talk:
    """Add a talk to an event's programme: it must fall within the event's times."""
    _require_organiser(actor, event.partnership, event.organiser, managing=True)
    if strand is not None and strand.event_id != event.pk:
        raise ApplicationError("Choose one of this event's strands.", field="strand")
    if ends_at <= starts_at:
        raise ApplicationError("The talk must end after it starts.", field="ends_at")
    if starts_at < event.starts_at or ends_at > event.ends_at:
        first = timezone.localtime(event.starts_at)
        last = timezone.localtime(event.ends_at)
        raise ApplicationError(
            f"The talk must be within the event's times ({first:%d %B %Y %H:%M} to "
            f"{last:%d %B %Y %H:%M}).",
            field="starts_at",
        )
    with transaction.atomic():
        talk = Talk(
            event=event,
            strand=strand,
            title=_text(title, "title", "Title", maximum=TITLE_MAX, required=True),
            description=_text(
                description, "description", "Description", maximum=TEXT_MAX, required=False
            ),
            starts_at=starts_at,
            ends_at=ends_at,
            room=_text(room, "room", "Room", maximum=120, required=False),
        )
        talk.full_clean()
        talk.save()
        audit_event_record(
            action=AuditAction.CREATE,
            object_type="events.talk",
            object_id=talk.pk,
            learner_id=None,
            organisation_id=event.organiser_id,
            changed_fields=["title", "starts_at", "ends_at", "strand_id", "room"],
        )
    return talk


def presenter_add(
    *, actor: Any, talk: Talk, name: str, role: str, job_title: str = ""
) -> Presenter:
    """Add a presenter (a student or a member of staff) to a talk."""
    event = talk.event
    _require_organiser(actor, event.partnership, event.organiser, managing=True)
    if role not in PresenterRole.values:
        raise ApplicationError("Choose whether the presenter is a student or staff.", field="role")
    with transaction.atomic():
        presenter = Presenter(
            talk=talk,
            name=_text(name, "name", "Name", maximum=NAME_MAX, required=True),
            role=role,
            job_title=_text(job_title, "job_title", "Role or course", maximum=160, required=False),
        )
        presenter.full_clean()
        presenter.save()
        audit_event_record(
            action=AuditAction.CREATE,
            object_type="events.presenter",
            object_id=presenter.pk,
            learner_id=None,
            organisation_id=event.organiser_id,
            changed_fields=["name", "role", "job_title"],
        )
    return presenter


# --- Booking a group of learners (staff) ----------------------------------------------------


@dataclass
class GroupBookingOutcome:
    booked: list[Booking] = field(default_factory=list)
    waiting: list[Booking] = field(default_factory=list)
    already: list[Learner] = field(default_factory=list)
    refused: list[tuple[Learner, str]] = field(default_factory=list)
    # Learners chosen whom the booker's organisation does not hold (counted, never named).
    left_out: int = 0

    def summary(self) -> str:
        parts = [
            f"{len(self.booked)} booked",
            f"{len(self.waiting)} on the waiting list",
        ]
        if self.already:
            parts.append(f"{len(self.already)} already booked")
        if self.left_out:
            parts.append(
                f"{self.left_out} left out: their records are held by another organisation, "
                "which books its own learners"
            )
        if self.refused:
            parts.append(
                f"{len(self.refused)} not booked ("
                + "; ".join(f"{learner.display_name}: {why}" for learner, why in self.refused[:5])
                + ("; …" if len(self.refused) > 5 else "")
                + ")"
            )
        return ", ".join(parts) + "."


GROUP_MOST = 500


def group_booking_create(
    *,
    actor: Any,
    event: Event,
    learners: Sequence[Learner],
    contact_email: str,
    link_base: str | None = None,
) -> GroupBookingOutcome:
    """Book each learner a place (or a place on the waiting list once the event is full), in
    the order given, with their learner record.

    Learner records hold no e-mail address of the learner's own (they are children, reached
    through their school), so the one-time link for each booking goes to `contact_email`: the
    member of staff booking them, by default, or the school's contact, who passes it on.
    A learner who already has a place or a place on the waiting list is left as they are.
    Only learners held by an organisation in which `actor` runs events are booked: anyone else
    chosen (a partner's learner seen under an agreement, say) is left out and counted, never
    named.
    """
    _require_organiser(actor, event.partnership, event.organiser)
    contact = _text(
        contact_email, "contact_email", "E-mail for confirmations", maximum=254, required=True
    )
    try:
        validate_email(contact)
    except ValidationError:
        raise ApplicationError(
            f"“{contact[:60]}” is not an e-mail address, like name@example.org.",
            field="contact_email",
        ) from None
    if len(learners) > GROUP_MOST:
        raise ApplicationError(
            f"At most {GROUP_MOST} learners are booked at once ({len(learners)} chosen): "
            "choose a year group or a narrower saved search."
        )
    outcome = GroupBookingOutcome()
    if actor is not None and learners:
        # Seeing a learner under an agreement never allows booking them: their organisation does.
        held = set(
            learner_policy.changeable_by(actor, roles=DELIVERING_ROLES)
            .filter(pk__in=[learner.pk for learner in learners])
            .values_list("pk", flat=True)
        )
        chosen = list(learners)
        learners = [learner for learner in chosen if learner.pk in held]
        outcome.left_out = len(chosen) - len(learners)
    links: list[tuple[Booking, str]] = []
    now = timezone.now()
    with transaction.atomic():
        # One lock and one count for the whole group, then one insert (each row audited).
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.starts_at <= now:
            raise ApplicationError("Booking for this event has closed: it has started.")
        holding = set(
            locked.bookings.exclude(status=BookingStatus.CANCELLED)
            .filter(learner__in=[learner.pk for learner in learners])
            .values_list("learner_id", flat=True)
        )
        booked = locked.bookings.filter(status=BookingStatus.BOOKED).count()
        free = None if locked.capacity is None else max(locked.capacity - booked, 0)
        rows: list[Booking] = []
        for learner in learners:
            if learner.pk in holding:
                outcome.already.append(learner)
                continue
            details = BookingDetails(
                name=f"{learner.first_name} {learner.last_name}".strip(),
                email=contact,
                attendee_type=AttendeeType.LEARNER,
            )
            link = link_token_new()
            try:
                cleaned = _clean(locked, details)
                cleaned.pop("agenda")
                booking = Booking(
                    event=locked,
                    organisation_id=locked.organiser_id,
                    learner=learner,
                    booked_by=actor if getattr(actor, "pk", None) else None,
                    status=BookingStatus.BOOKED
                    if free is None or free > 0
                    else BookingStatus.WAITING,
                    # The waiting list keeps the order given.
                    requested_at=now + timedelta(microseconds=len(rows)),
                    token_digest=link.digest,
                    **cleaned,
                )
                # The related rows are those just read, and the digest is fresh and random.
                booking.full_clean(
                    exclude=["event", "organisation", "learner", "booked_by"],
                    validate_unique=False,
                )
            except (ApplicationError, ValidationError) as error:
                reason = getattr(error, "message", None) or "; ".join(
                    getattr(error, "messages", [])
                )
                outcome.refused.append((learner, str(reason)))
                continue
            holding.add(learner.pk)
            if free is not None and free > 0:
                free -= 1
            rows.append(booking)
            links.append((booking, _booking_link(link.token, link_base)))
            if booking.status == BookingStatus.BOOKED:
                outcome.booked.append(booking)
            else:
                outcome.waiting.append(booking)
        Booking.objects.bulk_create(rows)
    if links:
        _send_group_confirmation(event, contact, links)
    return outcome


def _send_group_confirmation(event: Event, contact: str, links: list[tuple[Booking, str]]) -> None:
    """One e-mail to the group's contact: each learner's place and their own link."""
    lines = [
        f"{booking.name}: "
        + ("booked" if booking.status == BookingStatus.BOOKED else "on the waiting list")
        + f"\n  {link}"
        for booking, link in links
    ]
    body = (
        f"These learners are booked onto {event.title} on {_when(event)}. "
        "Learners on the waiting list are given a place, in order, if one becomes free.\n\n"
        "Each learner has a link of their own to view, change or cancel their booking. Keep "
        "this e-mail: the links are not shown again. Pass each learner's link on only to them "
        "or their parent or carer.\n\n" + "\n".join(lines) + "\n"
    )
    send_mail(f"Group booking: {event.title}", body, None, [contact])
