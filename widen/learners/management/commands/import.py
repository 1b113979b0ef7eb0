"""`widen import learners FILE --organisation ID`: import a school's pupil list.

The same checks and the same report as the upload page. Exit status: 0 when every row imported
(or, with --dry-run, would import; or the file was imported before and all its rows were good);
1 when rows were rejected, this time or when the file was imported before; 2 when the file or
its columns cannot be used at all. `--failed-rows` writes CSV or XLSX as its name says.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from widen.accounts.capabilities import system_actor
from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.management.progress import ShowsProgress
from widen.learners.imports.columns import COLUMNS_BY_FIELD, IGNORE
from widen.learners.imports.commit import learner_import_commit
from widen.learners.imports.files import failed_rows_file
from widen.learners.imports.kinds import import_kinds
from widen.learners.imports.report import report_lines
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_start,
)
from widen.organisations.models import Organisation
from widen.organisations.selectors import organisation_by_reference

REJECTED_ROWS = 1
UNUSABLE = 2


def _organisation(reference: str) -> Organisation:
    organisation = organisation_by_reference(reference)
    if organisation is None:
        raise CommandError(
            f"No organisation has the id, URN, UKPRN or name {reference!r}.", returncode=2
        )
    return organisation


class Command(ShowsProgress):
    help = "Import learners from a school's pupil list (CSV or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        learners = kinds.add_parser("learners", help="Import a pupil list.")
        learners.add_argument("file", help="The .csv or .xlsx file.")
        learners.add_argument(
            "--organisation", required=True, help="Id, URN or UKPRN of the organisation."
        )
        learners.add_argument("--school", default="", help="Id or URN of the pupils' school.")
        learners.add_argument("--sheet", default="", help="The sheet to read (XLSX).")
        learners.add_argument("--mapping", default="", help="A saved column mapping by name.")
        learners.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help="Say what a column is (FIELD 'skip' to leave it out); may be repeated.",
        )
        learners.add_argument(
            "--dry-run", action="store_true", help="Check and report; change nothing."
        )
        learners.add_argument(
            "--accept-partial",
            action="store_true",
            help="Import the valid rows even when some are rejected.",
        )
        learners.add_argument("--failed-rows", default="", help="Write rejected rows here.")
        learners.add_argument("--user", default="", help="Import as this person (username).")
        for kind in import_kinds():
            kind.add_arguments(kinds.add_parser(kind.name, help=kind.help))

    def handle(self, *args: Any, **options: Any) -> None:
        for kind in import_kinds():
            if options["kind"] == kind.name:
                kind.handle(self, options)
                return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.", returncode=UNUSABLE)
        organisation = _organisation(options["organisation"])
        school = _organisation(options["school"]) if options["school"] else None
        # Without --user, Widen itself imports (whoever runs commands on the server may).
        actor: Any = system_actor("widen import learners")
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user is called {options['user']!r}.", returncode=2)
        extra: dict[str, str] = {}
        for pair in options["map"]:
            heading, _, field = pair.partition("=")
            field = field.strip()
            field = IGNORE if field in ("skip", "ignore", "") else field
            if field != IGNORE and field not in COLUMNS_BY_FIELD:
                raise CommandError(
                    f"--map {pair!r}: '{field}' is not a learner field (one of "
                    + ", ".join(COLUMNS_BY_FIELD)
                    + ", or skip).",
                    returncode=UNUSABLE,
                )
            extra[heading.strip()] = field
        with request_context.bind(actor=actor, source="cli"):
            try:
                run = learner_import_start(
                    actor=actor,
                    organisation=organisation,
                    school=school,
                    file_name=path.name,
                    content=path.read_bytes(),
                    sheet_name=options["sheet"],
                    mapping_name=options["mapping"],
                    extra_mapping=extra,
                )
                report = learner_import_check(run, actor=actor)
            except ApplicationError as error:
                raise CommandError(error.message, returncode=UNUSABLE) from error
            except NotFound as error:
                raise CommandError(
                    f"{options['user']} may not import learners into {organisation}.",
                    returncode=UNUSABLE,
                ) from error
            if options["failed_rows"] and report.problems:
                # What the name asks for: rows-to-fix.xlsx is a workbook, .csv is CSV.
                suffix = Path(options["failed_rows"]).suffix.lower().lstrip(".")
                content, _ = failed_rows_file(
                    run, report, file_format=suffix if suffix in {"csv", "xlsx"} else ""
                )
                Path(options["failed_rows"]).write_bytes(content)
            usable = report.checked and not report.column_problems
            committed = False
            if (
                usable
                and not options["dry_run"]
                and report.already_imported is None
                and (not report.problems or options["accept_partial"])
                and (report.rows_to_create or report.rows_to_update)
            ):
                try:
                    report = learner_import_commit(
                        run=run,
                        actor=actor,
                        accept_partial=options["accept_partial"],
                        progress=self.progress,
                    )
                    committed = True
                except ApplicationError as error:
                    raise CommandError(error.message, returncode=UNUSABLE) from error
        for line in report_lines(
            report,
            committed=committed,
            dry_run=options["dry_run"],
            accept_partial=options["accept_partial"],
        ):
            self.stdout.write(line)
        if options["failed_rows"] and report.problems:
            self.stdout.write(f"The rejected rows are in {options['failed_rows']}.")
        if not usable:
            sys.exit(UNUSABLE)
        if report.problems:
            sys.exit(REJECTED_ROWS)
