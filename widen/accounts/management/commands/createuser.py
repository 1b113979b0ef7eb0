"""`widen createuser`: add a person, optionally with a role in an organisation.

The password is asked for at the terminal. Without one (a script, CI, `< /dev/null`) give it
with `--password-file FILE` (its first line), `--password-stdin`, or the environment variable
`WIDEN_USER_PASSWORD`; otherwise the command stops and says so.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.models import Role
from widen.accounts.services import membership_set, user_create
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.organisations.selectors import organisation_by_reference


class Command(BaseCommand):
    help = "Add a person who can sign in to Widen. They set up MFA when they first sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--organisation", help="Organisation id, UKPRN, URN or exact name.")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--staff", action="store_true", help="May open the admin site.")
        parser.add_argument("--superuser", action="store_true")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )
        parser.add_argument(
            "--password-file",
            default="",
            help="Read the password from the first line of this file (for scripts and CI).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["organisation"]) != bool(options["role"]):
            raise CommandError("Give --organisation and --role together.")
        organisation = None
        if options["organisation"]:
            key = options["organisation"]
            organisation = organisation_by_reference(key)
            if organisation is None:
                raise CommandError(f"No organisation has the UKPRN, URN or name {key!r}.")
        password = _password(options)
        with request_context.bind(source="cli"):
            try:
                user = user_create(
                    username=options["username"],
                    password=password,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    is_staff=options["staff"] or options["superuser"],
                    is_superuser=options["superuser"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            except ApplicationError as error:
                raise CommandError(error.message) from error
            if organisation is not None:
                membership_set(user=user, organisation=organisation, role=options["role"])
        self.stdout.write(
            self.style.SUCCESS(f"Added {user.username}. They set up MFA at first sign-in.")
        )


PASSWORD_VARIABLE = "WIDEN_USER_PASSWORD"  # noqa: S105 - the name of a variable, not a password
NO_TERMINAL = (
    "There is no terminal to ask for the password. Give it with --password-file FILE (its "
    f"first line), --password-stdin, or the environment variable {PASSWORD_VARIABLE}."
)


def _password(options: dict[str, Any]) -> str:
    """The new person's password: from the file, standard input, the environment or the
    terminal, in that order; never empty."""
    if options["password_file"]:
        path = Path(options["password_file"])
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the password file {path}: {error}") from error
        password = lines[0] if lines else ""
        where = f"the first line of {path}"
    elif options["password_stdin"]:
        password = sys.stdin.readline().rstrip("\r\n")
        where = "standard input"
    elif os.environ.get(PASSWORD_VARIABLE):
        password = os.environ[PASSWORD_VARIABLE]
        where = PASSWORD_VARIABLE
    else:
        if not sys.stdin.isatty():
            raise CommandError(NO_TERMINAL)
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt) as error:
            raise CommandError("No password was given: nobody was added.") from error
        if password != again:
            raise CommandError("The passwords do not match.")
        where = "the terminal"
    if not password:
        raise CommandError(f"No password was given on {where}: nobody was added.")
    return password
