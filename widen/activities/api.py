"""Activities, sessions, registers, programmes, enrolments and progress in the API. The same
services and rules as the pages; learners are named only to those who may see them by name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.activities.models import Activity, Session
from widen.activities.permissions import PLAN, activity_policy, may_deliver
from widen.activities.progress import next_sessions, programme_progress
from widen.activities.selectors import (
    activity_get,
    activity_list,
    enrolled_learners_named,
    register_rows,
    session_for_register,
)
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    register_add,
    session_create,
)
from widen.core.api_inputs import (
    CalendarDate,
    Count,
    Hours,
    PageLimit,
    PageOffset,
    WallClockTime,
    YearGroup,
)
from widen.core.api_outputs import LocalTime, read_from
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.details import details_given
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.permissions import learner_policy
from widen.organisations.models import Organisation
from widen.organisations.permissions import organisation_policy
from widen.programmes.models import ActivitySubType, ActivityType, Programme, ProgrammeStage
from widen.programmes.permissions import (
    ENROL,
    enrollable_by,
    may_design_programmes,
    programme_policy,
)
from widen.programmes.selectors import (
    enrolment_counts,
    enrolment_list,
    programme_get,
    programme_list,
)
from widen.programmes.services import (
    EnrolmentChange,
    StagePlan,
    enrol,
    enrol_eligible,
    enrolment_leave,
    programme_create,
)
from widen.targeting.models import RuleSet

activities_router = Router(tags=["activities"])
sessions_router = Router(tags=["activities"])
programmes_router = Router(tags=["programmes"])


class SessionOut(Schema):
    id: UUID
    date: date
    starts_at: LocalTime
    ends_at: LocalTime
    contact_hours: Decimal
    venue: str
    online_link: str
    year_groups: list[int]
    school_id: UUID | None
    capacity: int | None


class ActivityOut(Schema):
    id: UUID
    partnership_id: UUID
    delivered_by_id: UUID
    name: str
    activity_type: str
    sub_type: str
    description: str
    sessions: list[SessionOut]

    resolve_activity_type = read_from("sub_type.activity_type.name")
    resolve_sub_type = read_from("sub_type.name")


class ActivityIn(InputSchema):
    partnership_id: UUID
    delivered_by_id: UUID
    name: str = Field(..., max_length=160)
    sub_type_id: UUID
    description: str = ""


class SessionIn(InputSchema):
    date: CalendarDate
    starts_at: WallClockTime
    ends_at: WallClockTime
    contact_hours: Hours | None = None
    venue: str = ""
    online_link: str = ""
    year_groups: list[YearGroup] = []
    school_id: UUID | None = None
    capacity: Count | None = None
    joint_partner_ids: list[UUID] = []


class RegisterRowOut(Schema):
    learner_id: UUID
    status: str


class RegisterIn(InputSchema):
    add: list[UUID] = Field(default=[], description="Learners to put on the register.")
    marks: dict[UUID, str] = Field(
        default={}, description="Learner id → attended, absent or registered (not marked)."
    )
    started_early: bool = Field(
        default=False,
        description=(
            "The session, planned to start later today, has in fact started: mark it now. "
            "Recorded against each mark. A session on a later day cannot be marked."
        ),
    )


def _visible_activity(request: HttpRequest, activity_id: UUID) -> Activity:
    return activity_get(actor=api_actor(request), activity_id=activity_id)


@activities_router.get("", response=Page[ActivityOut], operation_id="activity_list")
def activity_list_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    activities = (
        activity_list(actor=api_actor(request)).prefetch_related("sessions").order_by("name", "pk")
    )
    return page_of(activities, limit=limit, offset=offset).answer()


@activities_router.post("", response={201: ActivityOut}, operation_id="activity_create")
def activity_create_api(request: HttpRequest, body: ActivityIn) -> Any:
    actor = api_actor(request)
    partnership = organisation_policy.partnership_visible_to(actor, body.partnership_id)
    delivered_by = Organisation.objects.filter(pk=body.delivered_by_id).first()
    if partnership is None or delivered_by is None or not may_deliver(actor, delivered_by):
        raise NotFound
    sub_type = ActivitySubType.objects.filter(pk=body.sub_type_id).first()
    if sub_type is None:
        raise ApplicationError("There is no such type of activity.", field="sub_type_id")
    activity = activity_create(
        actor=actor,
        partnership=partnership,
        delivered_by=delivered_by,
        name=body.name,
        sub_type=sub_type,
        description=body.description,
    )
    return Status(201, activity)


@activities_router.get("/{activity_id}", response=ActivityOut, operation_id="activity_get")
def activity_get_api(request: HttpRequest, activity_id: UUID) -> Any:
    return _visible_activity(request, activity_id)


@activities_router.post(
    "/{activity_id}/sessions", response={201: SessionOut}, operation_id="session_create"
)
def session_create_api(request: HttpRequest, activity_id: UUID, body: SessionIn) -> Any:
    actor = api_actor(request)
    activity = activity_policy.get(actor, activity_id, action=PLAN)
    members = activity.partnership.members.all()
    school = members.filter(pk=body.school_id).first() if body.school_id else None
    if body.school_id and school is None:
        raise ApplicationError("The school is not a member of the partnership.", field="school_id")
    partners = list(members.filter(pk__in=body.joint_partner_ids))
    if len(partners) != len(set(body.joint_partner_ids)):
        raise ApplicationError(
            "Every joint partner must be a member of the partnership.", field="joint_partner_ids"
        )
    session = session_create(
        actor=actor,
        activity=activity,
        details=details_given(SessionDetails, body, school=school, joint_partners=partners),
    )
    return Status(201, session)


def _session_for_register(request: HttpRequest, session_id: UUID) -> Session:
    return session_for_register(actor=api_actor(request), session_id=session_id)


def _register(request: HttpRequest, session: Session, limit: int, offset: int) -> dict[str, Any]:
    rows = (
        register_rows(actor=api_actor(request), session=session)
        .order_by("learner__last_name", "learner__first_name", "learner_id")
        .values("learner_id", "status")
    )
    return page_of(rows, limit=limit, offset=offset).answer()


@sessions_router.get(
    "/{session_id}/register", response=Page[RegisterRowOut], operation_id="register_get"
)
def register_get_api(
    request: HttpRequest, session_id: UUID, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    return _register(request, _session_for_register(request, session_id), limit, offset)


@sessions_router.post(
    "/{session_id}/register", response=Page[RegisterRowOut], operation_id="register_update"
)
def register_update_api(
    request: HttpRequest,
    session_id: UUID,
    body: RegisterIn,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """Put learners on the register and mark them; answers the register (a page of it)."""
    actor = api_actor(request)
    session = _session_for_register(request, session_id)
    if body.add:
        learners = list(learner_policy.visible_to(actor).filter(pk__in=body.add))
        if len(learners) != len(set(body.add)):
            raise ApplicationError("There is no such learner you can see.", field="add")
        register_add(actor=actor, session=session, learners=learners)
    if body.marks:
        attendance_mark(
            actor=actor, session=session, marks=body.marks, before_start=body.started_early
        )
    return _register(request, session, limit, offset)


# --- Programmes --------------------------------------------------------------------------------


class StageOut(Schema):
    year_group: int
    target_hours: Decimal
    required_types: list[str]
    optional_types: list[str]

    @staticmethod
    def resolve_required_types(stage: ProgrammeStage) -> list[str]:
        return [kind.key for kind in stage.required_types.all()]

    @staticmethod
    def resolve_optional_types(stage: ProgrammeStage) -> list[str]:
        return [kind.key for kind in stage.optional_types.all()]


class SustainedOut(Schema):
    """What counts as sustained engagement with the programme."""

    hours: Decimal
    activities: int
    academic_years: int

    # Read from the programme.
    resolve_hours = read_from("sustained_hours")
    resolve_activities = read_from("sustained_activities")
    resolve_academic_years = read_from("sustained_years")


class ProgrammeOut(Schema):
    id: UUID
    partnership_id: UUID
    name: str
    description: str
    rule_set_id: UUID | None
    stages: list[StageOut]
    sustained_engagement: SustainedOut
    enrolled: int

    @staticmethod
    def resolve_stages(programme: Programme) -> list[ProgrammeStage]:
        return list(programme.stages.prefetch_related("required_types", "optional_types"))

    @staticmethod
    def resolve_sustained_engagement(programme: Programme) -> Programme:
        return programme

    @staticmethod
    def resolve_enrolled(programme: Programme) -> int:
        return enrolment_counts(programme=programme).enrolled


class StageIn(InputSchema):
    year_group: YearGroup = Field(..., description="9 to 13.")
    target_hours: Hours = Field(..., description="Contact hours the stage asks for.")
    required_types: list[str] = Field(
        default=[], description="Activity type keys the stage needs (e.g. campus_visits)."
    )
    optional_types: list[str] = Field(default=[], description="Activity type keys it offers.")


class ProgrammeIn(InputSchema):
    partnership_id: UUID
    name: str = Field(..., max_length=160)
    description: str = ""
    rule_set_id: UUID | None = Field(
        default=None, description="The partnership's rule set saying who the programme is for."
    )
    stages: list[StageIn] = Field(..., description="One stage per year group, Year 9 to 13.")
    sustained_hours: Hours = Decimal("10")
    sustained_activities: Count = 3
    sustained_years: Count = 2


class ProgressOut(Schema):
    learner_id: UUID
    organisation_id: UUID = Field(..., description="The partner that holds the learner.")
    school_id: UUID | None
    year_group: int
    status: str
    hours: Decimal
    target_hours: Decimal
    missing_types: list[str]
    reason: str
    next_session_ids: list[UUID]


class EnrolIn(InputSchema):
    learner_ids: list[UUID] = []
    from_rule_set: bool = Field(
        default=False, description="Enrol every eligible learner you can see by name."
    )


class EnrolmentOut(Schema):
    enrolled: list[UUID]
    already_enrolled: list[UUID]

    @staticmethod
    def resolve_enrolled(change: EnrolmentChange) -> list[UUID]:
        return [enrolment.learner_id for enrolment in change.enrolled]

    @staticmethod
    def resolve_already_enrolled(change: EnrolmentChange) -> list[UUID]:
        return [learner.pk for learner in change.already_enrolled]


class EnrolmentPeriodOut(Schema):
    learner_id: UUID
    organisation_id: UUID
    joined_on: date
    left_on: date | None
    leaving_reason: str


class LeaveIn(InputSchema):
    reason: str = Field(..., max_length=200, description="Why the learner is leaving.")
    left_on: CalendarDate | None = Field(default=None, description="Today when not given.")


def _visible_programme(request: HttpRequest, programme_id: UUID) -> Programme:
    return programme_get(actor=api_actor(request), programme_id=programme_id)


def _activity_types(keys: list[str], year_group: int) -> list[ActivityType]:
    found = {kind.key: kind for kind in ActivityType.objects.filter(key__in=keys)}
    unknown = sorted(set(keys) - set(found))
    if unknown:
        raise ApplicationError(
            f"Year {year_group}: there is no activity type {', '.join(unknown)}.", field="stages"
        )
    return [found[key] for key in dict.fromkeys(keys)]


@programmes_router.get("", response=Page[ProgrammeOut], operation_id="programme_list")
def programme_list_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    programmes = programme_list(actor=api_actor(request)).order_by("name", "pk")
    return page_of(programmes, limit=limit, offset=offset).answer()


@programmes_router.post("", response={201: ProgrammeOut}, operation_id="programme_create")
def programme_create_api(request: HttpRequest, body: ProgrammeIn) -> Any:
    """Design a programme: a stage per year group with its required and optional activity types
    and target hours (the partnership's admins only)."""
    actor = api_actor(request)
    partnership = organisation_policy.partnership_for(
        actor, body.partnership_id, may=may_design_programmes
    )
    rule_set = None
    if body.rule_set_id is not None:
        rule_set = RuleSet.objects.filter(pk=body.rule_set_id, partnership=partnership).first()
        if rule_set is None:
            raise ApplicationError(
                "Choose one of the partnership's rule sets.", field="rule_set_id"
            )
    stages = [
        StagePlan(
            year_group=stage.year_group,
            target_hours=stage.target_hours,
            required_types=_activity_types(stage.required_types, stage.year_group),
            optional_types=_activity_types(stage.optional_types, stage.year_group),
        )
        for stage in body.stages
    ]
    programme = programme_create(
        actor=actor,
        partnership=partnership,
        name=body.name,
        description=body.description,
        rule_set=rule_set,
        stages=stages,
        sustained_hours=body.sustained_hours,
        sustained_activities=body.sustained_activities,
        sustained_years=body.sustained_years,
    )
    programme.refresh_from_db()  # hours as stored (two decimal places), as a later GET shows them
    return Status(201, programme)


@programmes_router.get("/{programme_id}", response=ProgrammeOut, operation_id="programme_get")
def programme_get_api(request: HttpRequest, programme_id: UUID) -> Any:
    return _visible_programme(request, programme_id)


@programmes_router.get(
    "/{programme_id}/progress", response=Page[ProgressOut], operation_id="programme_progress"
)
def programme_progress_api(
    request: HttpRequest,
    programme_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    programme = _visible_programme(request, programme_id)
    named = enrolled_learners_named(actor=api_actor(request), programme=programme)
    held = {
        key: (organisation_id, school_id)
        for key, organisation_id, school_id in named.values_list(
            "pk", "organisation_id", "school_id"
        )
    }
    progress = programme_progress(programme, learner_ids=set(held))
    page = page_of(
        sorted(progress.items(), key=lambda item: str(item[0])), limit=limit, offset=offset
    )
    suggestions = next_sessions(programme, dict(page.items))  # only for the page's learners

    def answer(item: tuple[Any, Any]) -> dict[str, Any]:
        key, stage = item
        return {
            "learner_id": key,
            "organisation_id": held[key][0],
            "school_id": held[key][1],
            "year_group": stage.year_group,
            "status": stage.status,
            "hours": stage.hours,
            "target_hours": stage.target_hours,
            "missing_types": list(stage.missing_types),
            "reason": stage.reason,
            "next_session_ids": [found.session.pk for found in suggestions.get(key, [])],
        }

    return page.answer(answer)


@programmes_router.post(
    "/{programme_id}/enrolments", response={201: EnrolmentOut}, operation_id="enrolment_create"
)
def enrolment_create_api(request: HttpRequest, programme_id: UUID, body: EnrolIn) -> Any:
    actor = api_actor(request)
    programme = programme_policy.get(actor, programme_id, action=ENROL)
    if body.from_rule_set:
        change = enrol_eligible(actor=actor, programme=programme)
    else:
        # A learner seen under an agreement but held by a partner answers like a missing one.
        learners = list(enrollable_by(actor).filter(pk__in=body.learner_ids))
        if len(learners) != len(set(body.learner_ids)):
            raise ApplicationError(
                "There is no such learner your organisation holds.", field="learner_ids"
            )
        change = enrol(actor=actor, programme=programme, learners=learners)
    return Status(201, change)


@programmes_router.get(
    "/{programme_id}/enrolments",
    response=Page[EnrolmentPeriodOut],
    operation_id="enrolment_list",
)
def enrolment_list_api(
    request: HttpRequest,
    programme_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """Every time each learner the caller sees by name has been on the programme: leaving ends
    a period, re-joining (POST to this path again) starts another."""
    actor = api_actor(request)
    programme = _visible_programme(request, programme_id)
    periods = enrolment_list(actor=actor, programme=programme)
    return page_of(periods, limit=limit, offset=offset).answer()


@programmes_router.post(
    "/{programme_id}/enrolments/{learner_id}/leave",
    response=EnrolmentPeriodOut,
    operation_id="enrolment_leave",
)
def enrolment_leave_api(
    request: HttpRequest, programme_id: UUID, learner_id: UUID, body: LeaveIn
) -> Any:
    actor = api_actor(request)
    programme = programme_policy.get(actor, programme_id, action=ENROL)
    current = (
        enrolment_list(actor=actor, programme=programme)
        .filter(learner_id=learner_id, left_on=None)
        .filter(learner__in=enrollable_by(actor).values("pk"))
        .first()
    )
    if current is None:
        raise NotFound  # missing, or a partner's learner: only their organisation changes it
    return enrolment_leave(actor=actor, enrolment=current, reason=body.reason, on=body.left_on)
