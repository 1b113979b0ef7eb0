"""Every read of events and bookings, scoped to the person asking by `event_policy`.

Organisers hold `events.organise` in a member organisation of the event's partnership; those who
run an event hold it in the event's organising organisation. An event another partnership runs,
or one that is not there, answers the same (`NotFound`), as elsewhere in Widen. Bookings' access
requirements and adjustments (special category data) are for those who run the event only:
`may_see_adjustments` decides, and `adjustments_seen` writes each view to the access log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone

from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import NotFound
from widen.events.models import ADJUSTMENT_FIELDS, Booking, BookingStatus, Event
from widen.events.permissions import MANAGE, ORGANISE, SEE_ADJUSTMENTS, event_policy
from widen.events.services.organising import event_for_invitation
from widen.organisations.models import DataCategory

BOOKING_SUBJECT = "events.booking"


def events_for_user(user: Any) -> QuerySet[Event]:
    """The events of every partnership `user` is a member of."""
    return event_policy.visible_to(user)


def events_for_organiser(user: Any) -> QuerySet[Event]:
    """The events `user` helps organise: those of partnerships where they run events."""
    return event_policy.organised_by(user)


def event_for_organiser(user: Any, event_id: Any) -> Event:
    """One event `user` helps organise; any other, or a missing one, is `NotFound`."""
    return event_policy.get(user, event_id, action=ORGANISE)


def event_for_manager(user: Any, event_id: Any) -> Event:
    """One event `user` runs: those who run it change it, its programme and invitation link,
    and see who booked (names and e-mail addresses). Other members of the partnership see the
    event and book their own learners onto it; for them, as for anyone else, it is `NotFound`."""
    return event_policy.get(user, event_id, action=MANAGE)


def may_manage(user: Any, event: Event) -> bool:
    """Whether `user` runs `event`."""
    return event_policy.may(user, MANAGE, event)


def may_see_adjustments(user: Any, event: Event) -> bool:
    """Those who run the event, nobody else: they arrange the adjustments."""
    return event_policy.may(user, SEE_ADJUSTMENTS, event)


def bookings_for_event(user: Any, event: Event) -> QuerySet[Booking]:
    """The event's bookings, for those who run it (none for anyone else)."""
    return (
        event_policy.bookings_visible_to(user, event)
        .select_related("learner")
        .order_by("status", "requested_at", "created_at")
    )


def unnamed_bookings(user: Any, bookings: Iterable[Booking]) -> set[Any]:
    """The bookings of learners `user` may not see by name (their organisation has no agreement
    with the one holding the learner): shown as "A learner", without name or e-mail address."""
    learner_ids = {booking.learner_id for booking in bookings if booking.learner_id}
    if not learner_ids:
        return set()
    named = set(
        event_policy.named_learners(user).filter(pk__in=learner_ids).values_list("pk", flat=True)
    )
    return {
        booking.pk
        for booking in bookings
        if booking.learner_id is not None and booking.learner_id not in named
    }


def booking_counts(event: Event) -> dict[str, int]:
    """How many bookings the event has in each state."""
    counts = dict(
        event.bookings.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in BookingStatus.values}


def has_adjustments(booking: Booking) -> bool:
    return any(getattr(booking, name) for name in ADJUSTMENT_FIELDS)


def adjustments_seen(*, user: Any, event: Event, bookings: Iterable[Booking], purpose: str) -> int:
    """Write to the access log that `user` saw these bookings' adjustments (one row each,
    for each booking that states any)."""
    shown = [booking for booking in bookings if has_adjustments(booking)]
    if not shown:
        return 0
    return access_log_record_subjects(
        actor=user,
        subject_type=BOOKING_SUBJECT,
        subjects=[(booking.pk, booking.learner_id) for booking in shown],
        data_categories=[DataCategory.SPECIAL_CATEGORY],
        purpose=purpose,
        actor_organisation_id=event.organiser_id,
    )


def public_events() -> QuerySet[Event]:
    """Public events still to start, soonest first: what anyone may see and book (never one for
    the members of a support scheme only: they see and book it in student support)."""
    return (
        Event.objects.filter(is_public=True, members_only=False, starts_at__gt=timezone.now())
        .select_related("organiser")
        .order_by("starts_at", "title")
    )


def public_event(event_id: Any) -> Event:
    """A public event still to start; anything else answers like a missing one."""
    try:
        event = public_events().filter(pk=event_id).first()
    except (ValueError, TypeError, ValidationError) as error:
        raise NotFound from error
    if event is None:
        raise NotFound
    return event


def invited_event(token: str | None) -> Event:
    """An invitation-only event, through its invitation link; a wrong link is `NotFound`."""
    event = event_for_invitation(token)
    if event.starts_at <= timezone.now():
        raise NotFound
    return event


def places_left(event: Event) -> int | None:
    """Places still free (None: no limit). Only this, never other people's bookings, is public."""
    if event.capacity is None:
        return None
    booked = event.bookings.filter(status=BookingStatus.BOOKED).count()
    return max(event.capacity - booked, 0)


def event_programme(event: Event) -> Any:
    """The event's talks with their strands and presenters, in time order."""
    return (
        event.talks.select_related("strand")
        .prefetch_related("presenters")
        .order_by("starts_at", "title")
    )


__all__ = [
    "BOOKING_SUBJECT",
    "adjustments_seen",
    "booking_counts",
    "bookings_for_event",
    "event_for_organiser",
    "event_programme",
    "events_for_organiser",
    "events_for_user",
    "has_adjustments",
    "invited_event",
    "may_see_adjustments",
    "places_left",
    "public_event",
    "public_events",
    "unnamed_bookings",
]
