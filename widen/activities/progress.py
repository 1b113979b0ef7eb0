"""Each enrolled learner's progress against their programme stage, from the sessions they
attended: complete, on track or behind, and why ("Year 10: no IAG yet, 2.5 of 6 hours")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
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


@dataclass(frozen=True)
class StageProgress:
    learner_id: Any
    year_group: int
    status: str
    hours: Decimal
    target_hours: Decimal
    missing_types: tuple[str, ...]

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


def programme_progress(
    programme: Programme,
    *,
    on: date | None = None,
    learner_ids: Iterable[Any] | None = None,
) -> dict[Any, StageProgress]:
    """The progress of every learner enrolled now (or of these learners) on `on` (today)."""
    day = on or timezone.localdate()
    year = AcademicYear.containing(day)
    enrolments = Enrolment.objects.filter(programme=programme, left_on=None).select_related(
        "learner"
    )
    if learner_ids is not None:
        enrolments = enrolments.filter(learner_id__in=list(learner_ids))
    learners = {enrolment.learner_id: enrolment.learner for enrolment in enrolments}
    stages = {
        stage.year_group: stage
        for stage in ProgrammeStage.objects.filter(programme=programme).prefetch_related(
            "required_types", "optional_types"
        )
    }
    # Hours and activity types attended this academic year, up to `day`, at the partnership's
    # activities: one row per learner and session (a joint session counts once).
    attended: dict[Any, list[tuple[int, Decimal]]] = defaultdict(list)
    for learner_id, type_id, hours in Attendance.objects.filter(
        learner_id__in=list(learners),
        status=AttendanceStatus.ATTENDED,
        session__activity__partnership=programme.partnership,
        session__date__gte=year.starts_on,
        session__date__lte=min(day, year.ends_on),
    ).values_list(
        "learner_id", "session__activity__sub_type__activity_type_id", "session__contact_hours"
    ):
        attended[learner_id].append((type_id, hours))
    elapsed = year_elapsed(day)
    progress: dict[Any, StageProgress] = {}
    for learner_id, learner in learners.items():
        year_group = learner.year_group(year)
        stage = stages.get(year_group)
        if stage is None:
            progress[learner_id] = StageProgress(
                learner_id, year_group, NO_STAGE, Decimal(0), Decimal(0), ()
            )
            continue
        required = list(stage.required_types.all())
        counted = {kind.pk for kind in required} | {kind.pk for kind in stage.optional_types.all()}
        sessions = attended.get(learner_id, [])
        hours = sum(
            (hours for type_id, hours in sessions if not counted or type_id in counted),
            Decimal(0),
        )
        seen = {type_id for type_id, _ in sessions}
        missing = tuple(short_name(kind) for kind in required if kind.pk not in seen)
        if hours >= stage.target_hours and not missing:
            status = COMPLETE
        elif hours < stage.target_hours * elapsed or (missing and elapsed >= Decimal("0.5")):
            status = BEHIND
        else:
            status = ON_TRACK
        progress[learner_id] = StageProgress(
            learner_id, year_group, status, hours, stage.target_hours, missing
        )
    return progress


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


def sustained_engagement(programme: Programme, learner_ids: Iterable[Any]) -> dict[Any, Engagement]:
    """Each learner's engagement with the partnership's activities over all years, against the
    programme's measure (at least N hours across at least M activities spanning at least Y
    academic years)."""
    hours: dict[Any, Decimal] = defaultdict(Decimal)
    activities: dict[Any, set[Any]] = defaultdict(set)
    years: dict[Any, set[int]] = defaultdict(set)
    keys = list(learner_ids)
    for learner_id, activity_id, day, session_hours in Attendance.objects.filter(
        learner_id__in=keys,
        status=AttendanceStatus.ATTENDED,
        session__activity__partnership=programme.partnership,
    ).values_list("learner_id", "session__activity_id", "session__date", "session__contact_hours"):
        hours[learner_id] += session_hours
        activities[learner_id].add(activity_id)
        years[learner_id].add(AcademicYear.containing(day).start_year)
    return {
        key: Engagement(
            hours=hours[key],
            activities=len(activities[key]),
            academic_years=len(years[key]),
            sustained=hours[key] >= programme.sustained_hours
            and len(activities[key]) >= programme.sustained_activities
            and len(years[key]) >= programme.sustained_years,
        )
        for key in keys
    }
