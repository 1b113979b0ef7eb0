"""Who may see and manage rule sets. The one place that decides.

* **See**: a rule set (its name, purpose and conditions) is seen by everyone with a role in a
  member of its partnership; the counts of its results only ever count the learners the person
  may see (`widen.targeting.selectors`).
* **Manage** (`Capability.TARGETING_MANAGE`): the partnership's admins define rule sets, add the
  shipped presets and save new versions.

Work done by Widen itself names `system_actor(...)` and may do everything; a missing actor may
do nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import Capability, holds_in_partnership, is_system
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Partnership
from widen.organisations.permissions import organisation_policy
from widen.targeting.models import RuleSet

MANAGE = "manage"


def partnerships_seen_by(actor: Any) -> QuerySet[Partnership]:
    """The partnerships whose rule sets `actor` sees (every one, for the system)."""
    if is_system(actor):
        return Partnership.objects.all()
    return organisation_policy.partnerships_visible_to(actor)


def may_manage_rule_sets(actor: Any, partnership: Partnership) -> bool:
    return holds_in_partnership(actor, Capability.TARGETING_MANAGE, partnership)


class RuleSetPolicy(Policy[RuleSet]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[RuleSet]:
        return RuleSet.objects.filter(partnership__in=partnerships_seen_by(actor)).select_related(
            "partnership", "agreement"
        )

    def _may(self, actor: Any, action: str, obj: RuleSet) -> bool:
        return self.may(actor, VIEW, obj) and may_manage_rule_sets(actor, obj.partnership)


rule_set_policy = RuleSetPolicy()
