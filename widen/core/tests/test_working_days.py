"""Working days in England and Wales, as deadlines count them."""

from __future__ import annotations

from datetime import date

from widen.core.working_days import (
    is_working_day,
    next_working_day,
    working_days_after,
    working_days_between,
)


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 12, 24))  # a Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day's substitute (a Monday)
    assert not is_working_day(date(2026, 12, 26))  # a Saturday
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)


def test_counting_working_days_skips_weekends_and_bank_holidays() -> None:
    # Spent on Wednesday 23 December: Christmas, Boxing Day (moved to Monday 28th), New Year's
    # Day and two weekends in between, the fifth working day after is Monday 4 January.
    assert working_days_after(date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 31)) == 4  # noqa: PLR2004
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5  # noqa: PLR2004
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 23)) == 0
    assert working_days_between(date(2026, 12, 31), date(2026, 12, 23)) == 0
