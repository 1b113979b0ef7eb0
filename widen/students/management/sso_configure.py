"""`widen students sso-configure --provider ORG ...`: a provider's own single sign-on for its
students (OpenID Connect), set, shown or taken away, as Widen itself.

widen students sso-configure --provider ORG --issuer URL --client-id ID
    (--client-secret-file PATH | --client-secret-stdin) [--name NAME]
                                set it, or change it, once the issuer's discovery document checks
                                out (nothing is saved otherwise)
widen students sso-configure --provider ORG --show
                                what is saved (the secret never shown)
widen students sso-configure --provider ORG --remove
                                take it away: the provider's students sign in by link again

The secret is read from a file (its first line) or standard input, never from the command line,
where other users of the machine and the shell's history would see it. Every change is audited.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser, OutputWrapper

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.organisations.selectors import organisation_by_reference
from widen.students.mine.single_sign_on_setup import (
    provider_sign_on_remove,
    provider_sign_on_set,
    provider_sign_on_show,
)

ACTION = "sso-configure"
UNUSABLE = 2


def add_parser(actions: Any) -> None:
    parser: CommandParser = actions.add_parser(
        ACTION,
        help="set, show or remove a provider's single sign-on for its students (OpenID Connect)",
    )
    parser.add_argument(
        "--provider", required=True, help="Id or UKPRN (or exact name) of the HE provider."
    )
    doing = parser.add_mutually_exclusive_group()
    doing.add_argument(
        "--show", action="store_true", help="Show what is saved (never the client secret)."
    )
    doing.add_argument(
        "--remove", action="store_true", help="Take the provider's single sign-on away."
    )
    parser.add_argument(
        "--issuer",
        default="",
        help="The provider's issuer, https://… (its discovery document "
        "is at ISSUER/.well-known/openid-configuration).",
    )
    parser.add_argument("--client-id", default="", help="The client id Widen is registered as.")
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument(
        "--client-secret-file",
        default="",
        help="Read the client secret from this file's first line.",
    )
    secret.add_argument(
        "--client-secret-stdin",
        action="store_true",
        help="Read the client secret from standard input's first line.",
    )
    parser.add_argument(
        "--name",
        default="",
        help="The app's name in the admin site (the provider's, unless given).",
    )


def _secret(options: dict[str, Any], stdin: TextIO) -> str:
    if options["client_secret_file"]:
        path = Path(options["client_secret_file"])
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                f"Cannot read the client secret file {path}: "
                f"{getattr(error, 'strerror', None) or 'it is not UTF-8 text'}.",
                returncode=UNUSABLE,
            ) from error
        secret, where = (lines[0] if lines else ""), f"the first line of {path}"
    elif options["client_secret_stdin"]:
        secret, where = stdin.readline().rstrip("\r\n"), "standard input"
    else:
        raise CommandError(
            "Give the client secret with --client-secret-file PATH (its first line) or "
            "--client-secret-stdin: never on the command line.",
            returncode=UNUSABLE,
        )
    if not secret.strip():
        raise CommandError(f"The client secret on {where} is empty.", returncode=UNUSABLE)
    return secret


def run(options: dict[str, Any], stdout: OutputWrapper, stdin: TextIO | None = None) -> None:
    organisation = organisation_by_reference(options["provider"])
    if organisation is None:
        raise CommandError(
            f"No organisation has the id, UKPRN or name {options['provider']!r}.",
            returncode=UNUSABLE,
        )
    setting = not (options["show"] or options["remove"])
    given = [
        flag
        for flag, value in (
            ("--issuer", options["issuer"]),
            ("--client-id", options["client_id"]),
            ("--client-secret-file", options["client_secret_file"]),
            ("--client-secret-stdin", options["client_secret_stdin"]),
            ("--name", options["name"]),
        )
        if value
    ]
    if not setting and given:
        raise CommandError(
            f"{' '.join(given)} go with setting the sign-on, not with "
            f"{'--show' if options['show'] else '--remove'}.",
            returncode=UNUSABLE,
        )
    if setting and not (options["issuer"] and options["client_id"]):
        raise CommandError(
            "Give --issuer and --client-id (and the client secret), or --show, or --remove.",
            returncode=UNUSABLE,
        )
    actor = system_actor(f"widen students {ACTION}")
    with request_context.bind(actor=actor, source="cli"):
        try:
            if options["show"]:
                shown = provider_sign_on_show(organisation=organisation)
                lines = (
                    shown.lines()
                    if shown
                    else [
                        f"{organisation.name} has no single sign-on: its students sign in by link."
                    ]
                )
                for line in lines:
                    stdout.write(line)
                return
            if options["remove"]:
                removed = provider_sign_on_remove(organisation=organisation)
                stdout.write(
                    f"Removed the single sign-on of {organisation.name}: its students sign in "
                    "by link."
                    if removed
                    else f"{organisation.name} had no single sign-on: nothing changed."
                )
                return
            secret = _secret(options, stdin or sys.stdin)
            saved, changed = provider_sign_on_set(
                organisation=organisation,
                issuer=options["issuer"],
                client_id=options["client_id"],
                secret=secret,
                name=options["name"],
            )
        except ApplicationError as error:
            raise CommandError(error.message, returncode=UNUSABLE) from error
    stdout.write(
        f"Saved the single sign-on of {organisation.name}: the students' sign-in page shows "
        f'"Sign in with {organisation.name}".'
        if changed
        else f"The single sign-on of {organisation.name} was already so: nothing changed."
    )
    for line in saved.lines()[1:]:
        stdout.write(line)
