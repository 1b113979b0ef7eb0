"""The summary rows as the database adds them up from attendance: one INSERT … SELECT … GROUP BY
per table, never a loop per attendance row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Min, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractYear

from widen.activities.models import Attendance, AttendanceStatus
from widen.reporting.models import LearnerActivityEngagement, LearnerEngagement

CHUNK = 2_000  # learners refreshed per statement (SQLite binds at most 32,766 values)

ACTIVITY_COLUMNS = (
    "learner_id",
    "activity_id",
    "partnership_id",
    "activity_type_id",
    "delivered_by_id",
    "hours",
    "sessions",
    "first_attended",
    "last_attended",
)
LEARNER_COLUMNS = (
    "learner_id",
    "partnership_id",
    "organisation_id",
    "school_id",
    "birth_cohort",
    "hours",
    "sessions",
    "activities",
    "academic_years",
    "first_attended",
    "last_attended",
)


def academic_year_expression(date_path: str) -> Case:
    """The academic year (its first calendar year) a date falls in: September starts one."""
    return Case(
        When(**{f"{date_path}__month__gte": 9}, then=ExtractYear(date_path)),
        default=ExtractYear(date_path) - Value(1),
        output_field=IntegerField(),
    )


def _attended(learner_ids: Sequence[Any] | None, *grouping: str) -> QuerySet[Any]:
    """These learners' attendance (everyone's, for None), grouped by the paths `grouping`."""
    rows = Attendance.objects.filter(status=AttendanceStatus.ATTENDED)
    if learner_ids is not None:
        rows = rows.filter(learner_id__in=learner_ids)
    return rows.order_by().values_list(*grouping)


def _totals(**between: Any) -> dict[str, Any]:
    """Hours and sessions attended, then `between`, then the first and last dates attended: the
    order of the summary tables' columns."""
    return {
        "total_hours": Sum("session__contact_hours"),
        "session_count": Count("pk"),
        **between,
        "first": Min("session__date"),
        "last": Max("session__date"),
    }


def learner_activity_rows(learner_ids: Sequence[Any] | None = None) -> QuerySet[Any]:
    """One row per learner and activity attended, in the order of `ACTIVITY_COLUMNS`."""
    return _attended(
        learner_ids,
        "learner_id",
        "session__activity_id",
        "session__activity__partnership_id",
        "session__activity__sub_type__activity_type_id",
        "session__activity__delivered_by_id",
    ).annotate(**_totals())


def learner_rows(learner_ids: Sequence[Any] | None = None) -> QuerySet[Any]:
    """One row per learner and partnership, in the order of `LEARNER_COLUMNS`."""
    return (
        _attended(
            learner_ids,
            "learner_id",
            "session__activity__partnership_id",
            "learner__organisation_id",
            "learner__school_id",
        )
        .annotate(cohort=academic_year_expression("learner__date_of_birth"))
        .annotate(
            **_totals(
                activity_count=Count("session__activity_id", distinct=True),
                year_count=Count(academic_year_expression("session__date"), distinct=True),
            )
        )
    )


def insert_select(model: Any, columns: Sequence[str], rows: QuerySet[Any]) -> int:
    """INSERT INTO the model's table the rows the query adds up (the database does the work).

    The statement is the query Django compiles, with its parameters; the table and column names
    come from the model."""
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    names = ", ".join(quote(by_attname[column]) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}",  # noqa: S608 - names from the model, values as parameters
            params,
        )
        return int(cursor.rowcount)


def summary_rows_replace(learner_ids: Sequence[Any] | None = None) -> tuple[int, int]:
    """Replace these learners' summary rows (everyone's, for None) with rows the database adds up
    from their attendance; how many rows of each table (activities, learners) it wrote."""
    for model in (LearnerActivityEngagement, LearnerEngagement):
        rows = model.objects.all()
        if learner_ids is not None:
            rows = rows.filter(learner_id__in=learner_ids)
        rows.delete()
    return (
        insert_select(
            LearnerActivityEngagement, ACTIVITY_COLUMNS, learner_activity_rows(learner_ids)
        ),
        insert_select(LearnerEngagement, LEARNER_COLUMNS, learner_rows(learner_ids)),
    )


def chunks(keys: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]
