"""What offering shifts needs to know, loaded for many shifts and partners in a few queries.

`facts_load` reads the shifts (with their roles), the partners (with their student's date of
birth and visa, and their plan), their roles, their plans' weekly patterns and the one-off
changes on the shifts' days, their onboarding checks, the shifts they are booked on or worked in
the weeks the shifts fall in, and their providers' term days: eight queries, whatever the
numbers. The rules themselves are in `widen.partners.offering`.

Times of day are minutes since midnight (UK time); a window ending at 23:59 ends at midnight
(1440), since a time of day cannot say 24:00.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from widen.partners.hours import UK, Span, minutes_by_week, week_start
from widen.partners.models import (
    AssignmentStatus,
    OnboardingCheck,
    Partner,
    PlanChange,
    PlanPattern,
    Shift,
    ShiftAssignment,
)
from widen.partners.wages import rates_on
from widen.students.models import TermDates

__all__ = ["UK", "Facts", "PartnerFacts", "ShiftFacts", "Window", "covers", "day_pieces"]

Window = tuple[int, int]
MIDNIGHT = 24 * 60


def _minutes(moment: time, *, end: bool = False) -> int:
    if end and (moment.hour, moment.minute) == (23, 59):
        return MIDNIGHT
    return moment.hour * 60 + moment.minute


def merged(windows: Iterable[Window]) -> tuple[Window, ...]:
    """Windows sorted, those that overlap or touch joined into one."""
    joined: list[Window] = []
    for start, end in sorted(windows):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return tuple(joined)


def covers(windows: Sequence[Window], start: int, end: int) -> bool:
    """Whether one of `windows` (merged) holds every minute from `start` to `end`."""
    return any(first <= start and end <= last for first, last in windows)


def day_pieces(starts_at: datetime, ends_at: datetime) -> Iterator[tuple[date, int, int]]:
    """A stretch of time cut at each midnight (UK time): each day with its minutes from, to."""
    start = starts_at.astimezone(UK)
    end = ends_at.astimezone(UK)
    day = start.date()
    while day <= end.date():
        first = start.hour * 60 + start.minute if day == start.date() else 0
        last = end.hour * 60 + end.minute if day == end.date() else MIDNIGHT
        if last > first:
            yield day, first, last
        day += timedelta(days=1)


@dataclass(frozen=True)
class Booked:
    """A shift a partner is booked on or worked."""

    shift_id: Any
    starts_at: datetime
    ends_at: datetime
    title: str


@dataclass(frozen=True)
class ShiftFacts:
    id: Any
    organisation_id: Any
    role_id: Any
    role_title: str
    hourly_rate_pence: int
    needs_training: bool
    mode: str
    starts_at: datetime
    ends_at: datetime
    with_under_18s: bool
    title: str

    @cached_property
    def day(self) -> date:
        """The shift's day (UK time): checks and pay are judged on it."""
        return self.starts_at.astimezone(UK).date()

    @property
    def hourly_rate(self) -> Decimal:
        return Decimal(self.hourly_rate_pence) / 100

    @cached_property
    def minutes_by_week(self) -> dict[date, int]:
        return minutes_by_week([Span(self.starts_at, self.ends_at)])

    @cached_property
    def rate_meets_every_band(self) -> bool:
        """Whether the rate meets the highest minimum rate in force on the day (so every
        partner's age band)."""
        try:
            highest = max(rate for _, rate in rates_on(self.day).by_band)
        except ValueError:
            return False
        return self.hourly_rate >= highest


@dataclass
class PartnerFacts:
    id: Any
    organisation_id: Any
    is_active: bool
    date_of_birth: date | None
    student_visa: bool
    max_weekly_minutes: int | None
    modes: frozenset[str]
    role_ids: set[Any] = field(default_factory=set)
    weekly: dict[int, tuple[Window, ...]] = field(default_factory=dict)
    changes: dict[date, tuple[Window, ...]] = field(default_factory=dict)
    checks: dict[str, list[tuple[date, date | None]]] = field(default_factory=dict)
    bookings: list[Booked] = field(default_factory=list)
    minutes_by_week: dict[date, int] = field(default_factory=dict)

    def check_in_date(self, kind: str, day: date) -> bool:
        """Whether a check of `kind` is in date on `day`: completed by then, not yet lapsed."""
        return any(
            completed <= day and (expires is None or day < expires)
            for completed, expires in self.checks.get(kind, ())
        )


@dataclass
class Facts:
    shifts: list[ShiftFacts]
    partners: dict[Any, PartnerFacts]
    term_days: dict[Any, frozenset[date]]


SHIFT_FIELDS = (
    "id",
    "organisation_id",
    "role_id",
    "role__title",
    "role__hourly_rate_pence",
    "role__needs_training",
    "mode",
    "starts_at",
    "ends_at",
    "with_under_18s",
    "title",
)


def _shift_facts(shifts: Sequence[Shift] | QuerySet[Shift]) -> list[ShiftFacts]:
    if isinstance(shifts, QuerySet):
        rows: Iterable[tuple[Any, ...]] = shifts.order_by().values_list(*SHIFT_FIELDS)
    else:
        rows = [
            (
                shift.pk,
                shift.organisation_id,
                shift.role_id,
                shift.role.title,
                shift.role.hourly_rate_pence,
                shift.role.needs_training,
                shift.mode,
                shift.starts_at,
                shift.ends_at,
                shift.with_under_18s,
                shift.title,
            )
            for shift in shifts
        ]
    return [ShiftFacts(*row) for row in rows]


def _partner_facts(partners: QuerySet[Partner]) -> dict[Any, PartnerFacts]:
    found: dict[Any, PartnerFacts] = {}
    for pk, organisation_id, active, born, visa, most, modes in partners.order_by().values_list(
        "id",
        "organisation_id",
        "is_active",
        "student__date_of_birth",
        "student__student_visa",
        "plan__max_weekly_minutes",
        "plan__modes",
    ):
        found[pk] = PartnerFacts(
            id=pk,
            organisation_id=organisation_id,
            is_active=active,
            date_of_birth=born,
            student_visa=visa,
            max_weekly_minutes=most,
            modes=frozenset(modes or ()),
        )
    return found


def facts_load(
    *,
    shifts: Sequence[Shift] | QuerySet[Shift],
    partners: QuerySet[Partner],
    bookings_excluding: Iterable[Any] = (),
) -> Facts:
    """Everything the rules read about `shifts` and `partners`, in eight queries.
    `bookings_excluding`: shifts whose bookings are not counted (one being changed)."""
    shift_facts = _shift_facts(shifts)
    found = _partner_facts(partners)
    if not shift_facts or not found:
        return Facts(shift_facts, found, {})
    keys = partners.order_by().values("pk")
    first_day = min(shift.starts_at for shift in shift_facts).astimezone(UK).date()
    last_day = max(shift.ends_at for shift in shift_facts).astimezone(UK).date()
    first_monday = week_start(first_day)
    after_last_week = week_start(last_day) + timedelta(days=7)

    for partner_id, role_id in Partner.roles.through.objects.filter(partner__in=keys).values_list(
        "partner_id", "role_id"
    ):
        found[partner_id].role_ids.add(role_id)

    weekly: dict[Any, dict[int, list[Window]]] = defaultdict(lambda: defaultdict(list))
    for partner_id, weekday, starts_at, ends_at in PlanPattern.objects.filter(
        plan__partner__in=keys
    ).values_list("plan__partner_id", "weekday", "starts_at", "ends_at"):
        weekly[partner_id][weekday].append((_minutes(starts_at), _minutes(ends_at, end=True)))
    for partner_id, weekdays in weekly.items():
        found[partner_id].weekly = {
            weekday: merged(windows) for weekday, windows in weekdays.items()
        }

    changes: dict[Any, dict[date, list[Window] | None]] = defaultdict(dict)
    for partner_id, day, starts_at, ends_at in PlanChange.objects.filter(
        plan__partner__in=keys, date__gte=first_day, date__lte=last_day
    ).values_list("plan__partner_id", "date", "starts_at", "ends_at"):
        windows = changes[partner_id].setdefault(day, [])
        if starts_at is None or windows is None:
            changes[partner_id][day] = None  # not available that day at all
        else:
            windows.append((_minutes(starts_at), _minutes(ends_at, end=True)))
    for partner_id, days in changes.items():
        found[partner_id].changes = {day: merged(windows or ()) for day, windows in days.items()}

    for partner_id, kind, completed_on, expires_on in OnboardingCheck.objects.filter(
        partner__in=keys
    ).values_list("partner_id", "kind", "completed_on", "expires_on"):
        found[partner_id].checks.setdefault(kind, []).append((completed_on, expires_on))

    bookings = (
        ShiftAssignment.objects.filter(
            partner__in=keys,
            status__in=[AssignmentStatus.BOOKED, AssignmentStatus.WORKED],
            shift__cancelled_at__isnull=True,
            shift__starts_at__lt=datetime.combine(after_last_week, time.min, tzinfo=UK),
            shift__ends_at__gt=datetime.combine(first_monday, time.min, tzinfo=UK),
        )
        .exclude(shift_id__in=list(bookings_excluding))
        .values_list("partner_id", "shift_id", "shift__starts_at", "shift__ends_at", "shift__title")
    )
    for partner_id, shift_id, starts_at, ends_at, title in bookings:
        found[partner_id].bookings.append(Booked(shift_id, starts_at, ends_at, title))
    for partner in found.values():
        if partner.bookings:
            partner.minutes_by_week = minutes_by_week(
                Span(booked.starts_at, booked.ends_at) for booked in partner.bookings
            )

    term_days: dict[Any, set[date]] = defaultdict(set)
    for organisation_id, starts_on, ends_on in TermDates.objects.filter(
        organisation_id__in={partner.organisation_id for partner in found.values()},
        starts_on__lt=after_last_week,
        ends_on__gte=first_monday,
    ).values_list("organisation_id", "starts_on", "ends_on"):
        day = max(starts_on, first_monday)
        while day <= ends_on and day < after_last_week:
            term_days[organisation_id].add(day)
            day += timedelta(days=1)
    return Facts(shift_facts, found, {key: frozenset(days) for key, days in term_days.items()})
