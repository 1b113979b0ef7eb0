"""Working days in England and Wales: Monday to Friday, not a bank holiday (from `holidays`).
Deadlines that count working days (answering a request about someone's data, repaying a
student's expenses) count them here."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)  # noqa: PLR2004


def next_working_day(day: date) -> date:
    """`day` if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_after(start: date, count: int) -> date:
    """The `count`th working day after `start` (`start` itself is not counted)."""
    day = start
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1))
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days fall after `start`, up to and including `end` (0 if `end` is not
    after `start`)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days
