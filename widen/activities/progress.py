"""Each enrolled learner's progress against their programme stage, from the sessions they
attended: complete, on track or behind, and why ("Year 10: no IAG yet, 2.5 of 6 hours")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from widen.activities.models import Attendance, AttendanceStatus
from widen.core.academic_years import AcademicYear
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
