"""`widen support ACTION`: student support's own work, as Widen itself.

widen support instalments-due   decide every award instalment whose day has come (enrolled on
  [--day YYYY-MM-DD]            its day: due, in the ledger for the next payment run; otherwise
                                held, saying why) and release held ones whose student is enrolled
                                again; say how many. Run it daily; running it again changes
                                nothing. --day: as on that day (default today).
widen support review-reminders  tell each named contact, once, of a pathway plan review due
  [--day YYYY-MM-DD]            within two weeks (the student is never told); say how many.
                                Run it daily; running it again tells nobody twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.support.instalments import instalments_fall_due
from widen.support.services.records import pathway_reviews_remind


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Give the day as YYYY-MM-DD, not {value!r}.") from error


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Student support's daily work: award instalments falling due, held and released; "
        "reminders of pathway plan reviews."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        due = actions.add_parser(
            "instalments-due",
            help="award instalments whose day has come: due (into the ledger) or held; "
            "held ones released once the student is enrolled",
        )
        due.add_argument("--day", type=str, default="", help="as on this day (YYYY-MM-DD)")
        reminders = actions.add_parser(
            "review-reminders",
            help="tell each named contact, once, of a pathway plan review due within two weeks",
        )
        reminders.add_argument("--day", type=str, default="", help="as on this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "instalments-due":
            day = _day(options["day"]) if options["day"] else timezone.localdate()
            if day > timezone.localdate():
                raise CommandError("The day cannot be in the future: nothing is due before it.")
            actor = system_actor("widen support instalments-due")
            with request_context.bind(actor=actor, source="cli"):
                result = instalments_fall_due(day=day, actor=actor)
            self.stdout.write(
                f"{day.isoformat()}: {_count(result.due, 'instalment')} due, "
                f"{result.held} held, {result.released} released."
            )
        elif options["action"] == "review-reminders":
            as_on = _day(options["day"]) if options["day"] else None
            actor = system_actor("widen support review-reminders")
            with request_context.bind(actor=actor, source="cli"):
                reminded = pathway_reviews_remind(actor=actor, today=as_on)
            contacts = "named contact" if reminded == 1 else "named contacts"
            self.stdout.write(f"Reminded {reminded} {contacts} of a pathway plan review.")
