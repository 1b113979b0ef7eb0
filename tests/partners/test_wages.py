"""A student partner is never offered work below the legal minimum for their age on the day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from widen.partners.wages import minimum_hourly_rate, pay_problem, rates_on


@pytest.mark.parametrize(
    ("age", "on", "least"),
    [
        (22, date(2026, 4, 1), "12.71"),  # the National Living Wage from April 2026
        (22, date(2026, 3, 31), "12.21"),  # the day before, the 2025 rate
        (19, date(2026, 6, 1), "10.85"),
        (17, date(2026, 6, 1), "8.00"),
        (21, date(2024, 4, 1), "11.44"),  # 21 and 22 year olds on the living wage from 2024
        (22, date(2024, 3, 31), "10.18"),  # before, their own lower band
        (23, date(2024, 3, 31), "10.42"),
    ],
)
def test_the_least_an_hour_follows_age_band_and_the_day(age: int, on: date, least: str) -> None:
    assert minimum_hourly_rate(age, on) == Decimal(least)


def test_a_rate_below_the_band_is_refused_with_the_band_rate_and_day() -> None:
    born = date(2005, 9, 1)
    assert pay_problem(Decimal("12.71"), date_of_birth=born, on=date(2026, 9, 1)) is None
    assert pay_problem(Decimal("12.50"), date_of_birth=born, on=date(2026, 9, 1)) == (
        "£12.50 an hour is below the National Living Wage (21 and over), £12.71 an hour for "
        "someone aged 21 on 1 September 2026."
    )


def test_a_birthday_moves_a_student_into_the_next_band_on_the_day() -> None:
    born = date(2006, 5, 10)
    rate = Decimal("11.00")
    assert pay_problem(rate, date_of_birth=born, on=date(2026, 5, 9)) is None  # aged 19
    problem = pay_problem(rate, date_of_birth=born, on=date(2026, 5, 10))  # 20: still 18 to 20
    assert problem is None
    assert pay_problem(rate, date_of_birth=born, on=date(2027, 5, 10)) is not None  # 21


def test_without_a_date_of_birth_the_living_wage_applies() -> None:
    problem = pay_problem(Decimal("11.00"), date_of_birth=None, on=date(2026, 10, 1))
    assert problem == (
        "£11.00 an hour is below the National Living Wage (21 and over), £12.71 an hour for "
        "someone whose date of birth is not recorded on 1 October 2026."
    )


def test_days_before_the_rates_held_and_ages_below_school_leaving_age_are_errors() -> None:
    with pytest.raises(ValueError, match="from 1 April 2023 only"):
        rates_on(date(2023, 3, 31))
    with pytest.raises(ValueError, match="below school leaving age"):
        minimum_hourly_rate(15, date(2026, 6, 1))
