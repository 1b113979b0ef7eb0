"""Who may see and use what a scheme offers its members (its benefits).

* **A scheme manager** (`Capability.SUPPORT_SCHEMES_MANAGE` at the scheme's provider) sees every
  benefit of their provider's schemes, adds them, changes and withdraws them, and sees who took
  them up (counts only, small numbers hidden).
* **A student** (signed in: `widen.students.mine.selectors.my_students`) sees and uses the
  benefits on offer of the schemes they are a member of, and, once an opportunity's "members
  first" date has passed, that opportunity if it is their provider's. A withdrawn benefit is
  nobody's to use. An event offered to members is seen and booked only this way.

Nobody else sees any of it; a refusal answers like a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from widen.accounts.capabilities import is_person
from widen.core.policy import VIEW, Policy
from widen.students.mine.selectors import my_students
from widen.support.models import Benefit, BenefitKind, MembershipStatus, SchemeMembership
from widen.support.permissions.schemes import MANAGE, scheme_policy

USE = "use"  # a student taking a benefit up: booking its event, taking the opportunity


def benefits_offered_to_me(actor: Any) -> QuerySet[Benefit]:
    """The benefits on offer to a signed-in student: those of the schemes they are a member of,
    and their provider's opportunities no longer for members first."""
    if not is_person(actor):
        return Benefit.objects.none()
    mine = my_students(actor=actor)
    member_of = SchemeMembership.objects.filter(
        student__in=mine, status=MembershipStatus.MEMBER
    ).values("scheme_id")
    open_to_all = Q(
        kind=BenefitKind.OPPORTUNITY,
        members_first_until__lt=timezone.localdate(),
        scheme__organisation_id__in=mine.values("organisation_id"),
    )
    return Benefit.objects.filter(
        Q(scheme_id__in=member_of) | open_to_all, is_active=True, scheme__is_active=True
    )


class BenefitPolicy(Policy[Benefit]):
    actions = frozenset({VIEW, MANAGE, USE})

    def visible_to(self, actor: Any) -> QuerySet[Benefit]:
        managed = Benefit.objects.filter(scheme__in=scheme_policy.visible_to(actor))
        return managed | benefits_offered_to_me(actor)

    def _may(self, actor: Any, action: str, obj: Benefit) -> bool:
        if action == MANAGE:
            return scheme_policy.may(actor, MANAGE, obj.scheme)
        return action == USE and benefits_offered_to_me(actor).filter(pk=obj.pk).exists()


benefit_policy = BenefitPolicy()
