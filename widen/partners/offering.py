"""Who a shift may be offered to (claimed by, allocated to), and why not.

A partner is **eligible** for a shift when every one of these holds:

1. they are an active partner of the provider that employs for the shift, holding its role;
2. the shift's mode (on site, online, hybrid) is one their plan accepts;
3. every minute of the shift falls inside an available window of their plan on its day (UK
   time): a one-off `PlanChange` for a date replaces that day's regular `PlanPattern`s, and a
   change with no times means not available that day; a shift over midnight needs both days'
   windows (a window ending at 23:59 runs to midnight, as a time of day cannot say 24:00);
4. their onboarding checks are in date on the shift's day: right to work always, a DBS check
   for work with under-18s, training when the role needs it (a check counts from the day it
   was completed and lapses on its `expires_on`);
5. the role's hourly rate meets the legal minimum for their age on the shift's day
   (`widen.partners.wages.pay_problem`);
6. they are not booked on (nor have worked) a shift at an overlapping time;
7. the hour caps allow it (`widen.partners.hours.hours_problem`), counting the shifts they are
   booked on or worked: a Student visa holder's 20 hours in a term-time week of their
   provider's terms, and their plan's own weekly maximum. Nobody can override a cap.

`offer_problem(shift, partner)` says in plain words why a shift may not go to one partner (for
a coordinator allocating by hand, and for a claim), or None. `eligible_pairs(shifts, partners)`
works out every eligible pair for many shifts and many partners at once: it loads everything in
a few queries (`widen.partners.offering_facts`), indexes the partners by role, mode and the
windows of each weekday, and checks the remaining rules only for the partners those indexes
leave, never a query per pair. Both apply the same rules; a test holds them equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from widen.core.academic_years import age_on
from widen.partners.hours import VISA_WEEKLY_MINUTES, Span, hours_problem, week_start
from widen.partners.models import CheckKind, Partner, Shift, WorkMode
from widen.partners.offering_facts import (
    UK,
    Facts,
    PartnerFacts,
    ShiftFacts,
    Window,
    covers,
    day_pieces,
    facts_load,
)
from widen.partners.wages import pay_problem

__all__ = [
    "eligible_pairs",
    "offer_problem",
    "offer_problems",
]

MODE_WORDS = dict(WorkMode.choices)
CHECK_WORDS: dict[str, str] = {
    CheckKind.RIGHT_TO_WORK: "right to work check",
    CheckKind.DBS: "DBS check",
    CheckKind.TRAINING: "training for the role",
}


def _long_day(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


def _clock(minutes: int) -> str:
    return "midnight" if minutes >= 1440 else f"{minutes // 60:02d}:{minutes % 60:02d}"


def checks_needed(shift: ShiftFacts) -> tuple[str, ...]:
    """The onboarding checks a partner needs in date on the shift's day."""
    needed = [CheckKind.RIGHT_TO_WORK]
    if shift.with_under_18s:
        needed.append(CheckKind.DBS)
    if shift.needs_training:
        needed.append(CheckKind.TRAINING)
    return tuple(needed)


def _windows_on(partner: PartnerFacts, day: date) -> tuple[Window, ...]:
    if day in partner.changes:
        return partner.changes[day]
    return partner.weekly.get(day.weekday(), ())


def _time_problem(shift: ShiftFacts, partner: PartnerFacts) -> str | None:
    for day, start, end in day_pieces(shift.starts_at, shift.ends_at):
        windows = _windows_on(partner, day)
        if covers(windows, start, end):
            continue
        if day in partner.changes and not windows:
            return f"They have said they are not available on {_long_day(day)}."
        return (
            f"Their plan does not have them available from {_clock(start)} to {_clock(end)} "
            f"on {_long_day(day)}."
        )
    return None


def _check_problem(shift: ShiftFacts, partner: PartnerFacts) -> str | None:
    for kind in checks_needed(shift):
        if not partner.check_in_date(kind, shift.day):
            why = ", and the shift is with under-18s" if kind == CheckKind.DBS else ""
            return (
                f"Their {CHECK_WORDS[kind]} is missing or not in date on "
                f"{_long_day(shift.day)}{why}."
            )
    return None


def _pay_problem(shift: ShiftFacts, partner: PartnerFacts) -> str | None:
    try:
        return pay_problem(shift.hourly_rate, date_of_birth=partner.date_of_birth, on=shift.day)
    except ValueError as error:
        return str(error)


def _overlap_problem(shift: ShiftFacts, partner: PartnerFacts) -> str | None:
    for booked in partner.bookings:
        if booked.shift_id == shift.id:
            return "They are already booked on this shift."
        if booked.starts_at < shift.ends_at and shift.starts_at < booked.ends_at:
            start = booked.starts_at.astimezone(UK)
            end = booked.ends_at.astimezone(UK)
            return (
                f"They are already booked on “{booked.title}” at that time ({start:%H:%M} to "
                f"{end:%H:%M} on {_long_day(start.date())})."
            )
    return None


def _hours_problem(shift: ShiftFacts, partner: PartnerFacts, facts: Facts) -> str | None:
    term_days = facts.term_days.get(partner.organisation_id, frozenset())
    return hours_problem(
        Span(shift.starts_at, shift.ends_at),
        already=[
            Span(booked.starts_at, booked.ends_at)
            for booked in partner.bookings
            if booked.shift_id != shift.id
        ],
        student_visa=partner.student_visa,
        in_term=term_days.__contains__,
        own_weekly_minutes=partner.max_weekly_minutes,
    )


def problem_of(shift: ShiftFacts, partner: PartnerFacts, facts: Facts) -> str | None:
    """Why `shift` may not go to `partner` (the facts loaded for both), or None."""
    if not partner.is_active:
        return "They are not an active partner."
    if partner.organisation_id != shift.organisation_id:
        return "They are a partner of another provider."
    if shift.role_id not in partner.role_ids:
        return f"They do not hold the role “{shift.role_title}”."
    if shift.mode not in partner.modes:
        accepted = ", ".join(str(MODE_WORDS[mode]).lower() for mode in sorted(partner.modes))
        return (
            f"The shift is {str(MODE_WORDS.get(shift.mode, shift.mode)).lower()}; their plan "
            + (f"accepts {accepted} only." if accepted else "accepts no way of working yet.")
        )
    return (
        _time_problem(shift, partner)
        or _check_problem(shift, partner)
        or _pay_problem(shift, partner)
        or _overlap_problem(shift, partner)
        or _hours_problem(shift, partner, facts)
    )


def offer_problem(shift: Shift, partner: Partner, *, keeping_booking: bool = False) -> str | None:
    """Why `shift` may not be offered to, claimed by or allocated to `partner`, in plain words
    (a sentence about "they", as in "not offered because they …"), or None when it may.

    `keeping_booking`: whether a partner booked on `shift` could still work it as it now is
    (their booking on it is then left out of the count, as when a shift is changed)."""
    facts = facts_load(
        shifts=[shift],
        partners=Partner.objects.filter(pk=partner.pk),
        bookings_excluding=(shift.pk,) if keeping_booking else (),
    )
    return problem_of(facts.shifts[0], facts.partners[partner.pk], facts)


def offer_problems(shift: Shift, partners: QuerySet[Partner]) -> dict[Any, str | None]:
    """For one shift and many partners (a coordinator's list for allocating by hand): each
    partner's id with why the shift may not go to them, or None when it may."""
    facts = facts_load(shifts=[shift], partners=partners, bookings_excluding=())
    only = facts.shifts[0]
    return {pk: problem_of(only, partner, facts) for pk, partner in facts.partners.items()}


class _Index:
    """The partners grouped so that most rules are set intersections."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.by_org_role: dict[tuple[Any, Any], set[Any]] = defaultdict(set)
        self.by_mode: dict[str, set[Any]] = defaultdict(set)
        # Per weekday: each distinct set of (merged) windows, with the partners who have it.
        self.by_weekday: list[dict[tuple[Window, ...], set[Any]]] = [
            defaultdict(set) for _ in range(7)
        ]
        self.changed_on: dict[date, set[Any]] = defaultdict(set)
        self.capped: set[Any] = set()
        # Per day (UK time), the partners booked that day with their bookings' times.
        self.busy: dict[date, dict[Any, list[tuple[datetime, datetime]]]] = defaultdict(dict)
        for pk, partner in facts.partners.items():
            if not partner.is_active:
                continue
            for role_id in partner.role_ids:
                self.by_org_role[(partner.organisation_id, role_id)].add(pk)
            for mode in partner.modes:
                self.by_mode[mode].add(pk)
            for weekday in range(7):
                self.by_weekday[weekday][partner.weekly.get(weekday, ())].add(pk)
            for day in partner.changes:
                self.changed_on[day].add(pk)
            if partner.student_visa or partner.max_weekly_minutes is not None:
                self.capped.add(pk)
            for booked in partner.bookings:
                for day, _, _ in day_pieces(booked.starts_at, booked.ends_at):
                    self.busy[day].setdefault(pk, []).append((booked.starts_at, booked.ends_at))
        # Per provider, the Mondays of its term-time weeks.
        self.term_mondays: dict[Any, frozenset[date]] = {
            organisation_id: frozenset(week_start(day) for day in days)
            for organisation_id, days in facts.term_days.items()
        }
        self._free: dict[tuple[int, int, int], set[Any]] = {}
        self._checked: dict[tuple[str, date], set[Any]] = {}
        # Per check kind: partners whose check is in date on every shift's day, and the rest.
        days = [shift.day for shift in facts.shifts] or [date.today()]  # noqa: DTZ011
        first, last = min(days), max(days)
        self.always: dict[str, set[Any]] = defaultdict(set)
        self.sometimes: dict[str, list[Any]] = defaultdict(list)
        for pk, partner in facts.partners.items():
            for kind, held in partner.checks.items():
                if any(done <= first and (ends is None or last < ends) for done, ends in held):
                    self.always[kind].add(pk)
                else:
                    self.sometimes[kind].append(pk)
        self._rooms: dict[tuple[date, int], set[Any]] = {}
        self._underpaid: dict[tuple[date, int], set[Any]] = {}

    def free(self, weekday: int, start: int, end: int) -> set[Any]:
        """Partners whose regular windows on `weekday` cover `start` to `end` (minutes)."""
        key = (weekday, start, end)
        if key not in self._free:
            found: set[Any] = set()
            for windows, partners in self.by_weekday[weekday].items():
                if covers(windows, start, end):
                    found |= partners
            self._free[key] = found
        return self._free[key]

    def checked(self, kind: str, day: date) -> set[Any]:
        """Partners with a check of `kind` in date on `day`."""
        key = (kind, day)
        if key not in self._checked:
            partners = self.facts.partners
            self._checked[key] = self.always[kind] | {
                pk for pk in self.sometimes[kind] if partners[pk].check_in_date(kind, day)
            }
        return self._checked[key]

    def over_cap(self, monday: date, extra: int, term_mondays: frozenset[date]) -> set[Any]:
        """Capped partners for whom `extra` minutes more in the week of `monday` would pass
        their own weekly maximum or (in a term-time week) a Student visa's 20 hours."""
        key = (monday, extra)
        if key not in self._rooms:
            term = monday in term_mondays
            over: set[Any] = set()
            for pk in self.capped:
                partner = self.facts.partners[pk]
                total = partner.minutes_by_week.get(monday, 0) + extra
                most = partner.max_weekly_minutes
                if (most is not None and total > most) or (
                    partner.student_visa and term and total > VISA_WEEKLY_MINUTES
                ):
                    over.add(pk)
            self._rooms[key] = over
        return self._rooms[key]

    def underpaid(self, shift: ShiftFacts) -> set[Any]:
        """Partners whose legal minimum on the shift's day is above its rate."""
        key = (shift.day, shift.hourly_rate_pence)
        if key not in self._underpaid:
            by_age: dict[int | None, bool] = {}
            under: set[Any] = set()
            for pk, partner in self.facts.partners.items():
                born = partner.date_of_birth
                age = None if born is None else age_on(born, shift.day)
                if age not in by_age:
                    by_age[age] = _pay_problem(shift, partner) is not None
                if by_age[age]:
                    under.add(pk)
            self._underpaid[key] = under
        return self._underpaid[key]


def _candidates(shift: ShiftFacts, index: _Index) -> set[Any]:
    found = index.by_org_role.get(
        (shift.organisation_id, shift.role_id), set()
    ) & index.by_mode.get(shift.mode, set())
    changed: set[Any] = set()
    for day, start, end in day_pieces(shift.starts_at, shift.ends_at):
        on_day = index.changed_on.get(day, set())
        changed |= found & on_day
        found = found & (index.free(day.weekday(), start, end) - on_day)
    # Partners with a one-off change on a day of the shift: their windows that day decide.
    found |= {pk for pk in changed if _time_problem(shift, index.facts.partners[pk]) is None}
    for kind in checks_needed(shift):
        found &= index.checked(kind, shift.day)
    return found


def eligible_pairs(
    shifts: Sequence[Shift] | QuerySet[Shift], partners: QuerySet[Partner]
) -> dict[Any, list[Any]]:
    """Every shift's id with the ids of the `partners` eligible for it (in no set order).

    Loads shifts, partners, plans, checks, bookings and term dates in a few queries, whatever
    the numbers; no per-pair query. The same rules as `offer_problem`."""
    facts = facts_load(shifts=shifts, partners=partners, bookings_excluding=())
    index = _Index(facts)
    result: dict[Any, list[Any]] = {}
    for shift in facts.shifts:
        found = _candidates(shift, index)
        if not shift.rate_meets_every_band:
            found -= index.underpaid(shift)
        for day, _, _ in day_pieces(shift.starts_at, shift.ends_at):
            busy = index.busy.get(day, {})
            for pk in found & busy.keys():
                if any(
                    starts < shift.ends_at and shift.starts_at < ends for starts, ends in busy[pk]
                ):
                    found.discard(pk)
        term_mondays = index.term_mondays.get(shift.organisation_id, frozenset())
        for monday, extra in shift.minutes_by_week.items():
            found -= index.over_cap(monday, extra, term_mondays)
        result[shift.id] = list(found)
    return result
