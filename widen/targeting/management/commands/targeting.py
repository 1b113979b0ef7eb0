"""`widen targeting run`: work out every learner's area profile from the loaded open data."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from widen.targeting.services import area_profiles_compute


class Command(BaseCommand):
    help = "Work out targeting again for every learner (area profiles from the loaded open data)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("run", help="work out every learner's area profile again")

    def handle(self, *args: Any, **options: Any) -> None:
        run = area_profiles_compute(progress=self._progress)
        for line in run.summary_lines():
            self.stdout.write(line)
        seconds = sum(run.seconds.values())
        self.stdout.write(
            f"  took {seconds:.1f} s (reading {run.seconds['read']:.1f} s, joining "
            f"{run.seconds['classify']:.1f} s, storing {run.seconds['store']:.1f} s)"
        )

    def _progress(self, percent: int, message: str) -> None:
        if sys.stderr.isatty():
            self.stderr.write(f"\r{percent:3d}% {message:<60}", ending="")
            if percent == 100:
                self.stderr.write("")
        else:
            self.stderr.write(f"{percent:3d}% {message}")
