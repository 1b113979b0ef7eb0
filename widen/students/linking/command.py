"""`widen students link --organisation ORG`: propose, for the provider's students not yet linked,
the learner records that are probably them (the same ULN, then the duplicate finder's linkage),
as Widen itself: among the learner records the provider's own people could see by name (its
own, and those an agreement in force shares identity of). A person confirms each on the page
"Students and their outreach past"."""

from __future__ import annotations

from argparse import _SubParsersAction
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.core.exceptions import NotFound
from widen.organisations.selectors import organisation_by_reference
from widen.students.linking.services import learner_links_propose

UNUSABLE = 2


def add_link_parser(actions: _SubParsersAction[Any]) -> None:
    linking = actions.add_parser(
        "link",
        help="propose the learner records the provider's students probably were, for a person "
        "to confirm",
    )
    linking.add_argument(
        "--organisation", required=True, help="Id, UKPRN or name of the HE provider."
    )


def run_link(command: BaseCommand, options: dict[str, Any]) -> None:
    provider = organisation_by_reference(options["organisation"])
    if provider is None:
        raise CommandError(
            f"No organisation has the id, UKPRN or name {options['organisation']!r}.",
            returncode=UNUSABLE,
        )
    actor = system_actor("widen students link")
    with request_context.bind(actor=actor, source="cli"):
        try:
            summary = learner_links_propose(actor=actor, provider=provider)
        except NotFound as error:
            raise CommandError(
                f"{provider} is not a higher-education provider: it has no students.",
                returncode=UNUSABLE,
            ) from error
    command.stdout.write(summary.text(seen_by="it may see"))
