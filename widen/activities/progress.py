"""Each enrolled learner's progress against their programme stage, from the sessions they
attended: complete, on track or behind, and why ("Year 10: no IAG yet, 2.5 of 6 hours")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any
from uuid import UUID

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from widen.activities.models import Attendance, AttendanceStatus, Session
from widen.core.academic_years import AcademicYear
from widen.core.bulk import read_frame
from widen.learners.models import Learner
from widen.programmes.models import ActivityType, Enrolment, Programme, ProgrammeStage

COMPLETE = "complete"
ON_TRACK = "on_track"
BEHIND = "behind"
NO_STAGE = "no_stage"
STATUS_LABELS = {
    COMPLETE: "complete",
    ON_TRACK: "on track",
    BEHIND: "behind",
    NO_STAGE: "no stage for their year group",
}
SHORT_NAMES = {"iag": "IAG", "teacher_cpd": "teacher CPD"}
TEACHING_ENDS = (7, 31)  # the teaching year runs from 1 September to 31 July
SEPTEMBER = 9


@dataclass(frozen=True)
class StageProgress:
    learner_id: Any
    year_group: int
    status: str
    hours: Decimal
    target_hours: Decimal
    missing_types: tuple[str, ...]
    missing_type_ids: tuple[Any, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_complete(self) -> bool:
        return self.status == COMPLETE

    @property
    def reason(self) -> str:
        if self.status == NO_STAGE:
            return f"Year {self.year_group}: the programme has no stage for this year group"
        parts = [f"no {name} yet" for name in self.missing_types]
        parts.append(f"{_hours(self.hours)} of {_hours(self.target_hours)} hours")
        return f"Year {self.year_group}: " + ", ".join(parts)


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def short_name(activity_type: ActivityType) -> str:
    """ "IAG", "mentoring", "campus visits": as a sentence names the type."""
    return SHORT_NAMES.get(activity_type.key, activity_type.name.lower())


def year_elapsed(day: date) -> Decimal:
    """How much of the teaching year has passed on `day` (0 in September, 1 from August)."""
    year = AcademicYear.containing(day)
    ends = date(year.start_year + 1, *TEACHING_ENDS)
    if day >= ends:
        return Decimal(1)
    length = (ends - year.starts_on).days
    return Decimal((day - year.starts_on).days) / Decimal(length)


@dataclass(frozen=True)
class EnrolledProgress:
    """One learner enrolled now, with what the progress page sorts and filters them by. Their
    holder's and school's ids are the database's text for them (`text_id`): tens of thousands
    are read at once, and text needs no converting."""

    learner_id: UUID
    organisation_id: str
    school_id: str | None
    last_name: str
    first_name: str
    stage: StageProgress


def text_id(field: str) -> Cast:
    """A UUID column as the database writes it as text (one form per database engine)."""
    return Cast(field, output_field=CharField())


def _cohort(date_path: str) -> Case:
    """The academic year (its first calendar year) a date falls in, worked out by the database."""
    calendar_year = ExtractYear(date_path)
    return Case(
        When(Q(**{f"{date_path}__month__gte": SEPTEMBER}), then=calendar_year),
        default=calendar_year - 1,
        output_field=IntegerField(),
    )


def _academic_year(programme: Programme, date_path: str) -> Case:
    """The academic year (its first calendar year) a session's date falls in, by comparing it
    with the first days of the years the partnership's sessions span: plain comparisons, which
    SQLite makes without calling back into Python for each row as it does to take a date
    apart."""
    span = Session.objects.filter(activity__partnership=programme.partnership).aggregate(
        first=Min("date"), last=Max("date")
    )
    today = timezone.localdate()
    first = AcademicYear.containing(span["first"] or today).start_year
    last = AcademicYear.containing(span["last"] or today).start_year
    return Case(
        *(
            When(**{f"{date_path}__gte": date(start, SEPTEMBER, 1)}, then=Value(start))
            for start in range(last, first - 1, -1)
        ),
        default=Value(first - 1),
        output_field=IntegerField(),
    )


def read_rows(query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a values_list query straight into Polars: COPY on PostgreSQL, the cursor's
    rows in batches elsewhere; no Django object per value. UUIDs arrive as the database writes
    them as text, as `text_id` has them, without casting them in the query (a cast in a
    grouped query can turn SQLite's plan around)."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (`.none()`) is not sent
        return pl.DataFrame(schema=schema)
    copied = read_frame(sql, params, schema)
    if copied is not None:
        return copied
    chunks = [pl.DataFrame(schema=schema)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(50_000):
            chunks.append(pl.DataFrame(batch, schema=schema, orient="row", strict=False))
    return pl.concat(chunks)


def _cents_from(column: str) -> pl.Expr:
    """Hours added up (a float) as whole hundredths, as `Decimal(f"{hours:.2f}")` has them:
    contact hours have two decimal places, so the sum is within a rounding error of them."""
    return (pl.col(column).fill_null(0.0) * 100).round(0).cast(pl.Int64)


def _hundredths_at_least(value: Decimal) -> int:
    """The fewest whole hundredths of an hour that are not below `value`."""
    return int((value * 100).to_integral_value(rounding=ROUND_CEILING))


def progress_frame(
    programme: Programme,
    *,
    on: date | None = None,
    learner_ids: Iterable[Any] | None = None,
) -> pl.DataFrame:
    """Every learner enrolled now (or these learners) with their progress on `on` (today), one
    row each, worked out in one vectorised pass: `learner_id`, `holder` and `school` (the
    database's text for the ids, `text_id`), `last_name`, `first_name`, `year_group`, `status`,
    `cents` (hours this year counted by their stage, in hundredths), `target_cents` and
    `missing` (the required activity types' ids they have not attended, in the stage's order).

    A fixed number of queries, however many are enrolled: the enrolled learners' few fields, the
    stages, and the hours they attended this academic year added up by the database per learner
    and activity type."""
    day = on or timezone.localdate()
    year = AcademicYear.containing(day)
    enrolments = Enrolment.objects.filter(programme=programme, left_on=None)
    if learner_ids is not None:
        enrolments = enrolments.filter(learner_id__in=list(learner_ids))
    learners = read_rows(
        enrolments.order_by().values_list(
            "learner_id",
            "learner__organisation_id",
            "learner__school_id",
            "learner__last_name",
            "learner__first_name",
            "learner__date_of_birth",
        ),
        {
            "learner_id": pl.String,
            "holder": pl.String,
            "school": pl.String,
            "last_name": pl.String,
            "first_name": pl.String,
            "born": pl.Date,
        },
    )
    stages = list(
        ProgrammeStage.objects.filter(programme=programme).prefetch_related(
            "required_types", "optional_types"
        )
    )
    # Hours per activity type attended this academic year, up to `day`, at the partnership's
    # activities: each session once per learner (a joint session counts once).
    attended = read_rows(
        Attendance.objects.filter(
            learner_id__in=enrolments.values("learner_id"),
            status=AttendanceStatus.ATTENDED,
            session__activity__partnership=programme.partnership,
            session__date__gte=year.starts_on,
            session__date__lte=min(day, year.ends_on),
        )
        .order_by()
        .values("learner_id", kind=F("session__activity__sub_type__activity_type_id"))
        .annotate(hours=Sum("session__contact_hours", output_field=FloatField()))
        .values_list("learner_id", "kind", "hours"),
        {"learner_id": pl.String, "kind": pl.Int64, "hours": pl.Float64},
    )
    elapsed = year_elapsed(day)
    late = elapsed >= Decimal("0.5")
    stage_rows = pl.DataFrame(
        {
            "year_group": [stage.year_group for stage in stages],
            "target_cents": [_hundredths_at_least(stage.target_hours) for stage in stages],
            "behind_below": [
                _hundredths_at_least(stage.target_hours * elapsed) for stage in stages
            ],
            "counts_all": [
                not stage.required_types.all() and not stage.optional_types.all()
                for stage in stages
            ],
        },
        schema={
            "year_group": pl.Int64,
            "target_cents": pl.Int64,
            "behind_below": pl.Int64,
            "counts_all": pl.Boolean,
        },
    )
    counted = pl.DataFrame(
        [
            (stage.year_group, kind.pk)
            for stage in stages
            for kind in {*stage.required_types.all(), *stage.optional_types.all()}
        ],
        schema={"year_group": pl.Int64, "kind": pl.Int64},
        orient="row",
    ).unique()
    required = pl.DataFrame(
        [
            (stage.year_group, kind.pk, place)
            for stage in stages
            for place, kind in enumerate(stage.required_types.all())
        ],
        schema={"year_group": pl.Int64, "kind": pl.Int64, "place": pl.Int64},
        orient="row",
    )
    born = pl.col("born")
    cohort = born.dt.year() - (born.dt.month() < SEPTEMBER).cast(pl.Int32)
    learners = learners.with_columns(
        (year.start_year - cohort.cast(pl.Int64) - 5).alias("year_group")
    ).drop("born")
    groups = learners.select("learner_id", "year_group")
    hours = (
        attended.join(groups, on="learner_id")
        .join(stage_rows.select("year_group", "counts_all"), on="year_group")
        .join(
            counted.with_columns(pl.lit(True).alias("counted")),
            on=["year_group", "kind"],
            how="left",
        )
        .filter(pl.col("counts_all") | pl.col("counted").fill_null(False))
        .group_by("learner_id")
        .agg(pl.col("hours").sum())
    )
    missing = (
        groups.join(required, on="year_group")
        .join(attended.select("learner_id", "kind").unique(), on=["learner_id", "kind"], how="anti")
        .sort("learner_id", "place")
        .group_by("learner_id", maintain_order=True)
        .agg(pl.col("kind").alias("missing"))
    )
    frame = (
        learners.join(stage_rows, on="year_group", how="left")
        .join(hours, on="learner_id", how="left")
        .join(missing, on="learner_id", how="left")
        .with_columns(
            pl.when(pl.col("target_cents").is_null())
            .then(0)
            .otherwise(_cents_from("hours"))
            .alias("cents"),
            pl.col("missing").fill_null(pl.lit([], dtype=pl.List(pl.Int64))),
        )
    )
    lacking = pl.col("missing").list.len() > 0
    return frame.with_columns(
        pl.when(pl.col("target_cents").is_null())
        .then(pl.lit(NO_STAGE))
        .when((pl.col("cents") >= pl.col("target_cents")) & ~lacking)
        .then(pl.lit(COMPLETE))
        .when((pl.col("cents") < pl.col("behind_below")) | (lacking & late))
        .then(pl.lit(BEHIND))
        .otherwise(pl.lit(ON_TRACK))
        .alias("status"),
        pl.col("target_cents").fill_null(0),
    ).select(
        "learner_id",
        "holder",
        "school",
        "last_name",
        "first_name",
        "year_group",
        "status",
        "cents",
        "target_cents",
        "missing",
    )


def rows_from(programme: Programme, frame: pl.DataFrame) -> list[EnrolledProgress]:
    """The rows of `progress_frame` as objects (call it on the few a page shows)."""
    if frame.is_empty():
        return []
    kinds = {
        kind.pk: kind
        for kind in ActivityType.objects.filter(
            pk__in=set(frame.get_column("missing").explode().drop_nulls().to_list())
        )
    }
    targets = {
        stage.year_group: stage.target_hours
        for stage in ProgrammeStage.objects.filter(programme=programme)
    }
    rows = []
    for row in frame.iter_rows(named=True):
        key = UUID(row["learner_id"])
        missing = [kinds[kind] for kind in row["missing"]]
        staged = row["status"] != NO_STAGE
        rows.append(
            EnrolledProgress(
                key,
                row["holder"],
                row["school"],
                row["last_name"],
                row["first_name"],
                StageProgress(
                    key,
                    row["year_group"],
                    row["status"],
                    Decimal(row["cents"]).scaleb(-2) if staged else Decimal(0),
                    targets[row["year_group"]] if staged else Decimal(0),
                    tuple(short_name(kind) for kind in missing),
                    tuple(kind.pk for kind in missing),
                ),
            )
        )
    return rows


def enrolled_progress(
    programme: Programme,
    *,
    on: date | None = None,
    learner_ids: Iterable[Any] | None = None,
) -> list[EnrolledProgress]:
    """The progress of every learner enrolled now (or of these learners) on `on` (today)."""
    return rows_from(programme, progress_frame(programme, on=on, learner_ids=learner_ids))


def programme_progress(
    programme: Programme,
    *,
    on: date | None = None,
    learner_ids: Iterable[Any] | None = None,
) -> dict[Any, StageProgress]:
    """The progress of every learner enrolled now (or of these learners) on `on` (today), by
    learner id."""
    return {
        row.learner_id: row.stage
        for row in enrolled_progress(programme, on=on, learner_ids=learner_ids)
    }


# --- What each learner needs next --------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    session: Session
    activity_type: str


def next_sessions(
    programme: Programme,
    progress: dict[Any, StageProgress],
    *,
    on: date | None = None,
    per_learner: int = 3,
) -> dict[Any, list[Suggestion]]:
    """For each learner not complete: upcoming sessions of the activity types their stage still
    needs (the required types missing, else any type the stage counts) that they can attend:
    for their year group and school, with room, and that they are not already on."""
    day = on or timezone.localdate()
    waiting = {key: stage for key, stage in progress.items() if stage.status in (BEHIND, ON_TRACK)}
    if not waiting:
        return {}
    learners = {learner.pk: learner for learner in Learner.objects.filter(pk__in=list(waiting))}
    stages = {
        stage.year_group: stage
        for stage in ProgrammeStage.objects.filter(programme=programme).prefetch_related(
            "required_types", "optional_types"
        )
    }
    sessions = list(
        Session.objects.filter(activity__partnership=programme.partnership, date__gte=day)
        .select_related("activity__sub_type__activity_type", "school")
        .annotate(places_taken=Count("register"))
        .order_by("date", "starts_at")[:2000]
    )
    on_register: dict[Any, set[Any]] = defaultdict(set)
    for session_id, learner_id in Attendance.objects.filter(
        session__in=sessions, learner_id__in=list(waiting)
    ).values_list("session_id", "learner_id"):
        on_register[learner_id].add(session_id)
    suggestions: dict[Any, list[Suggestion]] = {}
    for key, stage_progress in waiting.items():
        learner = learners[key]
        stage = stages[stage_progress.year_group]
        required = [
            kind
            for kind in stage.required_types.all()
            if short_name(kind) in stage_progress.missing_types
        ]
        wanted = {kind.pk for kind in required} or (
            {kind.pk for kind in stage.required_types.all()}
            | {kind.pk for kind in stage.optional_types.all()}
        )
        found: list[Suggestion] = []
        for session in sessions:
            kind = session.activity.sub_type.activity_type
            if wanted and kind.pk not in wanted:
                continue
            if session.year_groups and stage_progress.year_group not in session.year_groups:
                continue
            if session.school_id is not None and session.school_id != learner.school_id:
                continue
            if session.capacity is not None and session.places_taken >= session.capacity:
                continue
            if session.pk in on_register[key]:
                continue
            found.append(Suggestion(session, kind.name))
            if len(found) >= per_learner:
                break
        suggestions[key] = found
    return suggestions


# --- Sustained engagement ----------------------------------------------------------------------


@dataclass(frozen=True)
class Engagement:
    hours: Decimal
    activities: int
    academic_years: int
    sustained: bool


def _attendance_totals(programme: Programme, learners: Any, *, year: Any) -> Any:
    """For each of `learners` (ids, or a query of them) who attended the partnership's sessions:
    (learner id, hours, activities, distinct `year` values), added up by the database."""
    return (
        Attendance.objects.filter(
            learner_id__in=learners,
            status=AttendanceStatus.ATTENDED,
            session__activity__partnership=programme.partnership,
        )
        .order_by()
        .values("learner_id")
        .annotate(
            hours=Sum("session__contact_hours", output_field=FloatField()),
            activities=Count("session__activity_id", distinct=True),
            years=Count(year, distinct=True),
        )
        .values_list("learner_id", "hours", "activities", "years")
    )


def sustained_engagement(
    programme: Programme, learner_ids: Iterable[Any] | None = None
) -> dict[Any, Engagement]:
    """Each learner's engagement with the partnership's activities over all years, against the
    programme's measure (at least N hours across at least M activities spanning at least Y
    academic years), by learner id. Without `learner_ids`: every learner enrolled now. Added up
    by the database, one row per learner."""
    if learner_ids is None:
        chosen: Any = Enrolment.objects.filter(programme=programme, left_on=None).values(
            "learner_id"
        )
        keys: list[Any] = list(chosen.order_by().values_list("learner_id", flat=True))
    else:
        keys = list(learner_ids)
        chosen = keys
    rows = _attendance_totals(programme, chosen, year=_cohort("session__date"))
    totals = {key: (hours or 0.0, activities, years) for key, hours, activities, years in rows}
    engagement: dict[Any, Engagement] = {}
    for key in keys:
        total, activities, years = totals.get(key, (0.0, 0, 0))
        hours = Decimal(f"{total:.2f}")
        engagement[key] = Engagement(
            hours=hours,
            activities=activities,
            academic_years=years,
            sustained=hours >= programme.sustained_hours
            and activities >= programme.sustained_activities
            and years >= programme.sustained_years,
        )
    return engagement


def engagement_frame(programme: Programme) -> pl.DataFrame:
    """`sustained_engagement` for every learner enrolled now, one row each, read and judged in
    one vectorised pass: `learner_id` (the database's text for it), `cents` (hours over all
    years, in hundredths), `activities`, `academic_years` and `sustained`."""
    enrolled = Enrolment.objects.filter(programme=programme, left_on=None)
    keys = read_rows(
        enrolled.order_by().values_list("learner_id"),
        {"learner_id": pl.String},
    )
    totals = read_rows(
        _attendance_totals(
            programme,
            enrolled.values("learner_id"),
            year=_academic_year(programme, "session__date"),
        ),
        {
            "learner_id": pl.String,
            "hours": pl.Float64,
            "activities": pl.Int64,
            "academic_years": pl.Int64,
        },
    )
    frame = keys.unique("learner_id").join(totals, on="learner_id", how="left")
    frame = frame.with_columns(
        _cents_from("hours").alias("cents"),
        pl.col("activities").fill_null(0),
        pl.col("academic_years").fill_null(0),
    ).drop("hours")
    return frame.with_columns(
        (
            (pl.col("cents") >= _hundredths_at_least(programme.sustained_hours))
            & (pl.col("activities") >= programme.sustained_activities)
            & (pl.col("academic_years") >= programme.sustained_years)
        ).alias("sustained")
    )


def engagement_from(row: dict[str, Any]) -> Engagement:
    """One row of `engagement_frame` as `sustained_engagement` gives it."""
    return Engagement(
        hours=Decimal(row["cents"]).scaleb(-2),
        activities=row["activities"],
        academic_years=row["academic_years"],
        sustained=row["sustained"],
    )
