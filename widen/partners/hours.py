"""Hour caps that nobody can override: a Student visa holder's 20 hours in any week in term time,
and every student's own weekly maximum from their flexibility plan.

A week is Monday to Sunday, in UK time, never averaged. A week with any day of the student's
provider's terms in it is a term-time week (a visa holder's cap then holds for the whole week);
weeks wholly in vacation have no visa cap. A shift over midnight on a Sunday counts its hours in
the week each part falls in. `hours_problem` says why a shift may not be offered, or None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
VISA_WEEKLY_MINUTES = 20 * 60


@dataclass(frozen=True)
class Span:
    """A stretch of work: a shift claimed, worked, or offered."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise ValueError("A shift ends after it starts.")


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def minutes_by_week(spans: Iterable[Span]) -> dict[date, int]:
    """Minutes worked in each week (keyed by its Monday), a span split at each midnight."""
    weeks: dict[date, int] = defaultdict(int)
    for span in spans:
        start = span.starts_at.astimezone(UK)
        end = span.ends_at.astimezone(UK)
        while start < end:
            midnight = datetime.combine(start.date() + timedelta(days=1), time.min, tzinfo=UK)
            part_end = min(end, midnight)
            weeks[week_start(start.date())] += int((part_end - start).total_seconds() // 60)
            start = part_end
    return dict(weeks)


def _hours(minutes: int) -> str:
    whole, rest = divmod(minutes, 60)
    hours = f"{whole} hour{'s' if whole != 1 else ''}"
    return hours if not rest else f"{hours} {rest} minute{'s' if rest != 1 else ''}"


def hours_problem(
    offered: Span,
    *,
    already: Iterable[Span],
    student_visa: bool,
    in_term: Callable[[date], bool],
    own_weekly_minutes: int | None,
) -> str | None:
    """Why `offered` may not go to a student who already has `already` (shifts claimed or
    worked), or None. `in_term(day)` says whether a day is in one of their provider's terms;
    `own_weekly_minutes` is the most their plan allows in a week (None: no limit of their own)."""
    before = minutes_by_week(already)
    adding = minutes_by_week([offered])
    for monday, extra in sorted(adding.items()):
        total = before.get(monday, 0) + extra
        week = f"the week of Monday {monday:%-d %B %Y}"
        if own_weekly_minutes is not None and total > own_weekly_minutes:
            return (
                f"It would make {_hours(total)} in {week}, more than the "
                f"{_hours(own_weekly_minutes)} a week their plan allows."
            )
        term_week = any(in_term(monday + timedelta(days=day)) for day in range(7))
        if student_visa and term_week and total > VISA_WEEKLY_MINUTES:
            return (
                f"It would make {_hours(total)} in {week}, a term-time week: a Student visa allows "
                "at most 20 hours of work in any week in term time."
            )
    return None
