"""Who may see and do what with student support schemes and their memberships.

* **A scheme manager** (`Capability.SUPPORT_SCHEMES_MANAGE`: an HE provider's admins, outreach
  officers and student support advisers) sees and changes their own provider's schemes, their
  rule versions and who is eligible. Another provider's, even in the same partnership, are not
  theirs. Which students a count or a preview reads is still the students' policy
  (`widen.students.permissions.student_policy`), special category data included.

* **A student** (signed in: `widen.students.mine.selectors.my_students`) sees their own
  memberships of schemes, with the evidence they gave, and joins, declines or leaves them. A
  scheme manager sees the scheme's memberships, evidence included, and decides applications.

Nobody else sees any of it, whatever their role. Work done by Widen itself names
`system_actor(...)` and may do everything; a refusal answers like a thing that does not exist.
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
from widen.support.models import Scheme, SchemeMembership, SchemeRuleVersion, StudentEligibility
from widen.support.permissions.providers import (
    holds_at_provider,
    holds_at_some_provider,
    providers_granting,
)

MANAGE = "manage"  # changing a scheme: its details, its rules, working out who is eligible
DECIDE = "decide"  # accepting or refusing an application to join a scheme
RESPOND = "respond"  # a student joining, declining or leaving a scheme


def managed_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose support schemes `actor` manages (every one, for the system)."""
    return providers_granting(actor, Capability.SUPPORT_SCHEMES_MANAGE)


def may_manage_schemes(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` manages support schemes at `organisation` (at any provider, when none)."""
    return holds_at_provider(actor, Capability.SUPPORT_SCHEMES_MANAGE, organisation)


def manages_schemes_somewhere(roles_held: Iterable[tuple[str, str]]) -> bool:
    """Whether someone with these roles (role, organisation type) manages some provider's
    schemes."""
    return holds_at_some_provider(roles_held, Capability.SUPPORT_SCHEMES_MANAGE)


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


class MembershipPolicy(Policy[SchemeMembership]):
    """A membership is seen by the scheme's managers and by the student it is about (with the
    evidence they gave); managers decide applications, and only the student moves their own."""

    actions = frozenset({VIEW, DECIDE, RESPOND})

    def visible_to(self, actor: Any) -> QuerySet[SchemeMembership]:
        managed = SchemeMembership.objects.filter(scheme__in=scheme_policy.visible_to(actor))
        if not is_person(actor):
            return managed
        return managed | SchemeMembership.objects.filter(student__in=my_students(actor=actor))

    def _may(self, actor: Any, action: str, obj: SchemeMembership) -> bool:
        if action == DECIDE:
            return scheme_policy.may(actor, MANAGE, obj.scheme)
        return (
            action == RESPOND
            and is_person(actor)
            and my_students(actor=actor).filter(pk=obj.student_id).exists()
        )


scheme_policy = SchemePolicy()
scheme_rule_version_policy = SchemeRuleVersionPolicy()
student_eligibility_policy = StudentEligibilityPolicy()
membership_policy = MembershipPolicy()
