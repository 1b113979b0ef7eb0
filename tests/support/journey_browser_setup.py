"""What a care-experienced student's support journey in the browser starts from, and the daily
job's work on the days it needs, made in the server's database.

Run as `python -m tests.support.journey_browser_setup USERNAME` with the server's environment: at
USERNAME's organisation (a demo university whose student support USERNAME advises), a support
scheme for care-experienced students, not yet worked out (its adviser does that on its page),
and a £1,000 award scheme for its members paid in three instalments: the day before yesterday,
yesterday and a fortnight from now, or the year's last day if sooner (at the turn of the year,
three days that have all come: see `_year_and_days`). The first two days must have come for
the journey to see them fall due or held; what is made each time is named afresh, so runs never
meet. Prints, as JSON, their ids, names and days.

Run as `python -m tests.support.journey_browser_setup day DAY` for the nightly
`instalments_fall_due` on DAY (ISO date, today or before): every accepted award's instalment
whose day has come falls due or is held by the student's status on its day. Prints how many.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, timedelta
from typing import Any

AUGUST = 8


def _award_year(day: date) -> Any:
    """The academic year whose award schemes pay on `day` (from 1 August to 31 July)."""
    from widen.core.academic_years import AcademicYear  # noqa: PLC0415

    return AcademicYear(day.year if day.month >= AUGUST else day.year - 1)


def _year_and_days(today: date) -> tuple[Any, list[date]]:
    """The day before yesterday, yesterday and a fortnight from now, in one academic year; at
    the turn of the year (1 and 2 August), three days that have all come, in the year ending."""
    year = _award_year(today - timedelta(days=2))
    last_day = date(year.start_year + 1, 7, 31)
    days = [today - timedelta(days=n) for n in (2, 1)]
    days.append(min(today + timedelta(days=14), last_day))
    if days[2] <= days[1] or _award_year(days[1]) != year:
        year = _award_year(today - timedelta(days=4))
        days = [today - timedelta(days=n) for n in (4, 3, 2)]
    return year, days


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.organisations.models import SpecialCategoryCondition  # noqa: PLC0415
    from widen.support.services.awards import award_scheme_create  # noqa: PLC0415
    from widen.support.services.schemes import scheme_create  # noqa: PLC0415

    membership = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    provider, adviser = membership.organisation, membership.user
    today = timezone.localdate()
    year, days = _year_and_days(today)
    mark = secrets.token_hex(2).upper()
    with request_context.bind(actor=adviser, source="cli"):
        scheme = scheme_create(
            actor=adviser,
            organisation=provider,
            name=f"Care leavers' support {mark}",
            definition={"any": [{"all": [{"criterion": "care_experienced"}]}]},
            purpose="A named contact, help with accommodation all year round and a bursary "
            "for students who have been in care.",
            special_category_condition=(
                SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY
            ),
        )
        award_scheme = award_scheme_create(
            actor=adviser,
            organisation=provider,
            scheme=scheme,
            name=f"Care leavers' bursary {mark}",
            academic_year=str(year),
            instalment_days=days,
            amount_pence=1_000_00,
            purpose="£1,000 towards living costs, in three instalments while you are enrolled.",
        )
    return {
        "scheme_id": str(scheme.pk),
        "scheme_name": scheme.name,
        "award_scheme_id": str(award_scheme.pk),
        "award_name": award_scheme.name,
        "academic_year": award_scheme.academic_year,
        "days": [day.isoformat() for day in days],
    }


def day(on: str) -> dict[str, int]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.core import request_context  # noqa: PLC0415
    from widen.support.instalments import instalments_fall_due  # noqa: PLC0415

    with request_context.bind(source="cli"):
        result = instalments_fall_due(day=date.fromisoformat(on))
    return {"due": result.due, "held": result.held, "released": result.released}


if __name__ == "__main__":
    if sys.argv[1] == "day":
        sys.stdout.write(json.dumps(day(sys.argv[2])))
    else:
        sys.stdout.write(json.dumps(make(sys.argv[1])))
