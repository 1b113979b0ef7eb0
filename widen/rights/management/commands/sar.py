"""`widen sar find` and `widen sar export`: subject access from the command line.

find    list the learner records and accounts that match a name, date of birth or e-mail address
        in every organisation (to name in the export)
export  write everything held about the records named, as JSON, HTML or PDF, to a file
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from widen.accounts.models import User
from widen.core import request_context
from widen.learners.models import Learner
from widen.rights.exporting import as_html, as_json, as_pdf, subject_access_export
from widen.rights.people import Person

WRITERS = {"json": as_json, "html": as_html}


def _ids(values: list[str], what: str) -> tuple[uuid.UUID, ...]:
    try:
        return tuple(uuid.UUID(value) for value in values)
    except ValueError as error:
        raise CommandError(f"{what} must be ids as `widen sar find` prints them.") from error


class Command(BaseCommand):
    help = "Subject access: find a person's records and export everything held about them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        find = actions.add_parser("find", help="list matching learner records and accounts")
        find.add_argument("--name", default="", help="first or last name (either matches)")
        find.add_argument("--date-of-birth", default="", help="YYYY-MM-DD")
        find.add_argument("--email", default="", help="an e-mail address they are known by")
        export = actions.add_parser("export", help="write everything held about a person")
        export.add_argument("--learner", action="append", default=[], help="a learner record id")
        export.add_argument("--user", action="append", default=[], help="an account id")
        export.add_argument("--email", action="append", default=[], help="an e-mail address")
        export.add_argument("--name", default="", help="the person's name, for the heading")
        export.add_argument("--format", choices=["json", "html", "pdf"], default="json")
        export.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.bind(source="cli"):
            if options["action"] == "find":
                self._find(options)
            else:
                self._export(options)

    def _find(self, options: dict[str, Any]) -> None:
        learners = Learner.objects.select_related("organisation").order_by("last_name")
        name = options["name"].strip()
        if not (name or options["date_of_birth"] or options["email"]):
            raise CommandError("Give --name, --date-of-birth or --email.")
        if name:
            learners = learners.filter(
                Q(first_name__iexact=name)
                | Q(last_name__iexact=name)
                | Q(preferred_name__iexact=name)
            )
        if options["date_of_birth"]:
            try:
                born = date.fromisoformat(options["date_of_birth"])
            except ValueError as error:
                raise CommandError("--date-of-birth must be YYYY-MM-DD.") from error
            learners = learners.filter(date_of_birth=born)
        if options["email"]:
            learners = learners.filter(parent_carers__email__iexact=options["email"].strip())
        for learner in learners.distinct()[:200]:
            self.stdout.write(
                f"learner {learner.pk}  {learner.first_name} {learner.last_name}  "
                f"born {learner.date_of_birth:%Y-%m-%d}  {learner.home_postcode or '-'}  "
                f"held by {learner.organisation}"
            )
        if options["email"]:
            for user in User.objects.filter(email__iexact=options["email"].strip()):
                self.stdout.write(f"account {user.pk}  {user.username}  {user.email}")

    def _export(self, options: dict[str, Any]) -> None:
        users = list(User.objects.filter(pk__in=_ids(options["user"], "--user")))
        emails = {email.strip().lower() for email in options["email"] if email.strip()}
        emails |= {user.email.lower() for user in users if user.email}
        emails |= {user.username for user in users}
        person = Person(
            learner_ids=_ids(options["learner"], "--learner"),
            user_ids=tuple(user.pk for user in users),
            emails=tuple(sorted(emails)),
        )
        if person.is_empty:
            raise CommandError("Name at least one --learner, --user or --email.")
        export = subject_access_export(person, person_name=options["name"])
        path = Path(options["output"])
        if options["format"] == "pdf":
            path.write_bytes(as_pdf(export))
        else:
            path.write_text(WRITERS[options["format"]](export), encoding="utf-8")
        self.stdout.write(
            f"Wrote {export.row_count:,} records in {len(export.sections)} kinds to {path}."
        )
