"""The types every JSON API input of a date, a time, a moment, a count or a page is read with.

A value the database cannot keep, or that means nothing (a time of day with a time zone, the year
9999, an offset beyond any list), is refused before anything runs, with a message naming what to
give instead; the API answers 422 and says which field. Every router's input schemas use these
types, and a test walks the OpenAPI schema to keep it so.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000
MAX_COUNT = 100_000


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(
            "Give the time of day without a time zone, for example 10:00; it is read as UK time."
        )
    return value


def _in_years(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(
            f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}, as year-month-day."
        )
    return value


def _moment_in_years(value: datetime) -> datetime:
    _in_years(value.date())
    return value


WallClockTime = Annotated[
    time,
    AfterValidator(_wall_clock),
    Field(description="A time of day in UK time, without a time zone, for example 10:00."),
]
CalendarDate = Annotated[
    date,
    AfterValidator(_in_years),
    Field(description=f"A date between {EARLIEST_YEAR} and {LATEST_YEAR}, as YYYY-MM-DD."),
]
Moment = Annotated[
    datetime,
    AfterValidator(_moment_in_years),
    Field(
        description=(
            "A date and time, in ISO 8601; without a time zone it is read as UK time. "
            f"Years {EARLIEST_YEAR} to {LATEST_YEAR}."
        )
    ),
]
PageLimit = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"How many to give, 1 to {MAX_PAGE_SIZE}.")
]
PageOffset = Annotated[
    int, Field(ge=0, le=MAX_OFFSET, description=f"How many to skip, 0 to {MAX_OFFSET}.")
]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
YearGroup = Annotated[int, Field(ge=0, le=14, description="0 (reception) to 14.")]
Hours = Annotated[
    Decimal,
    Field(ge=0, le=10_000, max_digits=7, decimal_places=2, allow_inf_nan=False),
]
