"""The legal minimum hourly pay in the UK, by age band and the day worked.

The National Living Wage (21 and over, since April 2024; 23 and over before) and the National
Minimum Wage rates (18 to 20, under 18) change each 1 April. (The apprentice rate is not here:
it applies to an apprentice's apprenticeship, never to paid partnership work beside it.) A
role's hourly rate below the rate for a student's age band in force on the day of the work is
refused: see `pay_problem`. Rates are from GOV.UK, "National Minimum Wage and National Living
Wage rates"; add a year's row when the government announces it (each autumn, for the next
April).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from widen.core.academic_years import age_on


@dataclass(frozen=True)
class AgeBand:
    """An age band with its own minimum rate: `youngest` to `oldest` inclusive (None: no top)."""

    name: str
    youngest: int
    oldest: int | None

    def holds(self, age: int) -> bool:
        return age >= self.youngest and (self.oldest is None or age <= self.oldest)


@dataclass(frozen=True)
class MinimumRates:
    """The rates in force from `starts_on` (until the next row's start)."""

    starts_on: date
    # Each age band with its hourly rate, oldest band first.
    by_band: tuple[tuple[AgeBand, Decimal], ...]

    def for_age(self, age: int) -> tuple[AgeBand, Decimal]:
        for band, rate in self.by_band:
            if band.holds(age):
                return band, rate
        raise ValueError(f"No minimum wage applies at age {age}: below school leaving age.")


LIVING_WAGE_21 = AgeBand("the National Living Wage (21 and over)", 21, None)
LIVING_WAGE_23 = AgeBand("the National Living Wage (23 and over)", 23, None)
AGED_21_22 = AgeBand("the National Minimum Wage for 21 and 22 year olds", 21, 22)
AGED_18_20 = AgeBand("the National Minimum Wage for 18 to 20 year olds", 18, 20)
UNDER_18 = AgeBand("the National Minimum Wage for under 18s", 16, 17)


def _rates(starts_on: date, bands: list[tuple[AgeBand, str]]) -> MinimumRates:
    return MinimumRates(
        starts_on=starts_on, by_band=tuple((band, Decimal(rate)) for band, rate in bands)
    )


# Newest first.
MINIMUM_RATES: tuple[MinimumRates, ...] = (
    _rates(
        date(2026, 4, 1),
        [(LIVING_WAGE_21, "12.71"), (AGED_18_20, "10.85"), (UNDER_18, "8.00")],
    ),
    _rates(
        date(2025, 4, 1),
        [(LIVING_WAGE_21, "12.21"), (AGED_18_20, "10.00"), (UNDER_18, "7.55")],
    ),
    _rates(
        date(2024, 4, 1),
        [(LIVING_WAGE_21, "11.44"), (AGED_18_20, "8.60"), (UNDER_18, "6.40")],
    ),
    _rates(
        date(2023, 4, 1),
        [
            (LIVING_WAGE_23, "10.42"),
            (AGED_21_22, "10.18"),
            (AGED_18_20, "7.49"),
            (UNDER_18, "5.28"),
        ],
    ),
)


def rates_on(day: date) -> MinimumRates:
    """The rates in force on `day`."""
    for rates in MINIMUM_RATES:
        if day >= rates.starts_on:
            return rates
    raise ValueError(
        f"Widen holds minimum wage rates from {MINIMUM_RATES[-1].starts_on:%-d %B %Y} only."
    )


def minimum_hourly_rate(age: int, on: date) -> Decimal:
    """The least a worker aged `age` may be paid an hour for work on `on`."""
    _, rate = rates_on(on).for_age(age)
    return rate


def pay_problem(hourly_rate: Decimal, *, date_of_birth: date | None, on: date) -> str | None:
    """Why `hourly_rate` may not be paid to someone born on `date_of_birth` for work on `on`, or
    None when it may. Without a date of birth the rate must meet the National Living Wage (the
    highest band), as nobody can show that a lower band applies."""
    rates = rates_on(on)
    if date_of_birth is None:
        band, least = rates.by_band[0]
        who = "someone whose date of birth is not recorded"
    else:
        age = age_on(date_of_birth, on)
        band, least = rates.for_age(age)
        who = f"someone aged {age}"
    if hourly_rate >= least:
        return None
    return (
        f"£{hourly_rate:.2f} an hour is below {band.name}, £{least:.2f} an hour for {who} on "
        f"{on:%-d %B %Y}."
    )
