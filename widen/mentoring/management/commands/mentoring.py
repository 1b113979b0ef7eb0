"""`widen mentoring ACTION`: mentoring's own daily work, as Widen itself.

widen mentoring quiet-alerts   tell each programme's coordinators of every active pair gone
  [--day YYYY-MM-DD]           quiet (no meeting for the programme's weeks), once a quiet spell;
                               say how many. Run it daily; running it again tells nobody twice.
widen mentoring check-ins      give every active pair without one its first check-in, due the
                               programme's weeks after it began; say how many. Run it daily.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.mentoring.services.pairs import check_ins_first_create, pairs_quiet_alert


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Give the day as YYYY-MM-DD, not {value!r}.") from error


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'' if number == 1 else 's'}"


class Command(BaseCommand):
    help = "Mentoring's daily work: alerting coordinators to pairs going quiet; check-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        quiet = actions.add_parser(
            "quiet-alerts",
            help="tell coordinators, once a quiet spell, of active pairs with no recent meeting",
        )
        quiet.add_argument("--day", type=str, default="", help="as on this day (YYYY-MM-DD)")
        actions.add_parser(
            "check-ins", help="give every active pair without one its first check-in"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "quiet-alerts":
            day = _day(options["day"]) if options["day"] else timezone.localdate()
            actor = system_actor("widen mentoring quiet-alerts")
            with request_context.bind(actor=actor, source="cli"):
                alerted = pairs_quiet_alert(actor=actor, today=day)
            self.stdout.write(
                f"{day.isoformat()}: alerted coordinators to {_count(alerted, 'pair')} going quiet."
            )
        elif options["action"] == "check-ins":
            actor = system_actor("widen mentoring check-ins")
            with request_context.bind(actor=actor, source="cli"):
                made = check_ins_first_create(actor=actor)
            self.stdout.write(f"Gave {_count(made, 'pair')} a first check-in.")
