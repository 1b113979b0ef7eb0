"""`widen evaluation ...`: the question bank from the command line.

load-scales [--force]      load the scales Widen ships (our own wording). Scales already loaded
                           with the same wording are left alone; if the file's wording differs,
                           nothing is changed unless --force, which publishes a new version (a
                           published scale's wording is never overwritten).
import-scales FILE --partnership ID --user USERNAME [--source taso_asq|partnership] [--dry-run]
                           import scale items (for example TASO's published ASQ items) from a CSV
                           or XLSX file, with the same checks as the import page: each problem by
                           row and column, nothing imported unless the whole file is clean. Exit
                           status 1 when the file has problems, 2 when it cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.imports import scale_import_commit, scale_import_plan, scale_import_start
from widen.evaluation.shipped import SHIPPED_SCALES, shipped_scales_load
from widen.organisations.models import Partnership

HAS_PROBLEMS = 1
UNUSABLE = 2


class Command(BaseCommand):
    help = "Evaluation: load the scales Widen ships, or import scale items from a spreadsheet."

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
        load.add_argument(
            "--file",
            default=str(SHIPPED_SCALES),
            help="a YAML file of scales (default: the scales Widen ships)",
        )
        upload = actions.add_parser(
            "import-scales", help="import scale items from a .csv or .xlsx file"
        )
        upload.add_argument("file", help="the .csv or .xlsx file, one item a row")
        upload.add_argument("--partnership", required=True, help="the partnership's id")
        upload.add_argument(
            "--user", required=True, help="import as this person (who keeps its question bank)"
        )
        upload.add_argument(
            "--source",
            default="taso_asq",
            choices=["taso_asq", "partnership"],
            help="where the items come from (default: TASO's ASQ)",
        )
        upload.add_argument(
            "--dry-run", action="store_true", help="check the file and say what would change"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-scales":
            self._load(options)
        else:
            self._import(options)

    def _load(self, options: dict[str, Any]) -> None:
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

    def _import(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        try:
            partnership = Partnership.objects.filter(pk=options["partnership"]).first()
        except ValidationError:  # not an id at all
            partnership = None
        if user is None or partnership is None:
            self.stderr.write("There is no such person or partnership.")
            sys.exit(UNUSABLE)
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"Cannot read {path.name}: {error.strerror}")
            sys.exit(UNUSABLE)
        with request_context.bind(source="cli", actor=user):
            try:
                upload = scale_import_start(
                    actor=user,
                    partnership=partnership,
                    file_name=path.name,
                    content=content,
                    source=options["source"],
                )
            except NotFound:
                self.stderr.write(f"{user.username} does not keep {partnership}'s question bank.")
                sys.exit(UNUSABLE)
            except ApplicationError as error:
                self.stderr.write(f"the file: {error.message}")
                sys.exit(UNUSABLE)
            plan = scale_import_plan(upload)
            for problem in plan.problems:
                where = f"row {problem['row']}" if problem["row"] else "the file"
                column = f", column {problem['column']}" if problem["column"] else ""
                self.stderr.write(f"{where}{column}: {problem['message']}")
            if plan.problems:
                self.stderr.write("Nothing was imported.")
                sys.exit(HAS_PROBLEMS if plan.scales or plan.rows_total else UNUSABLE)
            for scale in plan.scales:
                self.stdout.write(f"{scale.name}: {len(scale.items)} items, {scale.outcome}")
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was imported.")
                return
            done = scale_import_commit(actor=user, upload=upload)
        self.stdout.write(
            f"Imported {done.scales_created} scale{'' if done.scales_created == 1 else 's'} "
            f"({done.items_created} items), published."
        )
