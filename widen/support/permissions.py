"""Who may see and do what with student support schemes. The one place that decides.

* **A scheme manager** (`Capability.SUPPORT_SCHEMES_MANAGE`: an HE provider's admins, outreach
  officers and student support advisers) sees and changes their own provider's schemes, their
  rule versions and who is eligible. Another provider's, even in the same partnership, are not
  theirs. Which students a count or a preview reads is still the students' policy
  (`widen.students.permissions.student_policy`), special category data included.

Nobody else sees any of it, whatever their role. Work done by Widen itself names
`system_actor(...)` and may do everything; a refusal answers like a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
)
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation, OrganisationType
from widen.support.models import Scheme, SchemeRuleVersion, StudentEligibility

MANAGE = "manage"  # changing a scheme: its details, its rules, working out who is eligible


def managed_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose support schemes `actor` manages (every one, for the system)."""
    providers = Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
    if is_system(actor):
        return providers
    if not is_person(actor):
        return providers.none()
    return organisations_granting(actor, Capability.SUPPORT_SCHEMES_MANAGE).filter(
        organisation_type=OrganisationType.HE_PROVIDER
    )


def may_manage_schemes(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` manages support schemes at `organisation` (at any provider, when none)."""
    if is_system(actor):
        return True
    if organisation is None:
        return managed_providers(actor).exists()
    return (
        holds(actor, Capability.SUPPORT_SCHEMES_MANAGE, organisation)
        and managed_providers(actor).filter(pk=getattr(organisation, "pk", organisation)).exists()
    )


class SchemePolicy(Policy[Scheme]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[Scheme]:
        return Scheme.objects.filter(organisation__in=managed_providers(actor))

    def _may(self, actor: Any, action: str, obj: Scheme) -> bool:
        return action == MANAGE and may_manage_schemes(actor, obj.organisation_id)


class SchemeRuleVersionPolicy(Policy[SchemeRuleVersion]):
    """A scheme's versions are seen with the scheme; none is ever changed."""

    def visible_to(self, actor: Any) -> QuerySet[SchemeRuleVersion]:
        return SchemeRuleVersion.objects.filter(scheme__in=scheme_policy.visible_to(actor))

    def _may(self, actor: Any, action: str, obj: SchemeRuleVersion) -> bool:
        return False


class StudentEligibilityPolicy(Policy[StudentEligibility]):
    """Who is eligible for a scheme is seen with the scheme (the students' own pages and the
    special category data an explanation names stay with the students' policy)."""

    def visible_to(self, actor: Any) -> QuerySet[StudentEligibility]:
        return StudentEligibility.objects.filter(scheme__in=scheme_policy.visible_to(actor))

    def _may(self, actor: Any, action: str, obj: StudentEligibility) -> bool:
        return False


scheme_policy = SchemePolicy()
scheme_rule_version_policy = SchemeRuleVersionPolicy()
student_eligibility_policy = StudentEligibilityPolicy()
