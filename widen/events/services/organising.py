"""Events written by their organisers: creating and changing them, and their invitation links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.activities.models import Activity
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.exceptions import ApplicationError
from widen.core.links import LinkToken, link_lookup, link_token_new
from widen.core.validators import link_problem
from widen.events.models import Audience, Booking, BookingStatus, Event, EventKind
from widen.events.permissions import MANAGE, event_policy
from widen.events.services.bookings import give_place
from widen.events.services.common import clean_text
from widen.organisations.models import Organisation, Partnership

YEAR_GROUPS = range(7, 14)
INVITATION_LINK_PATH = "/events/invitation/"
TITLE_MAX = 200
CAPACITY_MOST = 100_000


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


def _made(event: Event, link: LinkToken | None, link_base: str | None) -> EventMade:
    """The event saved, with its new invitation link when one was made (shown this once)."""
    if link is None:
        return EventMade(event=event)
    return EventMade(
        event=event,
        invitation_token=link.token,
        invitation_link=_invitation_link(link.token, link_base),
    )


def _event_clean(partnership: Partnership, details: EventDetails) -> dict[str, Any]:
    title = clean_text(details.title, "title", "Title", maximum=TITLE_MAX, required=True)
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
    venue = clean_text(details.venue, "venue", "Venue", maximum=200, required=False)
    online_link = clean_text(
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
        "description": clean_text(
            details.description, "description", "Description", maximum=10000, required=False
        ),
        "venue": venue,
        "online_link": online_link,
        "audiences": [a for a in Audience.values if a in set(details.audiences)],
        "year_groups": sorted(set(details.year_groups)),
        "capacity": details.capacity,
        "is_public": bool(details.is_public),
        "co_created_with": clean_text(
            details.co_created_with,
            "co_created_with",
            "Co-created with",
            maximum=200,
            required=False,
        ),
        "activity": details.activity,
    }


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
    """Create an event run by `organiser`, one of `partnership`'s members for which `actor` runs
    events (anyone else: `NotFound`). An invitation-only one gets an invitation link, returned
    once."""
    if not partnership.members.filter(pk=organiser.pk).exists():
        raise ApplicationError(f"{organiser} is not a member of {partnership}.", field="organiser")
    event_policy.require_create(actor, partnership, organiser)
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
    return _made(event, link, link_base)


def event_update(
    *, actor: Any, event: Event, details: EventDetails, link_base: str | None = None
) -> EventMade:
    """Change an event. Made invitation-only for the first time, it gets an invitation link
    (returned once); made public, its invitation link stops working."""
    event_policy.require(actor, MANAGE, event)
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
        _promote_waiting(locked, booked=booked)
    return _made(locked, link, link_base)


def _promote_waiting(event: Event, *, booked: int) -> list[Booking]:
    """Give free places (more places, or no limit) to those waiting, in the order they asked.
    Call with the event locked: each is e-mailed once the transaction commits."""
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
    promoted = []
    for booking in waiting:
        booking.event = event
        promoted.append(give_place(booking, now=now))
    return promoted


def event_invitation_renew(*, actor: Any, event: Event, link_base: str | None = None) -> EventMade:
    """A new invitation link for an invitation-only event; the old one stops working."""
    event_policy.require(actor, MANAGE, event)
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
    """The invitation-only event a link reaches; a wrong or replaced token is `NotFound`, and so
    is any link to an event for the members of a support scheme only (only they book it)."""
    event: Event = link_lookup(
        Event.objects.filter(is_public=False, members_only=False).select_related("organiser"),
        token,
        field="invitation_token_digest",
    )
    return event
