"""`widen learners find-duplicates --user USERNAME [--partnership NAME] [--output FILE]`: look
for learners recorded twice, as that person sees them, put the probable pairs in the review
queue, say how many of each kind were found, and (--output) write the waiting pairs as CSV."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.duplicates.finding import DEFAULT_THRESHOLD, PAIR_KINDS
from widen.learners.duplicates.reviews import (
    duplicate_pairs_export,
    duplicates_find,
    partnerships_to_search,
)


class Command(BaseCommand):
    help = "Work with learners: find-duplicates."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        find = actions.add_parser(
            "find-duplicates",
            help="look for learners recorded twice and put the pairs in the review queue",
        )
        find.add_argument(
            "--user",
            required=True,
            metavar="USERNAME",
            help="a partnership or organisation admin: only learners they see by name are "
            "compared, and the pairs wait for their decision",
        )
        find.add_argument(
            "--partnership",
            default="",
            metavar="NAME",
            help="only this partnership (name or id); every one the person administers a "
            "member of, by default",
        )
        find.add_argument(
            "--output",
            default="",
            metavar="FILE",
            help="also write the pairs waiting for the person's decision to this CSV file "
            "(both learners' ids, references and names, the match probability, what agrees "
            "and differs)",
        )
        find.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"the lowest match probability proposed (default {DEFAULT_THRESHOLD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user is called {options['user']!r}.", returncode=2)
        if not 0 < options["threshold"] <= 1:
            raise CommandError("--threshold must be above 0 and at most 1.", returncode=2)
        partnerships = partnerships_to_search(actor).order_by("name")
        if options["partnership"]:
            query = Q(name__iexact=options["partnership"])
            with contextlib.suppress(ValueError):
                query |= Q(pk=UUID(options["partnership"]))
            partnerships = partnerships.filter(query)
        if not partnerships:
            raise CommandError(
                f"{actor.username} is not an admin in any partnership"
                + (f" called {options['partnership']!r}" if options["partnership"] else "")
                + ": only partnership and organisation admins look for duplicates.",
                returncode=2,
            )
        with request_context.bind(actor=actor, source="cli"):
            for partnership in partnerships:
                try:
                    summary = duplicates_find(
                        actor=actor, partnership=partnership, threshold=options["threshold"]
                    )
                except ApplicationError as error:
                    raise CommandError(error.message, returncode=2) from error
                self.stdout.write(
                    f"{partnership.name}: compared {summary.learners_compared:,} learners; "
                    f"{summary.pairs_found:,} probable duplicates ({summary.pairs_new:,} new, "
                    f"{summary.pairs_already_decided:,} decided before); "
                    f"{summary.twins_set_aside:,} pairs that look like twins left out."
                )
                for kind, count in summary.kinds.items():
                    self.stdout.write(f"  {count:,} with {PAIR_KINDS[kind]}")
            if options["output"]:
                content = duplicate_pairs_export(
                    actor=actor,
                    partnership=partnerships[0] if len(partnerships) == 1 else None,
                    purpose="duplicate pairs export (command line)",
                )
                try:
                    Path(options["output"]).write_bytes(content)
                except OSError as error:
                    raise CommandError(
                        f"Could not write {options['output']}: {error.strerror}.", returncode=2
                    ) from error
                pairs = content.count(b"\r\n") - 1
                self.stdout.write(
                    f"{pairs:,} pairs waiting for a decision written to {options['output']}."
                )
