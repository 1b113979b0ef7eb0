"""`widen students import FILE --organisation ORG [--dry-run]`: import students from the
provider's student record system export (CSV or XLSX), as Widen itself. (`widen students link`
and `widen students sso-configure`: see their own modules.)

The same checks and the same report as the upload page. Exit status: 0 when every row imported
(or, with --dry-run, would import, or nothing needed importing); 1 when rows were rejected; 2 when
the file or its columns cannot be used at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.selectors import organisation_by_reference
from widen.students.imports.services import (
    report_lines,
    student_import_check,
    student_import_commit,
    student_import_start,
)
from widen.students.linking.command import add_link_parser, run_link
from widen.students.management import sso_configure

REJECTED_ROWS = 1
UNUSABLE = 2


class Command(BaseCommand):
    help = (
        "Students: import the student record system's export; link students to learners; set a "
        "provider's single sign-on."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="import students from a .csv or .xlsx export")
        importing.add_argument("file", help="The .csv or .xlsx file.")
        importing.add_argument(
            "--organisation", required=True, help="Id, UKPRN or name of the HE provider."
        )
        importing.add_argument("--sheet", default="", help="The sheet to read (XLSX).")
        importing.add_argument(
            "--dry-run", action="store_true", help="Check and report; change nothing."
        )
        importing.add_argument(
            "--accept-partial",
            action="store_true",
            help="Import the valid rows even when some are rejected.",
        )
        add_link_parser(actions)
        sso_configure.add_parser(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == sso_configure.ACTION:
            sso_configure.run(options, self.stdout, options.get("stdin"))
            return
        if options["action"] == "link":
            run_link(self, options)
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.", returncode=UNUSABLE)
        organisation = organisation_by_reference(options["organisation"])
        if organisation is None:
            raise CommandError(
                f"No organisation has the id, UKPRN or name {options['organisation']!r}.",
                returncode=UNUSABLE,
            )
        actor = system_actor("widen students import")
        with request_context.bind(actor=actor, source="cli"):
            try:
                upload = student_import_start(
                    actor=actor,
                    organisation=organisation,
                    file_name=path.name,
                    content=path.read_bytes(),
                    sheet_name=options["sheet"],
                )
                report = student_import_check(upload, actor=actor)
            except ApplicationError as error:
                raise CommandError(error.message, returncode=UNUSABLE) from error
            except NotFound as error:
                raise CommandError(
                    f"{organisation} is not a higher-education provider: it has no students.",
                    returncode=UNUSABLE,
                ) from error
            committed = False
            if (
                not options["dry_run"]
                and not report.column_problems
                and report.changes_anything
                and (not report.problems or options["accept_partial"])
            ):
                try:
                    report = student_import_commit(
                        upload=upload, actor=actor, accept_partial=options["accept_partial"]
                    )
                except ApplicationError as error:
                    raise CommandError(error.message, returncode=UNUSABLE) from error
                committed = True
        for line in report_lines(report, committed=committed, dry_run=options["dry_run"]):
            self.stdout.write(line)
        if report.column_problems:
            raise CommandError("The file's columns cannot be used.", returncode=UNUSABLE)
        if report.problems and not committed:
            raise CommandError(
                f"{len(report.rejected_rows)} rows have problems: nothing was imported (use "
                "--accept-partial to import the others).",
                returncode=REJECTED_ROWS,
            )
