"""Who may see and do what with bursaries and awards: award schemes, students' awards and their
instalments.

* **An award manager** (`Capability.SUPPORT_AWARDS_MANAGE`: an HE provider's organisation admins
  and student support advisers) sees and changes their own provider's award schemes, offers
  awards to the members of a scheme, sees every award and instalment of those schemes and may
  stop an award. Another provider's, even in the same partnership, are not theirs.

* **A student** (signed in: `widen.students.mine.selectors.my_students`) sees their own awards
  and the instalments of them, and accepts or declines an award offered to them. Nobody else
  answers for them.

Nobody else sees any of it, whatever their role. Widen's own work (`system_actor(...)`: the
daily instalment run, a payment run marked paid) may do everything; a refusal answers like a
thing that does not exist.
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
from widen.support.models import Award, AwardScheme, Instalment
from widen.support.permissions.providers import (
    holds_at_provider,
    holds_at_some_provider,
    providers_granting,
)

MANAGE = "manage"  # changing an award scheme, offering its awards, stopping an award
RESPOND = "respond"  # the student accepting or declining their award


def award_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose awards `actor` manages (every one, for the system)."""
    return providers_granting(actor, Capability.SUPPORT_AWARDS_MANAGE)


def may_manage_awards(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` manages awards at `organisation` (at any provider, when none)."""
    return holds_at_provider(actor, Capability.SUPPORT_AWARDS_MANAGE, organisation)


def manages_awards_somewhere(roles_held: Iterable[tuple[str, str]]) -> bool:
    """Whether someone with these roles (role, organisation type) manages some provider's awards."""
    return holds_at_some_provider(roles_held, Capability.SUPPORT_AWARDS_MANAGE)


class AwardSchemePolicy(Policy[AwardScheme]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[AwardScheme]:
        return AwardScheme.objects.filter(organisation__in=award_providers(actor))

    def _may(self, actor: Any, action: str, obj: AwardScheme) -> bool:
        return action == MANAGE and may_manage_awards(actor, obj.organisation_id)


class AwardPolicy(Policy[Award]):
    """An award is seen by its scheme's managers and by the student it is for; managers stop
    it, and only the student accepts or declines it."""

    actions = frozenset({VIEW, MANAGE, RESPOND})

    def visible_to(self, actor: Any) -> QuerySet[Award]:
        managed = Award.objects.filter(award_scheme__organisation__in=award_providers(actor))
        if not is_person(actor):
            return managed
        return managed | Award.objects.filter(student__in=my_students(actor=actor))

    def _may(self, actor: Any, action: str, obj: Award) -> bool:
        if action == MANAGE:
            return may_manage_awards(actor, obj.award_scheme.organisation_id)
        return (
            action == RESPOND
            and is_person(actor)
            and my_students(actor=actor).filter(pk=obj.student_id).exists()
        )


class InstalmentPolicy(Policy[Instalment]):
    """An award's instalments are seen with the award; only Widen's own work moves them (the
    instalment run, a payment run marked paid) and a manager stopping the award."""

    def visible_to(self, actor: Any) -> QuerySet[Instalment]:
        return Instalment.objects.filter(award__in=award_policy.visible_to(actor))

    def _may(self, actor: Any, action: str, obj: Instalment) -> bool:
        return False


award_scheme_policy = AwardSchemePolicy()
award_policy = AwardPolicy()
instalment_policy = InstalmentPolicy()
