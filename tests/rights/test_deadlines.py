"""When a request about a person's data must be answered: the ICO's calendar-month rule."""

from __future__ import annotations

from datetime import date

import pytest

from widen.core.working_days import is_working_day
from widen.rights.deadlines import answer_due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # The corresponding date in the next month.
        (date(2027, 3, 3), date(2027, 4, 5)),  # 3 April 2027 is a Saturday: the Monday
        (date(2027, 6, 9), date(2027, 7, 9)),
        # No corresponding date: the last day of the next month.
        (date(2027, 1, 31), date(2027, 3, 1)),  # 28 Feb 2027 is a Sunday: Monday 1 March
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year, a Tuesday
        (date(2026, 1, 31), date(2026, 3, 2)),  # 28 Feb 2026 is a Saturday: Monday 2 March
        (date(2027, 8, 31), date(2027, 9, 30)),
        # Received on a weekend: the clock still starts that day.
        (date(2027, 6, 12), date(2027, 7, 12)),
        # A bank holiday moves it to the next working day (Christmas and Boxing Day 2027, both
        # observed on the Monday and Tuesday after).
        (date(2027, 11, 25), date(2027, 12, 29)),
        # Easter Monday 2027 is 29 March.
        (date(2027, 2, 28), date(2027, 3, 30)),
    ],
)
def test_the_deadline_is_the_corresponding_day_next_month_or_the_next_working_day(
    received: date, due: date
) -> None:
    assert answer_due(received) == due
    assert is_working_day(due)


def test_an_extension_adds_up_to_two_further_months() -> None:
    assert answer_due(date(2027, 6, 9), extra_months=2) == date(2027, 9, 9)
    assert answer_due(date(2027, 1, 31), extra_months=1) == date(2027, 3, 31)
    with pytest.raises(ValueError, match="0 to 2 months"):
        answer_due(date(2027, 6, 9), extra_months=3)


def test_the_clock_stops_while_waiting_for_identity_and_restarts_when_it_arrives() -> None:
    received = date(2027, 6, 1)
    assert answer_due(received, identity_asked_on=date(2027, 6, 2)) is None
    assert answer_due(
        received, identity_asked_on=date(2027, 6, 2), identity_confirmed_on=date(2027, 6, 21)
    ) == date(2027, 7, 21)
    # Identity already in hand when the request arrived: the day of receipt counts.
    assert answer_due(
        received, identity_asked_on=date(2027, 5, 20), identity_confirmed_on=date(2027, 5, 25)
    ) == date(2027, 7, 1)
