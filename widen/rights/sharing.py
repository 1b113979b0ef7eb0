"""Who a person's records were shared with: the organisations holding them, the parties to the
data-sharing agreements that let others see them, and the organisations whose staff viewed them.

The subject access export lists them (Art 15(1)(c)); erasure lists them as the recipients to tell
(Art 19)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from widen.audit.models import AccessLogEntry
from widen.learners.models import Learner
from widen.organisations.models import DataSharingAgreement, Organisation
from widen.rights.people import Person


@dataclass(frozen=True)
class SharedWith:
    organisation: str
    organisation_id: str
    how: str


def shared_with(person: Person) -> list[SharedWith]:
    if not person.learner_ids:
        return []
    learners = Learner.objects.filter(pk__in=person.learner_ids).select_related("organisation")
    found: dict[Any, SharedWith] = {}

    def note(organisation: Organisation, how: str) -> None:
        found.setdefault(organisation.pk, SharedWith(str(organisation), str(organisation.pk), how))

    holders = {learner.organisation_id: learner.organisation for learner in learners}
    for organisation in holders.values():
        note(organisation, "holds the record")
    agreements = (
        DataSharingAgreement.objects.filter(parties__in=list(holders))
        .distinct()
        .prefetch_related("parties")
    )
    for agreement in agreements:
        for party in agreement.parties.all():
            note(party, f"a party to the data-sharing agreement '{agreement.title}'")
    viewers = (
        AccessLogEntry.objects.filter(learner_id__in=person.learner_ids)
        .exclude(actor_organisation_id=None)
        .values_list("actor_organisation_id", flat=True)
        .distinct()
    )
    for organisation in Organisation.objects.filter(pk__in=list(viewers)):
        note(organisation, "its staff viewed the record")
    return sorted(found.values(), key=lambda sharing: sharing.organisation)
