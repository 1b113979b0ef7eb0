"""Working out a rule set for every learner: one Polars pass and one batch write of what
changed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import IntegerField, TextField
from django.db.models.functions import Cast

from widen.core.bulk import staged_rows
from widen.core.exceptions import ApplicationError
from widen.targeting.criteria import evaluate, parse_definition
from widen.targeting.hooks import eligibility_changed
from widen.targeting.models import LearnerEligibility, RuleSet, RuleSetVersion
from widen.targeting.rule_sets.frames import columns_needed, partnership_learner_frame, query_frame
from widen.targeting.rule_sets.lawful import check_lawful

DELETE_BATCH = 5_000


@dataclass
class EligibilityRun:
    rule_set: RuleSet
    version: RuleSetVersion
    learners: int = 0
    eligible: int = 0
    written: int = 0  # results stored anew (the rest were as stored)
    removed: int = 0  # results of learners the partnership no longer holds
    by_school: dict[str, tuple[int, int]] = field(default_factory=dict)  # school → (eligible, all)

    def summary(self) -> str:
        return (
            f"{self.rule_set} (version {self.version.number}): {self.eligible:,} of "
            f"{self.learners:,} learners eligible"
        )


def eligibility_frame(version: RuleSetVersion, learners: pl.DataFrame) -> pl.DataFrame:
    groups = parse_definition(version.definition)
    return (
        evaluate(learners.lazy(), groups)
        .select("learner_id", "school_id", "eligible", "explanation")
        .collect()
    )


def eligibility_compute(
    rule_set: RuleSet, *, learner_ids: Iterable[Any] | None = None
) -> EligibilityRun:
    """Work out the rule set's current version for the partnership's learners, and store it."""
    version = rule_set.current_version
    if version is None:
        raise ApplicationError(f"{rule_set} has no version to work out.")
    if version.uses_special_category:
        check_lawful(rule_set.partnership, version.definition, rule_set.purpose, rule_set.agreement)
    chosen = None if learner_ids is None else [str(key) for key in learner_ids]
    learners = partnership_learner_frame(
        rule_set.partnership, chosen, columns=columns_needed(version.definition)
    )
    results = eligibility_frame(version, learners).with_columns(
        version_id=pl.lit(version.pk, dtype=pl.Int64)
    )
    stored = _stored_results(rule_set, chosen)
    # Only what changed is written: a learner whose result, reason and version are as stored is
    # left alone, so working a rule set out again after a small change writes little.
    compared = ["learner_id", "eligible", "explanation", "version_id"]
    changed = results.select(compared).join(stored, on=compared, how="anti")
    gone = stored.join(results, on="learner_id", how="anti")
    replaced = changed.join(stored, on="learner_id", how="semi")
    # Nothing stored yet is a whole write too: clearing an empty range is one index seek, where
    # clearing learner by learner would look up every key.
    whole = stored.height == 0 or replaced.height + gone.height > stored.height // 2
    # In key order: the key's index grows at its end instead of all over.
    written = (
        (results if whole else changed)
        .select("learner_id", "eligible", "explanation")
        .sort("learner_id")
    )
    constants = {"rule_set_id": rule_set.pk, "version_id": version.pk}
    with (
        staged_rows(LearnerEligibility, written, constants=constants) as rows,
        transaction.atomic(),
    ):
        # One working-out of a rule set at a time (PostgreSQL; SQLite writes one at a time
        # anyway), and every learner written is cleared first, not only those read as stored:
        # an import's background working-out may have stored them since.
        list(RuleSet.objects.select_for_update().filter(pk=rule_set.pk).values_list("pk"))
        if whole:
            stale = LearnerEligibility.objects.filter(rule_set=rule_set)
            if chosen is not None:
                stale = stale.filter(learner_id__in=chosen)
            stale._raw_delete(stale.db)
        else:
            keys = pl.concat([written["learner_id"], gone["learner_id"]]).to_list()
            for start in range(0, len(keys), DELETE_BATCH):
                stale = LearnerEligibility.objects.filter(
                    rule_set=rule_set, learner_id__in=keys[start : start + DELETE_BATCH]
                )
                stale._raw_delete(stale.db)
        rows.insert()
        if written.height or gone.height:
            eligibility_changed(rule_set.pk)
    run = EligibilityRun(rule_set=rule_set, version=version)
    run.learners = results.height
    run.eligible = int(results["eligible"].sum())
    run.written = written.height
    run.removed = gone.height
    return run


def _stored_results(rule_set: RuleSet, learner_ids: list[str] | None) -> pl.DataFrame:
    """The rule set's stored results (of these learners), keys as the learners' query reads
    them."""
    results = LearnerEligibility.objects.filter(rule_set=rule_set)
    if learner_ids is not None:
        results = results.filter(learner_id__in=learner_ids)
    frame = query_frame(
        results.annotate(
            learner_key=Cast("learner_id", output_field=TextField()),
            eligible_number=Cast("eligible", output_field=IntegerField()),
        ).values_list("learner_key", "eligible_number", "explanation", "version_id"),
        ["learner_id", "eligible", "explanation", "version_id"],
    )
    if frame.is_empty():
        return pl.DataFrame(
            schema={
                "learner_id": pl.Utf8,
                "eligible": pl.Boolean,
                "explanation": pl.Utf8,
                "version_id": pl.Int64,
            }
        )
    return frame.with_columns(
        pl.col("learner_id").cast(pl.Utf8),
        pl.col("eligible").cast(pl.Boolean),
        pl.col("explanation").cast(pl.Utf8),
        pl.col("version_id").cast(pl.Int64),
    )
