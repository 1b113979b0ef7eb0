"""`widen token create USER [--name NAME] [--read-only] [--expires-in DAYS]`: a bearer token for
the JSON API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.accounts.models import ApiToken, User
from widen.accounts.services import (
    API_TOKEN_DEFAULT_DAYS,
    API_TOKEN_MAX_DAYS,
    api_token_create,
    api_token_revoke,
)
from widen.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token; it is shown once.")
        create.add_argument("username")
        create.add_argument("--name", default="API token")
        create.add_argument(
            "--read-only",
            action="store_true",
            help="The token may only read: anything else answers 403.",
        )
        create.add_argument(
            "--expires-in",
            type=int,
            default=API_TOKEN_DEFAULT_DAYS,
            metavar="DAYS",
            help=f"Days until the token stops working, 1 to {API_TOKEN_MAX_DAYS} "
            f"(default {API_TOKEN_DEFAULT_DAYS}).",
        )
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
                expires = token.expires_at.date().isoformat() if token.expires_at else "never"
                self.stdout.write(
                    f"{token.pk}  {token.name}  {token.state.lower()}  {token.scope.lower()}  "
                    f"expires {expires}  last used {token.last_used_at or 'never'}"
                )
            return
        try:
            token, raw = api_token_create(
                user=user,
                name=options["name"],
                read_only=options["read_only"],
                expires_in_days=options["expires_in"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(raw)
        assert token.expires_at is not None
        self.stderr.write(
            f"{token.scope}; expires {token.expires_at:%d %B %Y}. "
            "Keep this token secret: it is shown only once. "
            "Send it as 'Authorization: Bearer <token>'."
        )
