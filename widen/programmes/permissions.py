"""Who may see, design and enrol learners on programmes. The one place that decides.

* **See**: a programme is seen by everyone with a role in a member of its partnership.
* **Design** (`Capability.PROGRAMMES_DESIGN`): the partnership's admins design its programmes.
* **Enrol** (`Capability.PROGRAMMES_ENROL`): a member's officers and admins enrol learners on
  the partnership's programmes, record their leaving and re-joining, but only for the learners
  their own organisation holds (never a partner's learner seen under an agreement).

Work done by Widen itself names `system_actor(...)` and may do everything; a missing actor may
do nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import Capability, holds_in_partnership, is_system
from widen.core.policy import VIEW, Policy
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import Partnership
from widen.organisations.permissions import organisation_policy
from widen.programmes.models import Programme

ENROL = "enrol"


def may_design_programmes(actor: Any, partnership: Partnership) -> bool:
    return holds_in_partnership(actor, Capability.PROGRAMMES_DESIGN, partnership)


def may_enrol(actor: Any, partnership: Partnership) -> bool:
    return holds_in_partnership(actor, Capability.PROGRAMMES_ENROL, partnership)


def enrollable_by(actor: Any) -> QuerySet[Learner]:
    """Learners `actor` may enrol, take off and re-join: those held by an organisation in which
    they enrol (never a partner's learner they see under an agreement; everyone, for the
    system)."""
    if is_system(actor):
        return Learner.objects.all()
    return learner_policy.changeable_by(actor, capability=Capability.PROGRAMMES_ENROL)


def may_change_enrolments_of(actor: Any, learner: Learner) -> bool:
    """Whether `actor` enrols `learner`, records their leaving and their re-joining."""
    return enrollable_by(actor).filter(pk=learner.pk).exists()


class ProgrammePolicy(Policy[Programme]):
    actions = frozenset({VIEW, ENROL})

    def visible_to(self, actor: Any) -> QuerySet[Programme]:
        partnerships = (
            Partnership.objects.all()
            if is_system(actor)
            else organisation_policy.partnerships_visible_to(actor)
        )
        return Programme.objects.filter(partnership__in=partnerships).select_related(
            "partnership", "rule_set"
        )

    def _may(self, actor: Any, action: str, obj: Programme) -> bool:
        return self.may(actor, VIEW, obj) and may_enrol(actor, obj.partnership)


programme_policy = ProgrammePolicy()
