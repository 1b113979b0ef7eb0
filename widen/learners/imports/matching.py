"""Which rows of a pupil list are learners the organisation already holds.

A row is the learner already held with the same UPN; failing that, with the same legal first and
last name, date of birth and home postcode. Twins (same birthday and address) have different first
names, so they are never taken for each other. A row that could be two learners, or that two rows
claim, is rejected rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import polars as pl

from widen.core.names import fold_name
from widen.learners.imports.validation import ROW, Problem, name_key
from widen.learners.models import Learner
from widen.organisations.models import Organisation

LEARNER = "_learner_id"
NAME_FIELDS = frozenset({"first_name", "last_name", "preferred_name"})
ID_BATCH = 2000


@dataclass
class PlannedUpdate:
    row: int
    learner_id: UUID
    changes: dict[str, Any]
    previous: dict[str, Any]


@dataclass
class ImportPlan:
    to_create: pl.DataFrame
    to_update: list[PlannedUpdate]
    unchanged_rows: list[int]
    problems: list[Problem] = field(default_factory=list)


def _held_learners(organisation: Organisation) -> pl.DataFrame:
    rows = Learner.objects.filter(organisation=organisation).values_list(
        "id", "upn", "first_name", "last_name", "date_of_birth", "home_postcode"
    )
    return pl.DataFrame(
        [(str(learner_id), *rest) for learner_id, *rest in rows],
        schema={
            LEARNER: pl.String,
            "held_upn": pl.String,
            "first_name": pl.String,
            "last_name": pl.String,
            "date_of_birth": pl.Date,
            "home_postcode": pl.String,
        },
        orient="row",
    ).with_columns(pl.col("home_postcode").replace("", None))


def plan_import(
    clean: pl.DataFrame, fields: list[str], organisation: Organisation, school_id: Any
) -> ImportPlan:
    """Split the clean rows into learners to create, to update and already up to date."""
    problems: list[Problem] = []
    held = _held_learners(organisation)
    has_postcode = "home_postcode" in fields
    keyed = clean.with_columns(name_key(has_postcode).alias("_name_key"))
    held_keyed = held.with_columns(name_key(True).alias("_name_key"))
    if not has_postcode:
        # Without a postcode column the name key is the name and date of birth alone.
        held_keyed = held_keyed.with_columns(
            name_key(False).alias("_name_key"),
        )

    by_upn = pl.DataFrame(schema={ROW: pl.Int64, LEARNER: pl.String})
    if "upn" in fields:
        by_upn = (
            keyed.filter(pl.col("upn").is_not_null())
            .join(
                held.filter(pl.col("held_upn") != "").select(LEARNER, "held_upn"),
                left_on="upn",
                right_on="held_upn",
            )
            .select(ROW, LEARNER)
        )
    unmatched = keyed.filter(~pl.col(ROW).is_in(by_upn[ROW].to_list()))
    name_matches = unmatched.join(
        held_keyed.select(LEARNER, "_name_key", "held_upn"), on="_name_key"
    )
    ambiguous = name_matches.filter(pl.len().over(ROW) > 1)[ROW].unique().to_list()
    for row in sorted(ambiguous):
        problems.append(
            Problem(
                row,
                "(row)",
                "More than one learner already held has this name, date of birth and postcode: "
                "add the UPN so Widen knows which one this is.",
            )
        )
    name_matches = name_matches.filter(~pl.col(ROW).is_in(ambiguous))
    if "upn" in fields:
        conflicting = name_matches.filter(pl.col("upn").is_not_null() & (pl.col("held_upn") != ""))
        for row, held_upn in conflicting.select(ROW, "held_upn").iter_rows():
            problems.append(
                Problem(
                    row,
                    "(row)",
                    "A learner with this name, date of birth and postcode is already held with "
                    f"another UPN ({held_upn}): check which UPN is right.",
                )
            )
        name_matches = name_matches.filter(~pl.col(ROW).is_in(conflicting[ROW].to_list()))
    matched = pl.concat([by_upn, name_matches.select(ROW, LEARNER)])
    claimed_twice = matched.filter(pl.len().over(LEARNER) > 1)
    for row in sorted(claimed_twice[ROW].to_list()):
        problems.append(
            Problem(
                row,
                "(row)",
                "Another row of this file is the same learner (by UPN, or by name, date of birth "
                "and postcode): keep one of them.",
            )
        )
    matched = matched.filter(~pl.col(ROW).is_in(claimed_twice[ROW].to_list()))
    rejected = {problem.row for problem in problems}
    to_create = clean.filter(
        ~pl.col(ROW).is_in(matched[ROW].to_list()) & ~pl.col(ROW).is_in(sorted(rejected))
    )
    to_update, unchanged = _changes(clean, matched, fields, school_id)
    return ImportPlan(
        to_create=to_create, to_update=to_update, unchanged_rows=unchanged, problems=problems
    )


def _changes(
    clean: pl.DataFrame, matched: pl.DataFrame, fields: list[str], school_id: Any
) -> tuple[list[PlannedUpdate], list[int]]:
    """What each matched row changes; blank cells never erase what is held."""
    if matched.is_empty():
        return [], []
    learner_of_row = dict(matched.select(ROW, LEARNER).iter_rows())
    compared = list(dict.fromkeys([*fields, "school_id"] if school_id else fields))
    current: dict[str, dict[str, Any]] = {}
    ids = list(learner_of_row.values())
    for start in range(0, len(ids), ID_BATCH):
        for values in Learner.objects.filter(id__in=ids[start : start + ID_BATCH]).values(
            "id", *compared
        ):
            current[str(values.pop("id"))] = values
    updates: list[PlannedUpdate] = []
    unchanged: list[int] = []
    rows = clean.filter(pl.col(ROW).is_in(list(learner_of_row))).select(ROW, *fields)
    for record in rows.iter_rows(named=True):
        row = record.pop(ROW)
        learner_id = learner_of_row[row]
        held = current[learner_id]
        if school_id and not record.get("school_id"):
            record["school_id"] = school_id
        changes = {
            name: value
            for name, value in record.items()
            if value is not None and _differs(held.get(name), value, name)
        }
        if changes:
            updates.append(
                PlannedUpdate(
                    row=row,
                    learner_id=UUID(learner_id),
                    changes=changes,
                    previous={name: held.get(name) for name in changes},
                )
            )
        else:
            unchanged.append(row)
    return updates, unchanged


def _differs(held: Any, incoming: Any, name: str = "") -> bool:
    """Whether the row changes the value held. A name written with other capitals, apostrophes
    or without its accents (SIAN for Siân) is the same name and leaves the record as it is."""
    if held in (None, ""):
        return True
    if name in NAME_FIELDS:
        return fold_name(str(held)) != fold_name(str(incoming))
    return str(held) != str(incoming)
