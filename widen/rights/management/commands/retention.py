"""`widen retention run` (daily) and `widen retention rules`.

run    apply every retention rule in the register of personal data, and say what was done
rules  list every kind of personal data Widen holds, why, and how long it is kept
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from widen.audit.registry import register
from widen.core import request_context
from widen.rights.retention import retention_run


class Command(BaseCommand):
    help = "Retention: apply every rule in the register of personal data (run it daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("run", help="delete or anonymise what is past its retention period")
        actions.add_parser("rules", help="list how long each kind of personal data is kept")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rules":
            for entry in register:
                self.stdout.write(f"{entry.heading} ({entry.label})")
                self.stdout.write(f"  why: {entry.lawful_basis}")
                for kept in (entry.retention, *entry.also):
                    self.stdout.write(f"  kept: {kept.description}")
            return
        with request_context.bind(source="cli"):
            done = retention_run()
        total = 0
        for applied in done:
            if applied.rows:
                total += applied.rows
                self.stdout.write(
                    f"{applied.model}: {applied.action}d {applied.rows:,} ({applied.rule})"
                )
        self.stdout.write(
            f"Retention: {len(done)} rules applied; {total:,} record{'' if total == 1 else 's'} "
            "changed."
        )
