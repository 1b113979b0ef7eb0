"""Counts by target status: for each rule set, learners engaged by whether it is for them, and
by school the learners it is for and how many of them are engaged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, OuterRef, Subquery, Sum

from widen.learners.models import equality_monitoring_condition
from widen.reporting.models import LearnerEngagement, TargetCount, TargetDimension
from widen.reporting.summaries.counts import (
    KeptCounts,
    Snapshot,
    Tally,
    counts_apply,
    key_text,
)
from widen.targeting.models import LearnerEligibility, RuleSet


def _target_contributions(
    learners: Iterable[tuple[Any, ...]],
    results: dict[tuple[Any, Any], bool],
    rule_sets: dict[Any, list[Any]],
) -> dict[tuple[Any, str, str], Tally]:
    """What these learners' summary rows add to the counts of their partnerships' rule sets."""
    tallies: dict[tuple[Any, str, str], Tally] = {}
    for partnership, learner, school, _, hours, sessions, *_ in learners:
        for rule_set in rule_sets.get(partnership, []):
            eligible = results.get((rule_set, learner))
            if eligible is None:
                continue  # not worked out: counted as the rest of those engaged
            key = (rule_set, TargetDimension.ENGAGED, "yes" if eligible else "no")
            tallies.setdefault(key, Tally()).add(1, hours, sessions)
            if eligible:
                key = (rule_set, TargetDimension.ELIGIBLE_ENGAGED, key_text(school))
                tallies.setdefault(key, Tally()).add(1, hours, sessions)
    return tallies


def target_counts_apply(learner_ids: Sequence[Any], before: Snapshot, after: Snapshot) -> None:
    """Move the counts of every current rule set of these learners' partnerships."""
    partnerships = {row[0] for row in (*before.learners, *after.learners)}
    if not partnerships:
        return
    # Locked: a rule set's counts being worked out again wait for this change, and this for them.
    held = list(
        RuleSet.objects.select_for_update()
        .filter(partnership_id__in=partnerships)
        .order_by("pk")
        .values_list("pk", "partnership_id")
    )
    current = set(
        TargetCount.objects.filter(
            rule_set_id__in=[pk for pk, _ in held], dimension=TargetDimension.CURRENT
        ).values_list("rule_set_id", flat=True)
    )
    if not current:
        return
    rule_sets: dict[Any, list[Any]] = {}
    for pk, partnership in held:
        if pk in current:
            rule_sets.setdefault(partnership, []).append(pk)
    results = {
        (rule_set, learner): eligible
        for rule_set, learner, eligible in LearnerEligibility.objects.filter(
            equality_monitoring_condition("learner"),
            rule_set_id__in=list(current),
            learner_id__in=learner_ids,
        ).values_list("rule_set_id", "learner_id", "eligible")
    }
    counts_apply(
        TargetCount,
        "rule_set",
        _target_contributions(before.learners, results, rule_sets),
        _target_contributions(after.learners, results, rule_sets),
    )


TARGET_COUNTS = KeptCounts(TargetCount, "rule_set", {"dimension": TargetDimension.CURRENT})


def target_counts_forget(rule_set_id: Any) -> None:
    """The rule set's results changed (targeting's hook): its counts are worked out again the
    next time they are shown."""
    TARGET_COUNTS.forget(rule_set_id)


def target_counts_current(rule_set: RuleSet) -> None:
    """Make sure the rule set's counts match its results and the summaries: if they were
    forgotten, work them out again (two GROUP BYs over its results)."""
    TARGET_COUNTS.make_current(rule_set, lambda: _target_counts(rule_set))


def _target_counts(rule_set: RuleSet) -> list[TargetCount]:
    def count(dimension: str, key: str, tally: Tally) -> TargetCount:
        return TargetCount(rule_set=rule_set, dimension=dimension, key=key, **tally.fields())

    counted = [TargetCount(rule_set=rule_set, dimension=TargetDimension.CURRENT)]
    # An equality breakdown: only learners in equality monitoring (not objecting, not restricted)
    # are counted by target status; the others count with those not worked out, so the learners
    # engaged add up to the same total as the reach page.
    monitored = LearnerEligibility.objects.filter(equality_monitoring_condition("learner"))
    eligible_by_school = (
        monitored.filter(rule_set=rule_set, eligible=True)
        .order_by()
        .values_list("learner__school_id")
        .annotate(engaged=Count("learner_id"))
    )
    counted.extend(
        count(TargetDimension.ELIGIBLE, key_text(school), Tally(learners))
        for school, learners in eligible_by_school
    )
    status = Subquery(
        monitored.filter(rule_set=rule_set, learner_id=OuterRef("learner_id")).values("eligible")[
            :1
        ]
    )
    engaged = (
        LearnerEngagement.objects.filter(partnership_id=rule_set.partnership_id)
        .annotate(eligible=status)
        .exclude(eligible=None)
        .order_by()
        .values_list("eligible", "school_id")
        .annotate(engaged=Count("pk"), total_hours=Sum("hours"), session_count=Sum("sessions"))
    )
    by_status: dict[str, Tally] = {}
    for eligible, school, learners, hours, sessions in engaged:
        by_status.setdefault("yes" if eligible else "no", Tally()).add(learners, hours, sessions)
        if eligible:
            counted.append(
                count(
                    TargetDimension.ELIGIBLE_ENGAGED,
                    key_text(school),
                    Tally(learners, hours, sessions),
                )
            )
    counted.extend(count(TargetDimension.ENGAGED, key, tally) for key, tally in by_status.items())
    return counted
