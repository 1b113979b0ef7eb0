"""`widen demo`: build the demo partnership, East London Uni Connect, and print its logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.core.serving import port_taken_message
from widen.demo.builder import DEFAULT_LEARNERS, DEMO_PORT, DemoError, demo_build, demo_report


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
        parser.add_argument(
            "--port",
            type=int,
            help="The port Widen will serve the demo on: checked to be free before building, "
            "and used in the address printed (default 8000, not checked).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["learners"] < 1:
            raise CommandError("--learners must be at least 1.")
        port = options["port"]
        if port is not None:
            # Say a port in use now, not after a build that ends in a server that cannot start.
            taken = port_taken_message("127.0.0.1", port)
            if taken:
                raise CommandError(taken)
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        try:
            result = demo_build(learners=options["learners"], reset=options["reset"])
        except DemoError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        report = demo_report(result=result, seconds=seconds, port=port or DEMO_PORT)
        for line in report:
            self.stdout.write(line)
