"""`widen evaluation load-scales [--force]`: load the scales Widen ships into the question bank.

Scales already loaded with the same wording are left alone. If the file's wording differs from a
loaded scale, nothing is changed unless --force is given; then a new version is published (a
published scale's wording is never overwritten).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.evaluation.shipped import SHIPPED_SCALES, shipped_scales_load


class Command(BaseCommand):
    help = "Evaluation: load the scales Widen ships into the question bank."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load-scales", help="load the shipped scales (Widen's own wording)"
        )
        load.add_argument(
            "--force",
            action="store_true",
            help="publish a new version of a scale whose wording in the file has changed",
        )
        load.add_argument("--file", default=str(SHIPPED_SCALES), help=argparse_file_help())

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.bind(source="cli"):
            try:
                result = shipped_scales_load(path=Path(options["file"]), force=options["force"])
            except (ApplicationError, OSError) as error:
                raise CommandError(getattr(error, "message", str(error))) from error
        for label, names in (
            ("Loaded", result.created),
            ("Published a new version of", result.new_versions),
            ("Already loaded, unchanged", result.unchanged),
        ):
            if names:
                self.stdout.write(f"{label}: {', '.join(names)}")


def argparse_file_help() -> str:
    return "a YAML file of scales (default: the scales Widen ships)"
