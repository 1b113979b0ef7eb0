"""Before a change is saved: how many learners each school would gain or lose."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from widen.accounts.capabilities import is_system, require_actor
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Organisation
from widen.targeting.criteria import (
    describe_definition,
    evaluate,
    parse_definition,
    uses_special_category,
)
from widen.targeting.models import RuleSet
from widen.targeting.rule_sets.frames import columns_needed, db_key, partnership_learner_frame
from widen.targeting.rule_sets.lawful import check_lawful


@dataclass
class SchoolChange:
    school: str
    learners: int
    eligible_now: int
    eligible_after: int

    @property
    def gained(self) -> int:
        return max(self.eligible_after - self.eligible_now, 0)

    @property
    def lost(self) -> int:
        return max(self.eligible_now - self.eligible_after, 0)


@dataclass
class Preview:
    description: str
    learners: int
    gain: int
    lose: int
    schools: list[SchoolChange]


def rule_set_preview(rule_set: RuleSet, definition: Mapping[str, Any], *, actor: Any) -> Preview:
    """How many learners, school by school, would gain or lose eligibility if this were saved.

    Only the learners `actor` may see count, with their special category data when either
    definition reads it: a count never tells a person about learners they may not see (the
    system counts everyone)."""
    require_actor(actor)
    special = uses_special_category(definition)
    if special:
        check_lawful(rule_set.partnership, definition, rule_set.purpose, rule_set.agreement)
    current = rule_set.current_version
    within = None
    if not is_system(actor):
        reads_special = special or (current is not None and current.uses_special_category)
        within = learner_policy.visible_query(
            actor, needing=DataCategory.SPECIAL_CATEGORY if reads_special else None
        )
    learners = partnership_learner_frame(
        rule_set.partnership,
        columns=columns_needed(definition, *([current.definition] if current else [])),
        within=within,
    )
    after = evaluate(learners.lazy(), parse_definition(definition)).select(
        "learner_id", "school_id", pl.col("eligible").alias("after")
    )
    if current is not None:
        before = evaluate(learners.lazy(), parse_definition(current.definition)).select(
            "learner_id", pl.col("eligible").alias("before")
        )
    else:
        before = learners.lazy().select("learner_id", pl.lit(False).alias("before"))
    changes = after.join(before, on="learner_id").collect()
    gain = int((changes["after"] & ~changes["before"]).sum())
    lose = int((~changes["after"] & changes["before"]).sum())
    by_school = (
        changes.group_by("school_id")
        .agg(
            pl.len().alias("learners"),
            pl.col("before").sum().alias("before"),
            pl.col("after").sum().alias("after"),
            (pl.col("after") & ~pl.col("before")).sum().alias("gained"),
            (~pl.col("after") & pl.col("before")).sum().alias("lost"),
        )
        .filter((pl.col("gained") > 0) | (pl.col("lost") > 0))
    )
    names = {
        db_key(pk): name
        for pk, name in Organisation.objects.filter(
            pk__in=by_school["school_id"].drop_nulls().to_list()
        ).values_list("pk", "name")
    }
    schools = sorted(
        (
            SchoolChange(
                school=names.get(row["school_id"], "No school recorded"),
                learners=row["learners"],
                eligible_now=row["before"],
                eligible_after=row["after"],
            )
            for row in by_school.iter_rows(named=True)
        ),
        key=lambda change: (-(change.gained + change.lost), change.school),
    )
    return Preview(
        description=describe_definition(definition),
        learners=changes.height,
        gain=gain,
        lose=lose,
        schools=schools,
    )
