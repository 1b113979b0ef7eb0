"""When a request about a person's data must be answered (UK GDPR Art 12(3) and Art 12A).

The time limit is one calendar month, running from the day the request is received or, when the
controller asked the person to confirm who they are, from the day that confirmation arrives (the
clock stops while waiting). The deadline is the corresponding date in the month after; where that
month is shorter it is the month's last day; a deadline on a weekend or an England and Wales bank
holiday moves to the next working day. A complex or numerous request may be extended by up to two
further months.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from widen.core.working_days import next_working_day

MONTHS_TO_ANSWER = 1
MOST_EXTRA_MONTHS = 2


def answer_due(
    received_on: date,
    *,
    identity_asked_on: date | None = None,
    identity_confirmed_on: date | None = None,
    extra_months: int = 0,
) -> date | None:
    """The last day to answer, or None while the clock is stopped waiting for identity."""
    if not 0 <= extra_months <= MOST_EXTRA_MONTHS:
        raise ValueError(f"A request can be extended by 0 to {MOST_EXTRA_MONTHS} months.")
    start = received_on
    if identity_asked_on is not None:
        if identity_confirmed_on is None:
            return None
        start = max(received_on, identity_confirmed_on)
    # relativedelta keeps the day of the month, or the month's last day where it has no such day.
    return next_working_day(start + relativedelta(months=MONTHS_TO_ANSWER + extra_months))
