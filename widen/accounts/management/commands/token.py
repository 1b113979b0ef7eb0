"""`widen token create USER [--name NAME]`: a bearer token for the JSON API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.models import ApiToken, User
from widen.accounts.services import api_token_create, api_token_revoke
from widen.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token; it is shown once.")
        create.add_argument("username")
        create.add_argument("--name", default="API token")
        listing = actions.add_parser("list", help="List a person's tokens.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "revoke":
            token = ApiToken.objects.filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError("No such token.")
            api_token_revoke(token=token)
            self.stdout.write(f"Revoked {token.name}.")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        if options["action"] == "list":
            for token in user.api_tokens.all():
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.pk}  {token.name}  {state}  last used {token.last_used_at or 'never'}"
                )
            return
        try:
            _, raw = api_token_create(user=user, name=options["name"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(raw)
        self.stderr.write(
            "Keep this token secret: it is shown only once. "
            "Send it as 'Authorization: Bearer <token>'."
        )
