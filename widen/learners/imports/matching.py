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
from datetime import date
from typing import Any
from uuid import UUID

import polars as pl
from django.db.models import QuerySet

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


# --- Rows naming learners someone can see (a register; timesheets and awards to come) ---------
#
# The pupil list above matches rows to the learners one organisation holds, to create or update
# them. An import that only names learners (who came to a session) matches each row to one
# learner the person sees by name, by the same keys: the UPN, or the legal first name (or the
# preferred name), last name and date of birth folded by `fold_name`, optionally with the school's
# URN. Unknown and not visible answer the same; a row that could be two learners is refused rather
# than guessed.

UPN = "upn"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
DATE_OF_BIRTH = "date_of_birth"
SCHOOL_URN = "school_urn"
NAMING_FIELDS = (UPN, FIRST_NAME, LAST_NAME, DATE_OF_BIRTH)


@dataclass(frozen=True)
class NamedRow:
    """A row matched to one learner, with what else the row says (say, an attendance mark)."""

    row: int
    learner: Learner
    value: Any


def identity_key(first: str | None, last: str | None, born: date | None) -> tuple[str, str, Any]:
    """How a learner without a UPN is recognised: names folded as `fold_name` (and `name_key`,
    the pupil list's key) folds them, and the date of birth."""
    return (fold_name(first), fold_name(last), born)


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


def _by_upn(learners: QuerySet[Learner], rows: list[dict[str, Any]]) -> dict[str, list[Learner]]:
    by_upn: dict[str, list[Learner]] = defaultdict(list)
    upns = {record[UPN] for record in rows if record.get(UPN)}
    if upns:
        for learner in learners.filter(upn__in=sorted(upns)):
            by_upn[learner.upn].append(learner)
    return by_upn


def _by_identity(
    learners: QuerySet[Learner], rows: list[dict[str, Any]]
) -> dict[tuple[str, str, Any], list[Learner]]:
    """Rows without a UPN: only the names and birthdays of everyone born on those days are read,
    then the learners whose names fit (a file's rows, not the whole partnership)."""
    wanted = {
        identity_key(record[FIRST_NAME], record[LAST_NAME], record[DATE_OF_BIRTH])
        for record in rows
        if not record.get(UPN)
        and record.get(FIRST_NAME)
        and record.get(LAST_NAME)
        and record.get(DATE_OF_BIRTH)
    }
    by_name: dict[tuple[str, str, Any], list[Learner]] = defaultdict(list)
    keys_of: dict[Any, list[tuple[str, str, Any]]] = defaultdict(list)
    if wanted:
        born_on = learners.filter(date_of_birth__in=sorted({key[2] for key in wanted}))
        for key_id, first, preferred, last, born in born_on.values_list(
            "pk", "first_name", "preferred_name", "last_name", "date_of_birth"
        ):
            for name in {fold_name(first), fold_name(preferred)} - {""}:
                if (name, fold_name(last), born) in wanted:
                    keys_of[key_id].append((name, fold_name(last), born))
    if keys_of:
        for learner in learners.filter(pk__in=list(keys_of)):
            for key in keys_of[learner.pk]:
                by_name[key].append(learner)
    return by_name


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
    by_upn = _by_upn(learners, rows)
    by_name = _by_identity(learners, rows)
    for record in rows:
        row = record[ROW]
        if record.get(UPN):
            upn = record[UPN]
            candidates = by_upn.get(upn, [])
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
        key = identity_key(record[FIRST_NAME], record[LAST_NAME], record[DATE_OF_BIRTH])
        urn = record.get(SCHOOL_URN)
        found = list(
            {
                learner.pk: learner
                for learner in by_name.get(key, [])
                if not urn or _urn_of(learner) == urn
            }.values()
        )
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
