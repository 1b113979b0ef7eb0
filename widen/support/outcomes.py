"""How a scheme's members do beside similar students who were not members.

Two measures, from the student records' statuses and their history of changes:

* **Continuation**: of the students who started at least a year and 15 days ago, those still
  studying or qualified a year and 15 days after they started (the Office for Students'
  measure: enrolled, completed or graduated on that day; interrupted or withdrawn is not).
* **Completion**: of the students whose course was expected to end by today, those who
  completed or graduated.

Members (anyone who joined, including those who later left) are compared with students of the
same provider who never joined, matched exactly on level, mode, year of entry, first in family
and household income band (`widen.evaluation.analysis.match_exact`). The comparison is
empirical, never causal: members chose to join and may differ in ways the records do not show,
so the best standard of evidence it can meet is the Office for Students' Type 2. Counts under
`SMALL_COUNT` read "fewer than 5", and a rate is shown only for a group of at least
`MIN_FOR_RATE` students (HESA's rounding and suppression standard shows no percentage for fewer
than 22.5), so no one can work out the few students behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from widen.core.small_numbers import SMALL_COUNT, count_text
from widen.evaluation.analysis import POST, AnalysisError, group_difference, match_exact
from widen.evaluation.evidence import TYPE_NAMES, characteristic_label
from widen.students.models import StudentStatus

CONTINUATION_DAYS = 365 + 15
MIN_FOR_RATE = 23
CONTINUING = frozenset({StudentStatus.ENROLLED, StudentStatus.COMPLETED, StudentStatus.GRADUATED})
QUALIFIED = frozenset({StudentStatus.COMPLETED, StudentStatus.GRADUATED})
MATCHED_ON = ("level", "mode", "entry_year", "first_in_family", "household_income_band")

STUDENT_COLUMNS = {
    "student_id": pl.String,
    "member": pl.Boolean,
    "status": pl.String,
    "starts_on": pl.Date,
    "expected_end_on": pl.Date,
    "level": pl.String,
    "mode": pl.String,
    "first_in_family": pl.Boolean,
    "household_income_band": pl.String,
}
CHANGE_COLUMNS = {
    "student_id": pl.String,
    "changed_on": pl.Date,
    "status": pl.String,
    "previous_status": pl.String,
}


@dataclass(frozen=True)
class Group:
    """One side of a comparison: how many students, and how many had the outcome."""

    students: int
    with_outcome: int

    @property
    def shown(self) -> bool:
        """Whether the rate may be shown: the group is large enough that its rate tells no one
        who the few with (or without) the outcome are."""
        return self.students >= MIN_FOR_RATE

    @property
    def students_text(self) -> str:
        return count_text(self.students)

    @property
    def rate(self) -> float | None:
        if not self.students or not self.shown:
            return None
        return self.with_outcome / self.students

    @property
    def rate_text(self) -> str:
        rate = self.rate
        if rate is None:
            return "not shown (too few)" if self.students else "no students yet"
        return f"{rate:.0%}"


@dataclass(frozen=True)
class OutcomeComparison:
    measure: str
    definition: str
    members: Group  # every member the measure applies to
    matched_members: Group  # the members matched with a similar non-member
    comparison: Group  # those similar non-members
    difference: float | None  # matched members' rate minus the comparison's, when shown
    ci_low: float | None
    ci_high: float | None
    evidence_type: int
    evidence: str

    @property
    def evidence_label(self) -> str:
        return TYPE_NAMES[self.evidence_type]

    @property
    def difference_text(self) -> str:
        if self.difference is None:
            return "not shown"
        text = f"{self.difference * 100:+.0f} percentage points"
        if self.ci_low is not None and self.ci_high is not None:
            text += (
                f" (95% confidence interval {self.ci_low * 100:+.0f} to {self.ci_high * 100:+.0f})"
            )
        return text


def students_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=STUDENT_COLUMNS)


def changes_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=CHANGE_COLUMNS)


def status_on_days(students: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Each student's status on their own `day` (`student_id`, `day`): the latest change on or
    before it; before their first recorded change, the status that change moved them from; with
    no change recorded, their status now."""
    ordered = changes.sort("student_id", "changed_on")
    latest = students.select("student_id", "day", pl.col("status").alias("status_now")).sort("day")
    on_day = latest.join_asof(
        ordered.sort("changed_on").select("student_id", "changed_on", "status"),
        left_on="day",
        right_on="changed_on",
        by="student_id",
        strategy="backward",
        check_sortedness=False,  # sorted by day above; polars cannot check it within groups
    )
    first = ordered.group_by("student_id").agg(pl.col("previous_status").first().alias("before"))
    return on_day.join(first, on="student_id", how="left").select(
        "student_id",
        pl.coalesce(
            "status",
            pl.when(pl.col("before") != "").then(pl.col("before")),
            "status_now",
        ).alias("status_on_day"),
    )


def _continuation(students: pl.DataFrame, changes: pl.DataFrame, today: date) -> pl.DataFrame:
    started = students.filter(
        pl.col("starts_on").is_not_null()
        & (pl.col("starts_on") <= today - timedelta(days=CONTINUATION_DAYS))
    ).with_columns((pl.col("starts_on") + pl.duration(days=CONTINUATION_DAYS)).alias("day"))
    statuses = status_on_days(started, changes)
    return started.join(statuses, on="student_id").with_columns(
        pl.col("status_on_day").is_in(list(CONTINUING)).alias("outcome")
    )


def _completion(students: pl.DataFrame, today: date) -> pl.DataFrame:
    return students.filter(
        pl.col("expected_end_on").is_not_null() & (pl.col("expected_end_on") <= today)
    ).with_columns(pl.col("status").is_in(list(QUALIFIED)).alias("outcome"))


def _group(frame: pl.DataFrame) -> Group:
    return Group(students=frame.height, with_outcome=int(frame["outcome"].sum() or 0))


def _characteristics(names: Sequence[str]) -> str:
    words = [characteristic_label(name) for name in names]
    return ", ".join(words[:-1]) + " and " + words[-1]


def compare(measure: str, definition: str, population: pl.DataFrame) -> OutcomeComparison:
    """Members against matched non-members on `population`'s `outcome` column."""
    population = population.with_columns(
        pl.col("starts_on").dt.year().alias("entry_year"), pl.col("member").alias("treated")
    ).with_columns(pl.col("student_id").alias("learner_id"))
    members = population.filter(pl.col("member"))
    empty = Group(0, 0)
    try:
        matching = match_exact(population, MATCHED_ON)
    except AnalysisError:
        matching = None
    if matching is None or matching.matched == 0:
        reason = (
            "no members yet"
            if members.is_empty()
            else "no students who were not members are alike enough to compare with"
        )
        return OutcomeComparison(
            measure, definition, _group(members), empty, empty, None, None, None, 0, reason
        )
    pairs = matching.pairs
    matched = population.filter(pl.col("student_id").is_in(pairs["participant_id"].implode()))
    comparison = population.filter(pl.col("student_id").is_in(pairs["comparison_id"].implode()))
    matched_group, comparison_group = _group(matched), _group(comparison)
    matched_on = _characteristics(MATCHED_ON)
    if matching.matched < SMALL_COUNT or not (matched_group.shown and comparison_group.shown):
        return OutcomeComparison(
            measure,
            definition,
            _group(members),
            matched_group,
            comparison_group,
            None,
            None,
            None,
            0,
            f"members were matched with similar students on {matched_on}, but the groups are "
            "too small to show a rate without risking that someone is recognised",
        )
    scores = pl.concat([matched, comparison]).select(
        pl.col("student_id").alias("learner_id"),
        "treated",
        pl.lit(POST).alias("phase"),
        pl.col("outcome").cast(pl.Float64).alias("score"),
    )
    difference = group_difference(scores)
    return OutcomeComparison(
        measure,
        definition,
        _group(members),
        matched_group,
        comparison_group,
        difference.difference,
        difference.ci_low,
        difference.ci_high,
        2,
        f"{matching.matched:,} members were compared with as many students who were not, "
        f"matched exactly on {matched_on}; this does not show that the scheme caused the "
        "difference, because members chose to join and may differ in ways the records do not "
        "show",
    )


def scheme_outcomes(
    students: pl.DataFrame, changes: pl.DataFrame, *, today: date
) -> list[OutcomeComparison]:
    """Continuation and completion of the scheme's members beside similar non-members."""
    return [
        compare(
            "Continuation",
            "still studying or qualified a year and 15 days after starting",
            _continuation(students, changes, today),
        ),
        compare(
            "Completion",
            "completed or graduated, of those whose course was expected to end by today",
            _completion(students, today),
        ),
    ]
