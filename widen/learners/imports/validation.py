"""Checking every cell of a pupil list at once (Polars), before anything is written.

Each check is a column expression (`widen.learners.imports.cells`), so 100,000 rows take about as
long as a handful: no Python loop per row.

The result is the clean rows, typed and normalised, and every problem as (row, column, reason).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from widen.core.academic_years import AcademicYear
from widen.core.names import folded
from widen.core.tabular import Table
from widen.learners.imports.cells import SCHOOL_URN, cell_checks
from widen.learners.imports.columns import COLUMNS_BY_FIELD, IGNORE, ColumnChoice
from widen.learners.matching import identity_key_expr

ROW = "_row"
CONTENT = "_content"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str


@dataclass
class ValidatedRows:
    clean: pl.DataFrame  # ROW, CONTENT and one typed column per imported field
    problems: list[Problem]
    duplicates: dict[int, int]  # row → the earlier row it repeats exactly
    fields: list[str]  # the stored fields the file gives
    rows_total: int


def validate_table(
    table: Table,
    choices: Sequence[ColumnChoice],
    *,
    today: date,
    academic_year: AcademicYear,
    schools_by_urn: Mapping[str, str] | None = None,
    default_school_id: str | None = None,
) -> ValidatedRows:
    """Check every cell; return the clean rows and every problem by row, column and reason.

    A "School URN" column (a list covering several schools) gives each row's school: it must be
    one of `schools_by_urn` (URN → school id: the schools the organisation imports pupils for),
    and becomes the row's `school_id` (`default_school_id` where the cell is empty)."""
    # One column per field: two columns claiming one field are a column problem the person
    # settles before rows are checked; here the first wins.
    claimed: set[str] = set()
    imported = []
    for index, choice in enumerate(choices):
        if choice.field != IGNORE and choice.field not in claimed:
            claimed.add(choice.field)
            imported.append((index, choice))
    columns = table.columns()
    heading_of = {choice.field: choice.heading for _, choice in imported}
    frame = pl.DataFrame(
        {
            ROW: pl.Series(ROW, table.row_numbers, dtype=pl.Int64),
            **{
                choice.field: pl.Series(choice.field, columns[index], dtype=pl.String)
                for index, choice in imported
            },
        }
    )
    fields = [choice.field for _, choice in imported]
    cleaned = frame.with_columns(
        [pl.col(field).str.strip_chars().replace("", None).alias(field) for field in fields]
    )
    typed_columns: list[pl.Expr] = []
    reason_columns: list[pl.Expr] = []
    for field in fields:
        typed, reason = cell_checks(field, pl.col(field), today=today, required=True)
        typed_columns.append(typed.alias(field))
        reason_columns.append(reason.alias(f"{field}__reason"))
    checked = cleaned.select(pl.col(ROW), *typed_columns, *reason_columns)

    if "year_group" in fields and "date_of_birth" in fields:
        dob = pl.col("date_of_birth")
        cohort = dob.dt.year() - (dob.dt.month() < 9).cast(pl.Int32)
        derived = academic_year.start_year - cohort - 5
        mismatch = (
            pl.col("year_group__reason").is_null()
            & pl.col("date_of_birth__reason").is_null()
            & pl.col("year_group").is_not_null()
            & dob.is_not_null()
            & (pl.col("year_group") != derived)
        )
        checked = checked.with_columns(
            pl.when(mismatch)
            .then(
                pl.format(
                    "says Year {}, but the date of birth puts this learner in Year {} in {}: "
                    "check the date of birth (or leave the year group empty).",
                    pl.col("year_group"),
                    derived,
                    pl.lit(str(academic_year)),
                )
            )
            .otherwise(pl.col("year_group__reason"))
            .alias("year_group__reason")
        )

    if SCHOOL_URN in fields:
        known = dict(schools_by_urn or {})
        urn = pl.col(SCHOOL_URN)
        checked = checked.with_columns(
            pl.when(
                pl.col(f"{SCHOOL_URN}__reason").is_null()
                & urn.is_not_null()
                & ~urn.is_in(sorted(known))
            )
            .then(
                pl.format(
                    "{} is not the URN of a school whose pupils this organisation imports: "
                    "check the URN, or add the school to the partnership first.",
                    urn,
                )
            )
            .otherwise(pl.col(f"{SCHOOL_URN}__reason"))
            .alias(f"{SCHOOL_URN}__reason"),
            urn.replace_strict(known, default=None, return_dtype=pl.String)
            .fill_null(pl.lit(default_school_id, dtype=pl.String))
            .alias("school_id"),
        )

    problems: list[Problem] = []
    for field in fields:
        failing = checked.filter(pl.col(f"{field}__reason").is_not_null()).select(
            ROW, f"{field}__reason"
        )
        problems.extend(
            Problem(row, heading_of[field], reason) for row, reason in failing.iter_rows()
        )
    reason_names = [f"{field}__reason" for field in fields]
    stored = [f for f in fields if COLUMNS_BY_FIELD[f].stored]
    if SCHOOL_URN in fields:
        stored.append("school_id")
    valid = checked.filter(pl.all_horizontal(pl.col(reason_names).is_null())).select(ROW, *stored)
    valid, duplicates, duplicate_problems = _in_file_duplicates(valid, stored)
    problems.extend(duplicate_problems)
    problems.sort(key=lambda problem: (problem.row, problem.column))
    return ValidatedRows(
        clean=valid,
        problems=problems,
        duplicates=duplicates,
        fields=stored,
        rows_total=len(table.rows),
    )


def _listed(labels: list[str]) -> str:
    """'date of birth', 'UPN and home postcode', 'a, b and c'."""
    labels = [label.replace("upn", "UPN").replace("uln", "ULN") for label in labels] or ["details"]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _in_file_duplicates(
    valid: pl.DataFrame, fields: list[str]
) -> tuple[pl.DataFrame, dict[int, int], list[Problem]]:
    """Rows for the same learner: exact repeats are skipped; conflicting ones are all rejected."""
    if valid.is_empty() or not fields:
        return valid, {}, []
    has_upn = "upn" in fields
    has_name_key = {"first_name", "last_name", "date_of_birth"} <= set(fields)
    # Names are compared as `fold_name` writes them: two rows that differ only in the case or
    # accents of a name are one pupil written twice.
    compared = [
        folded(pl.col(name)).alias(name)
        if name in COLUMNS_BY_FIELD and COLUMNS_BY_FIELD[name].kind == "name"
        else pl.col(name)
        for name in fields
    ]
    keyed = valid.with_columns(
        pl.struct(compared).hash().alias(CONTENT),
        (
            identity_key_expr(postcode="home_postcode" in fields)
            if has_name_key
            else pl.lit(None, dtype=pl.String)
        ).alias("_name_key"),
        (pl.col("upn") if has_upn else pl.lit(None, dtype=pl.String)).alias("_upn_key"),
    )
    duplicates: dict[int, int] = {}
    problems: list[Problem] = []
    rejected: set[int] = set()
    groups = [
        ("_upn_key", "the same UPN"),
        ("_name_key", "the same name, date of birth and postcode"),
    ]
    for key, described in groups:
        subject = keyed.filter(pl.col(key).is_not_null() & ~pl.col(ROW).is_in(list(duplicates)))
        if key == "_name_key" and has_upn:
            # Rows with different UPNs are different pupils, even with the same name and birthday.
            subject = subject.filter(
                pl.col("_upn_key").is_null()
                | (pl.col("_upn_key").n_unique().over("_name_key") == 1)
            )
        repeated = subject.filter(pl.len().over(key) > 1)
        if repeated.is_empty():
            continue
        summary = repeated.group_by(key).agg(
            pl.col(ROW).sort().alias("rows"),
            pl.col(CONTENT).n_unique().alias("versions"),
            *(
                (compared_field.n_unique() > 1).alias(f"_differs_{name}")
                for name, compared_field in zip(fields, compared, strict=True)
            ),
        )
        for rows, versions, *differs in summary.select(
            "rows", "versions", *(f"_differs_{name}" for name in fields)
        ).iter_rows():
            if versions == 1:
                for row in rows[1:]:
                    duplicates[row] = rows[0]
                continue
            listed = ", ".join(str(row) for row in rows)
            differing = [
                (COLUMNS_BY_FIELD[name].label if name in COLUMNS_BY_FIELD else "school").lower()
                for name, differs_here in zip(fields, differs, strict=True)
                if differs_here
            ]
            for row in rows:
                if row in rejected:
                    continue
                rejected.add(row)
                problems.append(
                    Problem(
                        row,
                        "(row)",
                        f"Rows {listed} have {described} but differ in their "
                        f"{_listed(differing)}: keep the right one and remove the others.",
                    )
                )
    drop = set(duplicates) | rejected
    clean = keyed.filter(~pl.col(ROW).is_in(sorted(drop))).drop("_name_key", "_upn_key")
    return clean, duplicates, problems
