"""Each enrolled learner's progress against their programme stage, from the sessions they
attended: complete, on track or behind, and why ("Year 10: no IAG yet, 2.5 of 6 hours")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from widen.activities.models import Attendance, AttendanceStatus, Session
from widen.core.academic_years import AcademicYear
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


def enrolled_progress(
    programme: Programme,
    *,
    on: date | None = None,
    learner_ids: Iterable[Any] | None = None,
) -> list[EnrolledProgress]:
    """The progress of every learner enrolled now (or of these learners) on `on` (today).

    A fixed number of queries, however many are enrolled: the enrolled learners' few fields, the
    stages, and the hours they attended this academic year added up by the database per learner
    and activity type."""
    day = on or timezone.localdate()
    year = AcademicYear.containing(day)
    enrolments = Enrolment.objects.filter(programme=programme, left_on=None)
    if learner_ids is not None:
        enrolments = enrolments.filter(learner_id__in=list(learner_ids))
    learners = list(
        enrolments.order_by()
        .annotate(
            holder=text_id("learner__organisation_id"),
            school=text_id("learner__school_id"),
            cohort=_cohort("learner__date_of_birth"),
        )
        .values_list(
            "learner_id", "holder", "school", "learner__last_name", "learner__first_name", "cohort"
        )
    )
    stages = {
        stage.year_group: stage
        for stage in ProgrammeStage.objects.filter(programme=programme).prefetch_related(
            "required_types", "optional_types"
        )
    }
    # Hours per activity type attended this academic year, up to `day`, at the partnership's
    # activities: each session once per learner (a joint session counts once).
    attended: dict[UUID, list[tuple[Any, float]]] = defaultdict(list)
    for key, type_id, hours in (
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
        .values_list("learner_id", "kind", "hours")
    ):
        attended[key].append((type_id, hours or 0.0))
    elapsed = year_elapsed(day)
    rules = {
        group: (
            list(stage.required_types.all()),
            {kind.pk for kind in stage.required_types.all()}
            | {kind.pk for kind in stage.optional_types.all()},
        )
        for group, stage in stages.items()
    }
    rows: list[EnrolledProgress] = []
    for key, holder, school, last_name, first_name, cohort in learners:
        year_group = year.start_year - cohort - 5
        stage = stages.get(year_group)
        if stage is None:
            progress = StageProgress(key, year_group, NO_STAGE, Decimal(0), Decimal(0), ())
        else:
            required, counted = rules[year_group]
            sessions = attended.get(key, [])
            total = sum(hours for type_id, hours in sessions if not counted or type_id in counted)
            hours = Decimal(f"{total:.2f}")
            seen = {type_id for type_id, _ in sessions}
            missing = [kind for kind in required if kind.pk not in seen]
            if hours >= stage.target_hours and not missing:
                status = COMPLETE
            elif hours < stage.target_hours * elapsed or (missing and elapsed >= Decimal("0.5")):
                status = BEHIND
            else:
                status = ON_TRACK
            progress = StageProgress(
                key,
                year_group,
                status,
                hours,
                stage.target_hours,
                tuple(short_name(kind) for kind in missing),
                tuple(kind.pk for kind in missing),
            )
        rows.append(EnrolledProgress(key, holder, school, last_name, first_name, progress))
    return rows


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
    rows = (
        Attendance.objects.filter(
            learner_id__in=chosen,
            status=AttendanceStatus.ATTENDED,
            session__activity__partnership=programme.partnership,
        )
        .order_by()
        .values("learner_id")
        .annotate(
            hours=Sum("session__contact_hours", output_field=FloatField()),
            activities=Count("session__activity_id", distinct=True),
            years=Count(_cohort("session__date"), distinct=True),
        )
        .values_list("learner_id", "hours", "activities", "years")
    )
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
