"""`widen notifications send` and `widen notifications retry`.

send   e-mail every notification that is due now (for a deployment without a background
       worker, run it every few minutes; with a worker it only catches up)
retry  queue every notification that failed all its attempts for another round, and send them
forget give up the failed ones older than WIDEN_NOTIFICATION_FAILED_DAYS whose body only the
       e-mail was for (a one-time link, a message to an address without an account), wiping it
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.core import request_context
from widen.notifications.delivery import (
    FAILED,
    RETRYING,
    SENT,
    outbox_forget_failed,
    outbox_retry_failed,
    outbox_send_due,
)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Notifications: send the outbox now; retry the ones that failed; forget old failures."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        send = actions.add_parser("send", help="e-mail every notification that is due now")
        send.add_argument(
            "--limit", type=int, default=None, help="send at most this many (default: all due)"
        )
        actions.add_parser(
            "retry", help="queue every failed notification for another round, and send them"
        )
        actions.add_parser(
            "forget",
            help="wipe and give up failed ones past the keeping period that only e-mail could show",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.bind(source="cli"):
            if options["action"] == "forget":
                forgotten = outbox_forget_failed()
                self.stdout.write(
                    f"Gave up {_plural(forgotten, 'failed notification')} and forgot what "
                    "they said."
                )
                return
            if options["action"] == "retry":
                queued = outbox_retry_failed()
                self.stdout.write(f"Queued {_plural(queued, 'failed notification')} again.")
                outcomes = outbox_send_due()
            else:
                limit = options["limit"]
                if limit is not None and limit < 1:
                    raise CommandError("--limit must be 1 or more.")
                outcomes = outbox_send_due(limit=limit)
        self.stdout.write(self._summary(outcomes))

    def _summary(self, outcomes: Counter[str]) -> str:
        parts = [f"Sent {_plural(outcomes[SENT], 'notification')}."]
        if outcomes[RETRYING]:
            parts.append(f"{_plural(outcomes[RETRYING], 'notification')} will be tried again.")
        if outcomes[FAILED]:
            parts.append(
                f"{_plural(outcomes[FAILED], 'notification')} failed every attempt: see the "
                "last error in the admin site, then `widen notifications retry`."
            )
        return " ".join(parts)
