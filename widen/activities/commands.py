"""`widen import register FILE --session ID --user USERNAME`: import a session's register.

The same checks, preview and commit as the register page (`widen.activities.imports`). Exit
status: 0 when every row imported (or, with --dry-run, would import, or nothing needed to change);
1 when rows were rejected; 2 when the file, its columns, the session or the person cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.models import User
from widen.activities.imports import (
    register_import_check,
    register_import_commit,
    register_import_start,
    report_lines,
)
from widen.activities.models import Session
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.imports.kinds import ImportKind, register_import_kind

REJECTED_ROWS = 1
UNUSABLE = 2


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="The .csv or .xlsx register.")
    parser.add_argument("--session", required=True, help="The session's id.")
    parser.add_argument(
        "--user",
        required=True,
        help="Import as this person (username): one of the session's deliverers or its school.",
    )
    parser.add_argument("--sheet", default="", help="The sheet to read (XLSX).")
    parser.add_argument("--dry-run", action="store_true", help="Check and report; change nothing.")
    parser.add_argument(
        "--accept-partial",
        action="store_true",
        help="Import the valid rows even when some are rejected.",
    )


def _session(reference: str) -> Session:
    try:
        session = Session.objects.select_related("activity").filter(pk=UUID(reference)).first()
    except ValueError:
        session = None
    if session is None:
        raise CommandError(f"No session has the id {reference!r}.", returncode=UNUSABLE)
    return session


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"There is no file at {path}.", returncode=UNUSABLE)
    session = _session(options["session"])
    actor = User.objects.filter(username=options["user"]).first()
    if actor is None:
        raise CommandError(f"No user is called {options['user']!r}.", returncode=UNUSABLE)
    committed = False
    with request_context.bind(actor=actor, source="cli"):
        try:
            upload = register_import_start(
                actor=actor,
                session=session,
                file_name=path.name,
                content=path.read_bytes(),
                sheet_name=options["sheet"],
            )
            report = register_import_check(upload, actor=actor)
            if (
                not options["dry_run"]
                and report.can_commit
                and (not report.problems or options["accept_partial"])
            ):
                report = register_import_commit(
                    upload=upload, actor=actor, accept_partial=options["accept_partial"]
                )
                committed = True
        except ApplicationError as error:
            raise CommandError(error.message, returncode=UNUSABLE) from error
        except NotFound as error:
            raise CommandError(
                f"{actor.username} does not take this session's register: only the session's "
                "deliverers and its school take its register.",
                returncode=UNUSABLE,
            ) from error
    for line in report_lines(report, committed=committed, dry_run=options["dry_run"]):
        command.stdout.write(line)
    if report.column_problems:
        sys.exit(UNUSABLE)
    if report.problems and not committed:
        sys.exit(REJECTED_ROWS)


register_import_kind(
    ImportKind(
        name="register",
        help="Import a session's register (who came, and who did not).",
        add_arguments=add_arguments,
        handle=handle,
    )
)
