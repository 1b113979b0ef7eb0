"""`widen watch run` (hourly): alert the data-protection officers to unusual access.

Looks at the clock hours (UTC) up to now, the current one included, for an account that read far
more learners' identities than usual or exported again and again (`widen.audit.watching` says how
much is too much), and tells each such hour, once, to the officers of the account's
organisations. Running it twice tells nobody twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.audit.models import WatchKind
from widen.core import request_context
from widen.rights.misuse import misuse_alerts_send


class Command(BaseCommand):
    help = "Watching for misuse: alert data-protection officers to unusual access (run hourly)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser("run", help="look at the last hours and alert what is unusual")
        run.add_argument(
            "--hours",
            type=int,
            default=2,
            help="how many clock hours to look at, the current one included (default 2)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if not 1 <= hours <= 24 * 31:
            raise CommandError("--hours is a whole number of hours from 1 to 744 (31 days).")
        with request_context.bind(source="cli"):
            alerted = misuse_alerts_send(
                actor=system_actor("watching for misuse"), now=timezone.now(), hours=hours
            )
        for each in alerted:
            hour = each.hour
            told = ", ".join(each.recipients) or "nobody: the organisation has no officer"
            self.stdout.write(
                f"{hour.hour_starts_at:%Y-%m-%d %H:00} UTC, {hour.account_username}: "
                f"{WatchKind(hour.kind).label.lower()} ({hour.count}; the limit was "
                f"{hour.threshold}); told {told}."
            )
        self.stdout.write(
            f"Watching: {len(alerted)} unusual hour{'' if len(alerted) == 1 else 's'} alerted."
        )
