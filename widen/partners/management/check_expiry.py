"""`widen partners check-expiry [--days N]`: warn, once, of onboarding checks about to expire.

The partner and the coordinators of their roles are told N days (30 unless said) before a
check expires, so it is renewed before the partner can no longer be offered work. Run it daily.
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import CommandParser, OutputWrapper

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.partners.services.checks import WARN_DAYS_BEFORE, check_expiry_warn

ACTION = "check-expiry"


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError as error:
        raise ArgumentTypeError(f"{value!r} is not a whole number of days") from error
    if not 0 <= days <= 365:  # noqa: PLR2004
        raise ArgumentTypeError("give a number of days from 0 to 365")
    return days


def add_parser(actions: Any) -> None:
    parser: CommandParser = actions.add_parser(
        ACTION, help="warn partners and coordinators, once, of onboarding checks about to expire"
    )
    parser.add_argument(
        "--days",
        type=_days,
        default=WARN_DAYS_BEFORE,
        help=f"how many days before a check expires to warn (default {WARN_DAYS_BEFORE})",
    )


def run(options: dict[str, Any], stdout: OutputWrapper) -> None:
    actor = system_actor("widen partners check-expiry")
    with request_context.bind(source="cli"):
        warned = check_expiry_warn(actor=actor, days=options["days"])
    checks = "check" if warned.checks == 1 else "checks"
    people = "person" if warned.people == 1 else "people"
    stdout.write(
        f"Warned of {warned.checks} onboarding {checks} expiring within {options['days']} days "
        f"({warned.people} {people} told)."
    )
