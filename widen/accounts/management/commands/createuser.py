"""`widen createuser`: add a person, optionally with a role in an organisation."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.models import Role
from widen.accounts.services import membership_set, user_create
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation


class Command(BaseCommand):
    help = "Add a person who can sign in to Widen. They set up MFA when they first sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--organisation", help="Organisation UKPRN, URN or exact name.")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--staff", action="store_true", help="May open the admin site.")
        parser.add_argument("--superuser", action="store_true")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["organisation"]) != bool(options["role"]):
            raise CommandError("Give --organisation and --role together.")
        organisation = None
        if options["organisation"]:
            key = options["organisation"]
            organisation = (
                Organisation.objects.filter(ukprn=key).first()
                or Organisation.objects.filter(urn=key).first()
                or Organisation.objects.filter(name=key).first()
            )
            if organisation is None:
                raise CommandError(f"No organisation has the UKPRN, URN or name {key!r}.")
        if options["password_stdin"]:
            import sys  # noqa: PLC0415

            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
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
