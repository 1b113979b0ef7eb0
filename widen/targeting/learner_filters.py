"""The learner list filtered by a rule set's stored results: eligible or not eligible.

Registered on the learners app's hook (the learners app may not import targeting). A rule set
that reads care experience, disability or ethnicity discloses them: the learner list then
considers only learners whose special category data the person may see.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from widen.learners.hooks import LearnerListFilter, register_learner_list_filter
from widen.learners.models import Learner, processable_condition
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory
from widen.targeting.models import LearnerEligibility, RuleSet, RuleSetVersion
from widen.targeting.permissions import rule_set_policy

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"


def _rule_sets(actor: Any) -> list[RuleSet]:
    return list(rule_set_policy.visible_to(actor).order_by("partnership__name", "name"))


def rule_set_counts_seen_by(actor: Any, rule_sets: list[RuleSet]) -> list[RuleSet]:
    """Each rule set with `eligible` and `worked_out`: how many of the learners `actor` may
    see (see `results_seen_by`) it finds eligible, of how many worked out."""
    for rule_set in rule_sets:
        counts = results_seen_by(actor, rule_set).aggregate(
            eligible=Count("pk", filter=Q(eligible=True)), worked_out=Count("pk")
        )
        rule_set.eligible = counts["eligible"]  # type: ignore[attr-defined]
        rule_set.worked_out = counts["worked_out"]  # type: ignore[attr-defined]
    return rule_sets


def rule_sets_readable_by(actor: Any, rule_sets: list[RuleSet]) -> list[RuleSet]:
    """The rule sets whose results `actor` may count: one that reads care experience,
    disability or ethnicity only for those who may see some learners' special category data."""
    if learner_policy.may_see_any(actor, needing=DataCategory.SPECIAL_CATEGORY):
        return list(rule_sets)
    special = _special([rule_set.pk for rule_set in rule_sets])
    return [rule_set for rule_set in rule_sets if rule_set.pk not in special]


def rule_set_categories(rule_set: RuleSet) -> frozenset[str]:
    """The categories of a learner's data a count of the rule set's results discloses."""
    if _special([rule_set.pk]):
        return frozenset({DataCategory.SPECIAL_CATEGORY})
    return frozenset()


def results_seen_by(actor: Any, rule_set: RuleSet) -> QuerySet[LearnerEligibility]:
    """The rule set's stored results for the learners `actor` may see, with their special
    category data when the rule set reads it: what its counts may count for that person."""
    seen = Learner.objects.processable().filter(
        learner_policy.visible_query(actor, needing=rule_set_categories(rule_set))
    )
    return LearnerEligibility.objects.filter(rule_set=rule_set, learner__in=seen.values("pk"))


def _special(rule_set_ids: list[Any]) -> set[Any]:
    """The rule sets any of whose versions reads special category data."""
    return set(
        RuleSetVersion.objects.filter(
            rule_set__in=rule_set_ids, uses_special_category=True
        ).values_list("rule_set_id", flat=True)
    )


def _parse(value: str) -> tuple[UUID, bool] | None:
    raw_id, _, outcome = value.partition(":")
    if outcome not in (ELIGIBLE, NOT_ELIGIBLE):
        return None
    try:
        return UUID(raw_id), outcome == ELIGIBLE
    except ValueError:
        return None


def eligibility_choices(actor: Any) -> list[tuple[str, str]]:
    rule_sets = _rule_sets(actor)
    special = _special([rule_set.pk for rule_set in rule_sets])
    sees_special = learner_policy.may_see_any(actor, needing=DataCategory.SPECIAL_CATEGORY)
    several = len({rule_set.partnership_id for rule_set in rule_sets}) > 1
    choices = []
    for rule_set in rule_sets:
        if rule_set.pk in special and not sees_special:
            continue
        name = f"{rule_set.name} ({rule_set.partnership.name})" if several else rule_set.name
        choices.append((f"{rule_set.pk}:{ELIGIBLE}", f"{name}: eligible"))
        choices.append((f"{rule_set.pk}:{NOT_ELIGIBLE}", f"{name}: not eligible"))
    return choices


def eligibility_categories(actor: Any, value: str) -> frozenset[str] | None:
    parsed = _parse(value)
    if parsed is None:
        return None
    rule_set_id = parsed[0]
    if not any(rule_set.pk == rule_set_id for rule_set in _rule_sets(actor)):
        return None
    if _special([rule_set_id]):
        return frozenset({DataCategory.SPECIAL_CATEGORY})
    return frozenset()


def eligibility_condition(actor: Any, value: str) -> Q:
    parsed = _parse(value)
    if parsed is None:
        return Q(pk__in=[])
    rule_set_id, eligible = parsed
    # Learners without a stored result (not worked out yet) are neither; a restricted learner's
    # stored result is not used until the restriction is lifted.
    return Q(
        pk__in=LearnerEligibility.objects.filter(
            processable_condition("learner"), rule_set_id=rule_set_id, eligible=eligible
        ).values("learner_id")
    )


register_learner_list_filter(
    LearnerListFilter(
        param="eligibility",
        label="Rule set eligibility",
        any_label="Any",
        choices=eligibility_choices,
        categories=eligibility_categories,
        condition=eligibility_condition,
    )
)
