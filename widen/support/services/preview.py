"""Before a scheme's rules change: who would gain or lose eligibility, course by course."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from widen.accounts.capabilities import is_system, require_actor
from widen.core.small_numbers import count_text
from widen.organisations.models import DataCategory
from widen.students.permissions import student_policy
from widen.support.criteria import STUDENT_CRITERIA
from widen.support.frames import area_profiles_refresh, student_frame
from widen.support.models import Scheme
from widen.support.services.schemes import (
    check_scheme_lawful,
    reads_areas,
    require_manager,
    scheme_results,
)
from widen.targeting.criteria import describe_definition
from widen.targeting.rule_sets.frames import columns_needed

NO_COURSE = "No course recorded"


@dataclass(frozen=True)
class CourseChange:
    course: str
    students: int
    eligible_now: int
    eligible_after: int
    gained: int  # students not eligible now who would be
    lost: int  # students eligible now who would not be

    @property
    def gained_text(self) -> str:
        return count_text(self.gained)

    @property
    def lost_text(self) -> str:
        return count_text(self.lost)


@dataclass(frozen=True)
class SchemePreview:
    description: str
    students: int
    gain: int
    lose: int
    courses: list[CourseChange]

    @property
    def gain_text(self) -> str:
        return count_text(self.gain)

    @property
    def lose_text(self) -> str:
        return count_text(self.lose)


def scheme_rule_preview(
    scheme: Scheme, definition: Mapping[str, Any], *, actor: Any
) -> SchemePreview:
    """How many students, course by course, would gain or lose eligibility if `definition`
    replaced the scheme's current rules. Nothing about the scheme is saved.

    Only the students `actor` may see count, with their special category data when either
    definition reads it: a count never tells a person about students they may not see (the
    system counts everyone). Counts under five are shown as "fewer than 5"."""
    require_actor(actor)
    scheme = require_manager(actor, scheme)
    special = check_scheme_lawful(
        definition, purpose=scheme.purpose, condition=scheme.special_category_condition
    )
    current = scheme.current_version
    definitions = [definition, *([current.definition] if current else [])]
    within = None
    if not is_system(actor):
        reads_special = special or (current is not None and current.uses_special_category)
        within = student_policy.visible_to(
            actor, needing=DataCategory.SPECIAL_CATEGORY if reads_special else None
        )
    columns = columns_needed(*definitions, criteria=STUDENT_CRITERIA)
    if reads_areas(columns):
        area_profiles_refresh(scheme.organisation_id)
    students = student_frame(scheme.organisation_id, columns=columns, within=within)
    after = scheme_results(definition, students).select(
        "student_id", pl.col("eligible").alias("after")
    )
    if current is not None:
        before = scheme_results(current.definition, students).select(
            "student_id", pl.col("eligible").alias("before")
        )
    else:
        before = students.select("student_id", pl.lit(False).alias("before"))
    changes = (
        students.select("student_id", pl.col("course").fill_null("").alias("course"))
        .join(after, on="student_id")
        .join(before, on="student_id")
    )
    by_course = (
        changes.group_by("course")
        .agg(
            pl.len().alias("students"),
            pl.col("before").sum().alias("before"),
            pl.col("after").sum().alias("after"),
            (pl.col("after") & ~pl.col("before")).sum().alias("gained"),
            (~pl.col("after") & pl.col("before")).sum().alias("lost"),
        )
        .filter((pl.col("gained") > 0) | (pl.col("lost") > 0))
    )
    courses = sorted(
        (
            CourseChange(
                course=row["course"] or NO_COURSE,
                students=row["students"],
                eligible_now=row["before"],
                eligible_after=row["after"],
                gained=row["gained"],
                lost=row["lost"],
            )
            for row in by_course.iter_rows(named=True)
        ),
        key=lambda change: (-(change.gained + change.lost), change.course),
    )
    return SchemePreview(
        description=describe_definition(definition, criteria=STUDENT_CRITERIA),
        students=changes.height,
        gain=int((changes["after"] & ~changes["before"]).sum()),
        lose=int((~changes["after"] & changes["before"]).sum()),
        courses=courses,
    )
