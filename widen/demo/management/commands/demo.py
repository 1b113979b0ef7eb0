"""`widen demo`: build the demo partnership, East London Uni Connect, and print its logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.demo.builder import DEFAULT_LEARNERS, DemoError, demo_build, demo_report


class Command(BaseCommand):
    help = (
        "Build the demo partnership (real East London schools and postcodes, invented learners) "
        "and print a login for every role. Does nothing if it is already built, unless --reset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--learners",
            type=int,
            default=DEFAULT_LEARNERS,
            help=f"How many learners to invent (default {DEFAULT_LEARNERS:,}).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo partnership, its learners and its users, then build it again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["learners"] < 1:
            raise CommandError("--learners must be at least 1.")
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        try:
            result = demo_build(learners=options["learners"], reset=options["reset"])
        except DemoError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        for line in demo_report(result=result, seconds=seconds):
            self.stdout.write(line)
