"""Who may see and change the support records of care-experienced and estranged students.

* **A student support adviser** (`Capability.SUPPORT_CASEWORK`, an HE provider's advisers and
  nobody else: not its admins, not its outreach officers) sees and changes the support records
  of their own provider's students, with their identifications and local authority bursaries.
  Another provider's, even a partner's, are not theirs.
* **A student** (signed in: `widen.students.mine.selectors.my_students`) sees their own record
  and may ask not to be contacted about being care experienced or estranged.

Nobody else sees any of it; a refusal answers like a thing that does not exist. Work done by
Widen itself names `system_actor(...)` and may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    is_person,
)
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation
from widen.students.mine.selectors import my_students
from widen.support.models import Identification, LocalAuthorityBursary, SupportRecord
from widen.support.permissions.providers import (
    holds_at_provider,
    holds_at_some_provider,
    providers_granting,
)

ADVISE = "advise"  # an adviser's changes to a record, its identifications and bursaries
ANSWER = "answer"  # the student's own say: not to be contacted about it


def advised_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose students `actor` advises (every one, for the system)."""
    return providers_granting(actor, Capability.SUPPORT_CASEWORK)


def may_advise(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` is a student support adviser at `organisation` (anywhere, when none)."""
    return holds_at_provider(actor, Capability.SUPPORT_CASEWORK, organisation)


def advises_somewhere(roles_held: Iterable[tuple[str, str]]) -> bool:
    """Whether someone with these roles (role, organisation type) advises some provider's
    students."""
    return holds_at_some_provider(roles_held, Capability.SUPPORT_CASEWORK)


class SupportRecordPolicy(Policy[SupportRecord]):
    """A record is seen by its provider's advisers and by the student it is about; advisers
    change it, the student only answers whether they may be contacted about it."""

    actions = frozenset({VIEW, ADVISE, ANSWER})

    def visible_to(self, actor: Any) -> QuerySet[SupportRecord]:
        advised = SupportRecord.objects.filter(organisation__in=advised_providers(actor))
        if not is_person(actor):
            return advised
        return advised | SupportRecord.objects.filter(student__in=my_students(actor=actor))

    def _may(self, actor: Any, action: str, obj: SupportRecord) -> bool:
        if action == ADVISE:
            return may_advise(actor, obj.organisation_id)
        return (
            action == ANSWER
            and is_person(actor)
            and my_students(actor=actor).filter(pk=obj.student_id).exists()
        )


class IdentificationPolicy(Policy[Identification]):
    """Seen with the record; recorded by advisers, never changed afterwards."""

    def visible_to(self, actor: Any) -> QuerySet[Identification]:
        return Identification.objects.filter(record__in=support_record_policy.visible_to(actor))

    def _may(self, actor: Any, action: str, obj: Identification) -> bool:
        return False


class LocalAuthorityBursaryPolicy(Policy[LocalAuthorityBursary]):
    """Seen with the record; expected, chased and received by the provider's advisers."""

    actions = frozenset({VIEW, ADVISE})

    def visible_to(self, actor: Any) -> QuerySet[LocalAuthorityBursary]:
        return LocalAuthorityBursary.objects.filter(
            record__in=support_record_policy.visible_to(actor)
        )

    def _may(self, actor: Any, action: str, obj: LocalAuthorityBursary) -> bool:
        return action == ADVISE and may_advise(actor, obj.record.organisation_id)


support_record_policy = SupportRecordPolicy()
identification_policy = IdentificationPolicy()
local_authority_bursary_policy = LocalAuthorityBursaryPolicy()
