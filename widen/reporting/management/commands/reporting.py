"""`widen reporting rebuild`: make the attendance summaries again from all attendance."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from widen.reporting.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Dashboard summaries: work them out again from attendance."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "rebuild",
            help="make every learner's and school's summary again from all attendance (after an "
            "upgrade, or a restore of attendance from a backup)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rebuilt = summaries_rebuild()
        self.stdout.write(
            f"Rebuilt the dashboard summaries in {time.perf_counter() - started:.1f} s: "
            f"{rebuilt.learners:,} learners engaged, {rebuilt.learner_activities:,} learner "
            f"activities, {rebuilt.counts:,} partnership counts."
        )
