"""Who may see which of the dashboard's figures. The one place that decides.

* **See** a partnership's dashboard (reach and coverage, target learners and cold spots,
  sustained engagement, each table as CSV): everyone with a role in a member of the partnership.
  The figures are counts only, and small ones are withheld (`widen.reporting.selectors`).
* **Count by a rule set**: only the rule sets whose results the person may count; one that reads
  care experience, disability or ethnicity only for those who may see some learners' special
  category data (targeting's rule).
* **Download the monitoring export**: everyone who sees the partnership; its rows hold only the
  learners the person sees, named only where they may see the learner's identity (the learner
  policy decides each row: `widen.reporting.exports`).

Work done by Widen itself names `system_actor(...)` and sees every partnership; a missing actor
sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import is_system
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Partnership
from widen.organisations.permissions import organisation_policy
from widen.programmes.models import Programme
from widen.programmes.permissions import programme_policy
from widen.targeting.learner_filters import rule_sets_readable_by
from widen.targeting.models import RuleSet
from widen.targeting.permissions import rule_set_policy

EXPORT_MONITORING = "export_monitoring"


class ReportingPolicy(Policy[Partnership]):
    """The partnerships whose figures a person sees, and what they may count them by."""

    actions = frozenset({VIEW, EXPORT_MONITORING})

    def visible_to(self, actor: Any) -> QuerySet[Partnership]:
        if is_system(actor):
            return Partnership.objects.all()
        return organisation_policy.partnerships_visible_to(actor)

    def _may(self, actor: Any, action: str, obj: Partnership) -> bool:
        # The export is every member's; what each row shows is the learner policy's answer.
        return self.may(actor, VIEW, obj)

    def rule_sets(self, actor: Any, partnership: Partnership) -> list[RuleSet]:
        """The partnership's rule sets `actor` may count learners by, by name."""
        seen = list(
            rule_set_policy.visible_to(actor).filter(partnership=partnership).order_by("name")
        )
        return seen if is_system(actor) else rule_sets_readable_by(actor, seen)

    def programmes(self, actor: Any, partnership: Partnership) -> list[Programme]:
        """The partnership's programmes whose sustained engagement `actor` sees, by name."""
        return list(
            programme_policy.visible_to(actor).filter(partnership=partnership).order_by("name")
        )


reporting_policy = ReportingPolicy()
