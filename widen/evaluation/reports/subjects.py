"""The evaluation report of an activity, a programme or an event: what changed for the learners
who answered before and after, against a matched comparison group where one was surveyed too,
the OfS standard of evidence each result meets, the theory of change, and quotes people agreed
to have published.

Who took part:
- an activity: learners marked as attending one of its sessions;
- an event: learners whose booking was checked in;
- a programme: learners enrolled on it (answers to its activities' surveys count).
Learners who answered the same surveys but did not take part are the comparison group. When the
register says nobody who answered took part, everyone who answered counts as a participant (a
comparison group needs attendance recorded).

Every read here is scoped to the person asking (`report_subject_get`); the report shows counts
and averages only, never a learner, and hides figures from fewer than `SMALL_COUNT` learners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

import polars as pl
from django.db.models import Q, QuerySet

from widen.activities.models import Activity, AttendanceStatus
from widen.activities.models import Attendance as AttendanceRecord
from widen.activities.selectors import activity_get
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import NotFound
from widen.evaluation.models import (
    ScaleScore,
    SurveyResponse,
    SurveyTiming,
    TheoryOfChange,
)
from widen.events.models import Booking, BookingStatus, Event
from widen.events.selectors import events_for_user
from widen.learners.models import Learner
from widen.organisations.models import Partnership
from widen.programmes.models import Enrolment, Programme
from widen.programmes.selectors import programme_get

# A count hidden because, with the counts shown beside it, it would give a small one away.
NOT_SHOWN = "not shown"
# What learners are matched on: recorded characteristics, none of them special category data.
MATCH_ON = ("school", "year_group", "free_school_meals", "ever_6_free_school_meals")
MATCHING_METHODS = {
    "exact": "Exact matching: each participant with a learner of the same school, year group "
    "and free school meals record",
    "propensity": "Nearest-neighbour matching on a propensity score (logistic regression of "
    "taking part on school, year group and free school meals), within 0.2 standard deviations",
}


class SubjectKind(StrEnum):
    ACTIVITY = "activity"
    PROGRAMME = "programme"
    EVENT = "event"


@dataclass(frozen=True)
class Subject:
    """What the report is about, as the person asking may see it."""

    kind: SubjectKind
    target: Activity | Programme | Event

    @property
    def pk(self) -> UUID:
        return self.target.pk

    @property
    def name(self) -> str:
        return str(self.target)

    @property
    def partnership(self) -> Partnership:
        return self.target.partnership

    @property
    def is_programme(self) -> bool:
        return self.kind == SubjectKind.PROGRAMME

    @property
    def theory_target(self) -> Activity | Programme | None:
        """What its theory of change belongs to (an event's is its activity's)."""
        if isinstance(self.target, Event):
            return self.target.activity
        return self.target

    def theory_of_change(self) -> TheoryOfChange | None:
        target = self.theory_target
        if target is None:
            return None
        theories = TheoryOfChange.objects.select_related("activity", "programme")
        if isinstance(target, Activity):
            return theories.filter(activity=target).first()
        return theories.filter(programme=target).first()


def report_subject_get(*, actor: Any, kind: str, subject_id: UUID | str) -> Subject:
    """The activity, programme or event, if `actor` is in its partnership; NotFound otherwise
    (the same answer as for one that is not there)."""
    try:
        if kind == SubjectKind.ACTIVITY:
            return Subject(SubjectKind.ACTIVITY, activity_get(actor=actor, activity_id=subject_id))
        if kind == SubjectKind.PROGRAMME:
            return Subject(
                SubjectKind.PROGRAMME,
                programme_get(actor=actor, programme_id=subject_id),
            )
        if kind == SubjectKind.EVENT:
            event = events_for_user(actor).filter(pk=subject_id).first()
            if event is not None:
                return Subject(SubjectKind.EVENT, event)
    except (ValueError, TypeError) as error:
        raise NotFound from error
    raise NotFound


# --- Reading the answers ------------------------------------------------------------------------


def programme_activities(programme: Programme) -> QuerySet[Activity]:
    """The partnership's activities of the types the programme's stages plan."""
    return Activity.objects.filter(
        Q(sub_type__activity_type__in=programme.stages.values("required_types"))
        | Q(sub_type__activity_type__in=programme.stages.values("optional_types")),
        partnership=programme.partnership,
    )


def subject_responses(subject: Subject) -> QuerySet[SurveyResponse]:
    """Every response to the subject's surveys (before, after and standalone)."""
    # A response keeps its survey's activity and event (copied when it is submitted).
    target = subject.target
    if isinstance(target, Activity):
        return SurveyResponse.objects.filter(activity=target)
    if isinstance(target, Event):
        return SurveyResponse.objects.filter(event=target)
    return SurveyResponse.objects.filter(activity__in=programme_activities(target))


def subject_participants(subject: Subject) -> set[str]:
    """The ids of the learners who took part (see the module's docstring)."""
    target = subject.target
    if isinstance(target, Activity):
        ids = AttendanceRecord.objects.filter(
            session__activity=target, status=AttendanceStatus.ATTENDED
        ).values_list("learner_id", flat=True)
    elif isinstance(target, Event):
        ids = Booking.objects.filter(
            event=target,
            status=BookingStatus.BOOKED,
            checked_in_at__isnull=False,
            learner__isnull=False,
        ).values_list("learner_id", flat=True)
    else:
        ids = Enrolment.objects.filter(programme=target).values_list("learner_id", flat=True)
    return {str(learner_id) for learner_id in ids.distinct()}


SCORE_SCHEMA: dict[str, Any] = {
    "learner_id": pl.String,
    "phase": pl.String,
    "answered_at": pl.Datetime("us", "UTC"),
    "scale_id": pl.String,
    "score": pl.Float64,
    "activity_id": pl.String,
}


def subject_scores(subject: Subject) -> tuple[pl.DataFrame, dict[str, str], int]:
    """Scale scores given before or after, by learner: the frame, the scales' names by id, and
    how many answers came from people with no learner record (parents, say), who cannot pair."""
    scores = ScaleScore.objects.filter(
        response__in=subject_responses(subject),
        response__timing__in=[SurveyTiming.PRE, SurveyTiming.POST],
    )
    rows = list(
        scores.filter(response__learner__isnull=False).values_list(
            "response__learner_id",
            "response__timing",
            "response__submitted_at",
            "scale_id",
            "score",
            "response__activity_id",
        )
    )
    frame = pl.DataFrame(
        [(str(a), b, c, str(d), e, str(f) if f else None) for a, b, c, d, e, f in rows],
        schema=SCORE_SCHEMA,
        orient="row",
    )
    names = {
        str(pk): f"{name} (version {version})" if version > 1 else name
        for pk, name, version in scores.values_list(
            "scale_id", "scale__name", "scale__version"
        ).distinct()
    }
    without_learner = (
        scores.filter(response__learner__isnull=True).values("response_id").distinct().count()
    )
    return frame, names, without_learner


def learner_characteristics(subject: Subject, *, today: date | None = None) -> pl.DataFrame:
    """The characteristics matched on, one row per learner who answered the subject's surveys
    before or after: school, year group, free school meals (now and ever-6); a missing record
    counts as "not recorded"."""
    year = AcademicYear.containing(today) if today else AcademicYear.current()
    answered = subject_responses(subject).filter(
        timing__in=[SurveyTiming.PRE, SurveyTiming.POST], learner__isnull=False
    )
    rows = Learner.objects.filter(pk__in=answered.values("learner_id")).values_list(
        "pk", "school_id", "date_of_birth", "free_school_meals", "ever_6_free_school_meals"
    )
    return pl.DataFrame(
        [
            (
                str(pk),
                str(school) if school else "(not recorded)",
                year.year_group_of(born),
                bool(fsm),
                bool(ever6),
            )
            for pk, school, born, fsm, ever6 in rows
        ],
        schema={
            "learner_id": pl.String,
            "school": pl.String,
            "year_group": pl.Int64,
            "free_school_meals": pl.Boolean,
            "ever_6_free_school_meals": pl.Boolean,
        },
        orient="row",
    )
