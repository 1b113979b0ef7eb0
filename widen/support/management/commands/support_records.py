"""`widen support_records ACTION`: support records' own work, as Widen itself.

widen support_records review-reminders   tell each named contact, once, of a pathway plan
  [--day YYYY-MM-DD]                     review due within two weeks (the student is never
                                         told); say how many. Run it daily; running it again
                                         tells nobody twice. --day: as on that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.support.services.records import pathway_reviews_remind


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Give the day as YYYY-MM-DD, not {value!r}.") from error


class Command(BaseCommand):
    help = "Support records: remind named contacts of pathway plan reviews (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        reminders = actions.add_parser(
            "review-reminders",
            help="tell each named contact, once, of a pathway plan review due within two weeks",
        )
        reminders.add_argument("--day", type=str, default="", help="as on this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "review-reminders":
            day = _day(options["day"]) if options["day"] else None
            actor = system_actor("widen support_records review-reminders")
            with request_context.bind(actor=actor, source="cli"):
                reminded = pathway_reviews_remind(actor=actor, today=day)
            contacts = "named contact" if reminded == 1 else "named contacts"
            self.stdout.write(f"Reminded {reminded} {contacts} of a pathway plan review.")
