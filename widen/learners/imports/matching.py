"""Which rows of a pupil list are learners the organisation already holds.

A row is the learner already held with the same UPN; failing that, with the same legal first and
last name, date of birth and home postcode. Twins (same birthday and address) have different first
names, so they are never taken for each other. A row that could be two learners, or that two rows
claim, is rejected rather than guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import polars as pl
from django.db.models import Q, QuerySet

from widen.core.names import fold_name
from widen.learners.imports.validation import ROW, Problem
from widen.learners.matching import (
    DATE_OF_BIRTH,
    FIRST_NAME,
    LAST_NAME,
    LEARNER,
    UPN,
    identity_matches,
    learners_frame,
    upn_matches,
)
from widen.learners.models import Learner
from widen.organisations.models import Organisation

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


def plan_import(
    clean: pl.DataFrame, fields: list[str], organisation: Organisation, school_id: Any
) -> ImportPlan:
    """Split the clean rows into learners to create, to update and already up to date."""
    problems: list[Problem] = []
    held = learners_frame(Learner.objects.filter(organisation=organisation))
    by_upn = pl.DataFrame(schema={ROW: pl.Int64, LEARNER: pl.String})
    if "upn" in fields:
        by_upn = upn_matches(clean, held, row=ROW)
    unmatched = clean.filter(~pl.col(ROW).is_in(by_upn[ROW].to_list()))
    # Without a postcode column the identity is the name and date of birth alone.
    name_matches = identity_matches(
        unmatched, held, row=ROW, postcode="home_postcode" in fields
    ).join(held.select(LEARNER, pl.col(UPN).alias("held_upn")), on=LEARNER, how="left")
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
        conflicting = name_matches.join(unmatched.select(ROW, UPN), on=ROW, how="left").filter(
            pl.col(UPN).is_not_null() & pl.col("held_upn").is_not_null()
        )
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


# --- Rows naming learners someone can see (a register; timesheets and awards to come) ---------
#
# The pupil list above matches rows to the learners one organisation holds, to create or update
# them. An import that only names learners (who came to a session) matches each row to one
# learner the person sees by name, by the same keys: the UPN, or the legal first name (or the
# preferred name), last name and date of birth folded by `fold_name`, optionally with the school's
# URN. Unknown and not visible answer the same; a row that could be two learners is refused rather
# than guessed.

SCHOOL_URN = "school_urn"
NAMING_FIELDS = (UPN, FIRST_NAME, LAST_NAME, DATE_OF_BIRTH)


@dataclass(frozen=True)
class NamedRow:
    """A row matched to one learner, with what else the row says (say, an attendance mark)."""

    row: int
    learner: Learner
    value: Any


def _urn_of(learner: Learner) -> str:
    return learner.school.urn if learner.school_id and learner.school and learner.school.urn else ""


def _same_person(learner: Learner, record: Mapping[str, Any]) -> bool:
    """Whether the row's names, date of birth and URN (those it gives) fit the learner."""
    first = fold_name(record.get(FIRST_NAME))
    if first and first not in {fold_name(learner.first_name), fold_name(learner.preferred_name)}:
        return False
    if record.get(LAST_NAME) and fold_name(record[LAST_NAME]) != fold_name(learner.last_name):
        return False
    if record.get(DATE_OF_BIRTH) and record[DATE_OF_BIRTH] != learner.date_of_birth:
        return False
    urn = record.get(SCHOOL_URN)
    return not (urn and _urn_of(learner) != urn)


def _candidates(
    learners: QuerySet[Learner], rows: list[dict[str, Any]]
) -> tuple[dict[int, list[Learner]], dict[int, list[Learner]]]:
    """Each row's learners by UPN, and (rows without a UPN) by identity, its first name the
    legal or the preferred one. Only the learners with those UPNs or born on those days are
    read (a file's rows, not the whole partnership)."""
    frame = pl.DataFrame(
        [
            {
                ROW: record[ROW],
                UPN: record.get(UPN) or None,
                FIRST_NAME: None if record.get(UPN) else record.get(FIRST_NAME),
                LAST_NAME: record.get(LAST_NAME),
                DATE_OF_BIRTH: record.get(DATE_OF_BIRTH),
            }
            for record in rows
        ],
        schema={
            ROW: pl.Int64,
            UPN: pl.String,
            FIRST_NAME: pl.String,
            LAST_NAME: pl.String,
            DATE_OF_BIRTH: pl.Date,
        },
    )
    upns = sorted(set(frame[UPN].drop_nulls().to_list()))
    born = sorted(set(frame.filter(pl.col(FIRST_NAME).is_not_null())[DATE_OF_BIRTH].drop_nulls()))
    if not upns and not born:
        return {}, {}
    known = learners_frame(learners, Q(upn__in=upns) | Q(date_of_birth__in=born))
    by_upn = upn_matches(frame, known, row=ROW)
    by_identity = identity_matches(frame, known, row=ROW, preferred_names=True)
    wanted = set(by_upn[LEARNER].to_list()) | set(by_identity[LEARNER].to_list())
    objects = {str(learner.pk): learner for learner in learners.filter(pk__in=sorted(wanted))}

    def grouped(matches: pl.DataFrame) -> dict[int, list[Learner]]:
        of_row: dict[int, list[Learner]] = defaultdict(list)
        for row, learner_id in matches.iter_rows():
            of_row[row].append(objects[learner_id])
        return of_row

    return grouped(by_upn), grouped(by_identity)


def match_named_rows(
    learners: QuerySet[Learner],
    rows: list[dict[str, Any]],
    headings: Mapping[str, str],
    *,
    value: str,
    tell_apart: str,
) -> tuple[list[NamedRow], list[Problem]]:
    """Each row's learner among `learners` (those the person sees by name). `headings` names the
    file's column for each field, for problems; `value` is the row's field carried along;
    `tell_apart` says where two learners with one UPN can be told apart."""
    learners = learners.select_related("school")
    problems: list[Problem] = []
    matched: list[NamedRow] = []
    by_upn, by_identity = _candidates(learners, rows)
    for record in rows:
        row = record[ROW]
        if record.get(UPN):
            upn = record[UPN]
            candidates = by_upn.get(row, [])
            fitting = [learner for learner in candidates if _same_person(learner, record)]
            if not candidates:
                problems.append(
                    Problem(
                        row,
                        headings[UPN],
                        f"No learner you can see by name has the UPN {upn}: check it, or ask the "
                        "partner who holds the learner to share them.",
                    )
                )
            elif not fitting:
                problems.append(
                    Problem(
                        row,
                        "(row)",
                        f"The learner with the UPN {upn} has a different name, date of birth or "
                        "school from this row's: check which is right.",
                    )
                )
            elif len(fitting) > 1:
                problems.append(
                    Problem(
                        row,
                        "(row)",
                        f"{len(fitting)} learners you can see have the UPN {upn} (the same young "
                        f"person recorded by two partners): {tell_apart}",
                    )
                )
            else:
                matched.append(NamedRow(row, fitting[0], record.get(value)))
            continue
        if not (record.get(FIRST_NAME) and record.get(LAST_NAME) and record.get(DATE_OF_BIRTH)):
            problems.append(
                Problem(
                    row,
                    "(row)",
                    "This row does not say who the learner is: give their UPN, or their legal "
                    "first name, last name and date of birth.",
                )
            )
            continue
        urn = record.get(SCHOOL_URN)
        found = [
            learner for learner in by_identity.get(row, []) if not urn or _urn_of(learner) == urn
        ]
        born = record[DATE_OF_BIRTH].strftime("%d/%m/%Y")
        called = f"called {record[FIRST_NAME]} {record[LAST_NAME]}, born {born}"
        if not found:
            at_school = f" at the school with URN {urn}" if urn else ""
            problems.append(
                Problem(
                    row,
                    "(row)",
                    f"No learner you can see by name is {called}{at_school}: check the spelling "
                    "and the date of birth, or add the UPN.",
                )
            )
        elif len(found) > 1:
            problems.append(
                Problem(
                    row,
                    "(row)",
                    f"{len(found)} learners you can see are {called}: add the UPN or the school "
                    "URN so Widen knows which one this is.",
                )
            )
        else:
            matched.append(NamedRow(row, found[0], record.get(value)))
    return matched, problems


def one_row_each(
    matched: list[NamedRow], *, differing: str
) -> tuple[list[NamedRow], list[Problem]]:
    """Rows that name one learner: a repeat saying the same keeps the first row; rows saying
    different things (`differing`: "with different marks") are all refused."""
    by_learner: dict[Any, list[NamedRow]] = defaultdict(list)
    for item in matched:
        by_learner[item.learner.pk].append(item)
    kept: list[NamedRow] = []
    problems: list[Problem] = []
    for items in by_learner.values():
        if len(items) == 1:
            kept.append(items[0])
            continue
        listed = ", ".join(str(item.row) for item in items)
        if len({item.value for item in items}) == 1:
            kept.append(items[0])
            problems.extend(
                Problem(
                    item.row,
                    "(row)",
                    f"Rows {listed} are the same learner: this row repeats row {items[0].row}. "
                    "Remove it.",
                )
                for item in items[1:]
            )
        else:
            problems.extend(
                Problem(
                    item.row,
                    "(row)",
                    f"Rows {listed} are the same learner {differing}: keep the right one and "
                    "remove the others.",
                )
                for item in items
            )
    kept.sort(key=lambda item: item.row)
    return kept, problems
