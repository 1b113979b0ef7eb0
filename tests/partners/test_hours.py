"""Hour caps: a Student visa holder is never offered a shift taking them past 20 hours in a
term-time week (Monday to Sunday, never averaged), and nobody past their own weekly maximum."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from widen.partners.hours import Span, hours_problem, minutes_by_week

UK = ZoneInfo("Europe/London")
AUTUMN_TERM = (date(2026, 9, 21), date(2026, 12, 11))


def in_autumn_term(day: date) -> bool:
    return AUTUMN_TERM[0] <= day <= AUTUMN_TERM[1]


def shift(day: date, start_hour: int, hours: float) -> Span:
    starts = datetime(day.year, day.month, day.day, start_hour, tzinfo=UK)
    return Span(starts, starts + timedelta(hours=hours))


def week_of_shifts(monday: date, hours_each: float, days: int) -> list[Span]:
    return [shift(monday + timedelta(days=offset), 9, hours_each) for offset in range(days)]


TERM_MONDAY = date(2026, 11, 2)
VACATION_MONDAY = date(2026, 12, 21)


def test_a_visa_holder_reaches_twenty_hours_in_term_and_no_further() -> None:
    already = week_of_shifts(TERM_MONDAY, 4, 4)  # 16 hours, Monday to Thursday
    four_more = shift(TERM_MONDAY + timedelta(days=4), 9, 4)
    assert (
        hours_problem(
            four_more,
            already=already,
            student_visa=True,
            in_term=in_autumn_term,
            own_weekly_minutes=None,
        )
        is None
    )
    one_minute_over = Span(four_more.starts_at, four_more.ends_at + timedelta(minutes=1))
    assert hours_problem(
        one_minute_over,
        already=already,
        student_visa=True,
        in_term=in_autumn_term,
        own_weekly_minutes=None,
    ) == (
        "It would make 20 hours 1 minute in the week of Monday 2 November 2026, a term-time "
        "week: a Student visa allows at most 20 hours of work in any week in term time."
    )


def test_the_visa_cap_does_not_hold_in_a_vacation_week_nor_for_others() -> None:
    already = week_of_shifts(VACATION_MONDAY, 6, 4)  # 24 hours over Christmas
    more = shift(VACATION_MONDAY + timedelta(days=4), 9, 6)
    for visa in (True, False):
        assert (
            hours_problem(
                more,
                already=already,
                student_visa=visa,
                in_term=in_autumn_term,
                own_weekly_minutes=None,
            )
            is None
        )
    term_week = week_of_shifts(TERM_MONDAY, 6, 4)
    assert (
        hours_problem(
            shift(TERM_MONDAY + timedelta(days=4), 9, 6),
            already=term_week,
            student_visa=False,
            in_term=in_autumn_term,
            own_weekly_minutes=None,
        )
        is None
    )


def test_a_week_with_one_term_day_is_a_term_week() -> None:
    # Term ends Friday 11 December: that whole week is capped, even its weekend.
    monday = date(2026, 12, 7)
    already = [shift(monday + timedelta(days=5), 8, 10)]  # Saturday, 10 hours
    sunday = shift(monday + timedelta(days=6), 8, 11)
    problem = hours_problem(
        sunday, already=already, student_visa=True, in_term=in_autumn_term, own_weekly_minutes=None
    )
    assert problem is not None
    assert "week of Monday 7 December 2026" in problem


def test_hours_are_never_averaged_across_weeks() -> None:
    # 8 hours last week leaves no room to carry into this one.
    already = week_of_shifts(TERM_MONDAY - timedelta(days=7), 2, 4)
    already += week_of_shifts(TERM_MONDAY, 5, 4)  # 20 hours this week
    assert (
        hours_problem(
            shift(TERM_MONDAY + timedelta(days=5), 10, 1),
            already=already,
            student_visa=True,
            in_term=in_autumn_term,
            own_weekly_minutes=None,
        )
        is not None
    )


def test_a_shift_over_sunday_midnight_counts_in_both_weeks() -> None:
    sunday = TERM_MONDAY + timedelta(days=6)
    late = shift(sunday, 22, 4)  # 22:00 Sunday to 02:00 Monday
    assert minutes_by_week([late]) == {TERM_MONDAY: 120, TERM_MONDAY + timedelta(days=7): 120}
    next_week = week_of_shifts(TERM_MONDAY + timedelta(days=7), 4.75, 4)  # 19 hours
    problem = hours_problem(
        late, already=next_week, student_visa=True, in_term=in_autumn_term, own_weekly_minutes=None
    )
    assert problem is not None
    assert problem.startswith("It would make 21 hours in the week of Monday 9 November 2026")


def test_everyone_s_own_weekly_maximum_holds_in_term_and_vacation() -> None:
    for monday in (TERM_MONDAY, VACATION_MONDAY):
        already = week_of_shifts(monday, 3, 2)  # 6 hours
        assert (
            hours_problem(
                shift(monday + timedelta(days=3), 9, 2),
                already=already,
                student_visa=False,
                in_term=in_autumn_term,
                own_weekly_minutes=8 * 60,
            )
            is None
        )
        assert hours_problem(
            shift(monday + timedelta(days=3), 9, 3),
            already=already,
            student_visa=False,
            in_term=in_autumn_term,
            own_weekly_minutes=8 * 60,
        ) == (
            f"It would make 9 hours in the week of Monday {monday:%-d %B %Y}, more than the "
            "8 hours a week their plan allows."
        )


def test_a_shift_must_end_after_it_starts() -> None:
    starts = datetime(2026, 11, 2, 9, tzinfo=UK)
    with pytest.raises(ValueError, match="ends after it starts"):
        Span(starts, starts)
