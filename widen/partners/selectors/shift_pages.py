"""Reading shifts for their pages, through `shift_policy` / `assignment_policy`.

* `rota_week(actor=, monday=)`: the coordinator's week rota, day by day, each shift with who is
  booked;
* `managed_shift_get(actor=, shift_id=)`: a shift the coordinator may manage (else `NotFound`);
* `shift_history(shift=)`: the bookings that ended (dropped or taken over), newest first;
* `shift_offers(shift=)`: who the shift was offered to;
* `shift_sources(actor=)`: the activity sessions and events a coordinator may add shifts for;
* `my_booking_get(actor=, assignment_id=)`: one of the signed-in partner's own bookings;
* `swap_asked_of_me_get(actor=, assignment_id=)`: a booking a colleague asked them to take over;
* `offered_shift_get(actor=, shift_id=)`: a shift offered to the signed-in partner;
* `swap_colleagues(assignment=)`: the colleagues who could take a booking over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from widen.activities.models import Session
from widen.core.exceptions import NotFound
from widen.events.models import Event
from widen.partners.hours import UK
from widen.partners.models import (
    AssignmentStatus,
    Partner,
    Shift,
    ShiftAssignment,
    ShiftOffer,
)
from widen.partners.offering import offer_problems
from widen.partners.permissions import (
    MANAGE,
    coordinated_providers,
    my_partners,
    shift_policy,
)


@dataclass(frozen=True)
class RotaDay:
    day: date
    shifts: list[Shift]


def rota_week(*, actor: Any, monday: date) -> list[RotaDay]:
    """The shifts of the coordinator's providers in the week from `monday` (UK days), each with
    `booked` (its booked assignments, partner and student loaded): two queries."""
    start = datetime.combine(monday, time(0), tzinfo=UK)
    shifts = (
        Shift.objects.filter(
            organisation__in=coordinated_providers(actor),
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=7),
        )
        .select_related("role")
        .order_by("starts_at", "title")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ShiftAssignment.objects.filter(status=AssignmentStatus.BOOKED)
                .select_related("partner__student")
                .order_by("partner__student__last_name"),
                to_attr="booked",
            )
        )
    )
    days = [RotaDay(monday + timedelta(days=offset), []) for offset in range(7)]
    for shift in shifts:
        days[(shift.starts_at.astimezone(UK).date() - monday).days].shifts.append(shift)
    return days


def managed_shift_get(*, actor: Any, shift_id: Any) -> Shift:
    """A shift of a provider the coordinator keeps; anyone else (a partner booked on it too)
    gets `NotFound`."""
    shift = (
        Shift.objects.filter(organisation__in=coordinated_providers(actor), pk=shift_id)
        .select_related("role", "session__activity", "event", "talk")
        .first()
    )
    if shift is None or not shift_policy.may(actor, MANAGE, shift):
        raise NotFound
    return shift


def shift_history(*, shift: Shift) -> QuerySet[ShiftAssignment]:
    """The bookings of `shift` that ended or were recorded: dropped, worked or not."""
    return (
        shift.assignments.exclude(status=AssignmentStatus.BOOKED)
        .select_related("partner__student")
        .order_by("-updated_at")
    )


def shift_offers(*, shift: Shift) -> QuerySet[ShiftOffer]:
    return shift.offers.select_related("partner__student").order_by(
        "partner__student__last_name", "partner__student__first_name"
    )


def shift_sources(*, actor: Any) -> tuple[QuerySet[Session], QuerySet[Event]]:
    """Upcoming activity sessions and events of the partnerships the coordinator's providers
    are members of: what a shift may be for."""
    providers = coordinated_providers(actor)
    today = timezone.localdate()
    sessions = (
        Session.objects.filter(activity__partnership__members__in=providers, date__gte=today)
        .select_related("activity")
        .distinct()
        .order_by("date", "starts_at")
    )
    events = (
        Event.objects.filter(partnership__members__in=providers, ends_at__gte=timezone.now())
        .distinct()
        .order_by("starts_at")
    )
    return sessions, events


def my_booking_get(*, actor: Any, assignment_id: Any) -> ShiftAssignment:
    """One of the signed-in partner's own bookings (any status); anyone else's is `NotFound`."""
    found = (
        ShiftAssignment.objects.filter(pk=assignment_id, partner__in=my_partners(actor))
        .select_related("shift__role", "partner__student", "swap_offered_to__student")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def swap_asked_of_me_get(*, actor: Any, assignment_id: Any) -> ShiftAssignment:
    """A booking a colleague asked the signed-in partner to take over (still booked)."""
    found = (
        ShiftAssignment.objects.filter(
            pk=assignment_id,
            swap_offered_to__in=my_partners(actor),
            status=AssignmentStatus.BOOKED,
        )
        .select_related("shift__role", "partner__student")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def offered_shift_get(*, actor: Any, shift_id: Any) -> Shift:
    """A shift offered to the signed-in partner (open or not); anyone else's is `NotFound`."""
    found = (
        Shift.objects.filter(pk=shift_id, offers__partner__in=my_partners(actor))
        .select_related("role")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def swap_colleagues(*, assignment: ShiftAssignment) -> list[Partner]:
    """The colleagues who could take `assignment` over now: active partners of the shift's
    provider holding its role, eligible for it (their reasons are theirs: none is shown)."""
    shift = assignment.shift
    partners = (
        Partner.objects.filter(organisation=shift.organisation, is_active=True, roles=shift.role_id)
        .exclude(pk=assignment.partner_id)
        .filter(
            ~Q(pk__in=shift.assignments.filter(status=AssignmentStatus.BOOKED).values("partner"))
        )
        .select_related("student")
    )
    reasons = offer_problems(shift, partners)
    found = [partner for partner in partners if reasons.get(partner.pk) is None]
    return sorted(found, key=lambda one: (one.student.last_name, one.student.first_name))
