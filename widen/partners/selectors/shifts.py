"""Reading shifts, always through `shift_policy` / `assignment_policy`: a coordinator sees their
own provider's shifts and who is booked; a partner sees the shifts offered to them or booked by
them, and swaps asked of them. Nothing here tells anyone how often a partner dropped a shift.

For the pages (the coordinator's rota and allocating by hand, a partner's "My work"):

* `shift_list(actor=, starts_from=, starts_before=, include_cancelled=)`: shifts seen, each
  annotated with `booked_count`;
* `shift_get(actor=, shift_id=)`: one shift seen (else `NotFound`);
* `shift_bookings(actor=, shift=)`: who is booked on it (coordinators and those booked);
* `shift_candidates(actor=, shift=)`: for a coordinator allocating by hand, every active partner
  of the provider holding the shift's role, with why not (None when eligible), eligible first;
* `shifts_open_to_me(actor=)`: shifts offered to the signed-in partner with a place open now,
  that they are not booked on;
* `my_bookings(actor=, upcoming=)` and `swaps_asked_of_me(actor=)`;
* `session_shifts(actor=, session=)`: the shifts of an activity's session the person may see,
  with the names of the partners booked (the session page's "student ambassadors").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from widen.partners.models import (
    AssignmentStatus,
    Partner,
    Shift,
    ShiftAllocation,
    ShiftAssignment,
)
from widen.partners.offering import offer_problems
from widen.partners.permissions import (
    MANAGE,
    assignment_policy,
    my_partners,
    shift_policy,
)

BOOKED = Q(assignments__status=AssignmentStatus.BOOKED)


def shifts_with_open_places(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    """Of `shifts`, those open to claims now: first come, not cancelled nor started, with a
    place nobody is booked on."""
    return (
        shifts.filter(
            allocation=ShiftAllocation.FIRST_COME,
            cancelled_at__isnull=True,
            starts_at__gt=timezone.now(),
        )
        .annotate(booked_count=Count("assignments", filter=BOOKED))
        .filter(places__gt=F("booked_count"))
    )


def shift_list(
    *,
    actor: Any,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    include_cancelled: bool = False,
) -> QuerySet[Shift]:
    """The shifts `actor` sees, soonest first, each with `booked_count`."""
    shifts = shift_policy.visible_to(actor)
    if starts_from is not None:
        shifts = shifts.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        shifts = shifts.filter(starts_at__lt=starts_before)
    if not include_cancelled:
        shifts = shifts.filter(cancelled_at__isnull=True)
    return (
        Shift.objects.filter(pk__in=shifts.values("pk"))
        .select_related("role")
        .annotate(booked_count=Count("assignments", filter=BOOKED))
    )


def shift_get(*, actor: Any, shift_id: Any) -> Shift:
    """One shift `actor` sees, or `NotFound` (missing and not theirs answer alike)."""
    return shift_policy.get(actor, shift_id)


def shift_bookings(*, actor: Any, shift: Shift) -> QuerySet[ShiftAssignment]:
    """The partners booked on `shift`, as `actor` sees them (a coordinator: all of them)."""
    return (
        assignment_policy.visible_to(actor)
        .filter(shift=shift, status=AssignmentStatus.BOOKED)
        .select_related("partner__student")
        .order_by("partner__student__last_name", "partner__student__first_name")
    )


@dataclass(frozen=True)
class Candidate:
    """A partner a coordinator might allocate, and why not (None: they may)."""

    partner: Partner
    reason: str | None

    @property
    def eligible(self) -> bool:
        return self.reason is None


def shift_candidates(*, actor: Any, shift: Shift) -> list[Candidate]:
    """For a coordinator (`MANAGE` on the shift) allocating by hand: every active partner of the
    provider holding the shift's role, eligible ones first, each with the reason they are not
    ("not offered because they …"). Not for partners: it holds others' availability."""
    shift_policy.require(actor, MANAGE, shift)
    partners = Partner.objects.filter(
        organisation=shift.organisation, is_active=True, roles=shift.role_id
    ).select_related("student")
    reasons = offer_problems(shift, partners)
    found = [Candidate(partner, reasons.get(partner.pk)) for partner in partners]
    return sorted(found, key=lambda one: (not one.eligible, one.partner.student.last_name))


def shifts_open_to_me(*, actor: Any) -> QuerySet[Shift]:
    """Shifts offered to the signed-in partner with a place open now (first come, not started,
    not cancelled) that they are not booked on, soonest first."""
    mine = my_partners(actor)
    offered = Shift.objects.filter(offers__partner__in=mine)
    return (
        shifts_with_open_places(offered)
        .exclude(
            pk__in=ShiftAssignment.objects.filter(
                partner__in=mine, status=AssignmentStatus.BOOKED
            ).values("shift")
        )
        .select_related("role")
        .order_by("starts_at")
    )


def my_bookings(*, actor: Any, upcoming: bool = True) -> QuerySet[ShiftAssignment]:
    """The signed-in partner's bookings (upcoming only unless `upcoming` is false)."""
    found = ShiftAssignment.objects.filter(
        partner__in=my_partners(actor), status=AssignmentStatus.BOOKED
    ).select_related("shift__role", "swap_offered_to__student")
    if upcoming:
        found = found.filter(shift__ends_at__gt=timezone.now())
    return found.order_by("shift__starts_at")


def swaps_asked_of_me(*, actor: Any) -> QuerySet[ShiftAssignment]:
    """Bookings a colleague asked the signed-in partner to take over, not yet started."""
    return (
        ShiftAssignment.objects.filter(
            swap_offered_to__in=my_partners(actor),
            status=AssignmentStatus.BOOKED,
            shift__starts_at__gt=timezone.now(),
        )
        .select_related("shift__role", "partner__student")
        .order_by("shift__starts_at")
    )


@dataclass(frozen=True)
class SessionShift:
    """A shift of a session, and the names of the partners booked on it."""

    shift: Shift
    names: list[str]

    @property
    def open_places(self) -> int:
        return max(0, self.shift.places - len(self.names))


def session_shifts(*, actor: Any, session: Any) -> list[SessionShift]:
    """The shifts linked to an activity's `session` that `actor` may see (not cancelled), each
    with the names of the partners booked on it: two queries."""
    shifts = (
        shift_policy.visible_to(actor)
        .filter(session=session, cancelled_at__isnull=True)
        .order_by("starts_at", "title")
        .select_related("role")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ShiftAssignment.objects.filter(
                    status=AssignmentStatus.BOOKED
                ).select_related("partner__student"),
                to_attr="booked",
            )
        )
    )
    return [
        SessionShift(
            shift,
            sorted(assignment.partner.student.display_name for assignment in shift.booked),
        )
        for shift in shifts
    ]
