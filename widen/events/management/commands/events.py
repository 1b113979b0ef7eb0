"""`widen events send-reminders` and `widen events purge-adjustments`: run daily.

send-reminders     e-mail everyone booked onto an event starting within the next day (once each)
purge-adjustments  blank access requirements, adjustments, dietary needs and care-experienced or
                   disabled attendance for events that have ended (the retention rule)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.events.services import adjustments_purge, reminders_send


class Command(BaseCommand):
    help = "Events: send tomorrow's reminders; blank adjustments after events end."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "send-reminders",
            help="e-mail everyone booked onto an event starting within the next day, once each",
        )
        actions.add_parser(
            "purge-adjustments",
            help="blank the access and adjustments of bookings for events that have ended",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.bind(source="cli"):
            if options["action"] == "send-reminders":
                sent = reminders_send(actor=system_actor("daily event reminders"))
                self.stdout.write(f"Sent {sent:,} reminder{'' if sent == 1 else 's'}.")
            else:
                purged = adjustments_purge(actor=system_actor("removing adjustments after events"))
                self.stdout.write(
                    f"Blanked access and adjustments on {purged:,} "
                    f"booking{'' if purged == 1 else 's'} for events that have ended."
                )
