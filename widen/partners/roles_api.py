"""Roles and applications in the JSON API, under the same policy and services as the pages.

A student (their own token): the open roles of the providers holding their records, applying (a
draft saved at any time, changed, then sent; withdrawn while a draft or sent) and their own
applications with the decision. A coordinator: their providers' roles, adding and changing one
(a rate below the legal minimum for an 18-year-old today is refused, 422, with the reason), the
queue of sent applications with the day each must be decided by (overdue first), one
application, and offering or declining it (a decline needs a note the student reads). Reading
the queue or an application is put in the access log, as the pages do.

Anything not the caller's answers 404 as for a thing that does not exist; a rule refused (a
draft missing an answer, an application already decided) answers 422 with the reason.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from widen.accounts.requests import api_actor
from widen.audit.services import access_log_record_subjects
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import DataCategory
from widen.partners.models import (
    APPLICATION_WORKFLOW,
    Application,
    ApplicationStatus,
    Role,
    RoleKind,
)
from widen.partners.permissions import (
    APPLY,
    DECIDE,
    MANAGE,
    application_policy,
    may_coordinate,
    role_policy,
)
from widen.partners.selectors.barriers import coordinated_provider_get
from widen.partners.selectors.roles import (
    QueuedApplication,
    application_get,
    application_queue,
    coordinators_at,
    my_application_get,
    my_applications,
    open_application_of,
    role_get,
    roles_coordinated,
    roles_open_to_me,
)
from widen.partners.services.applications import (
    ANSWER_MAX,
    application_decline,
    application_offer,
    application_save,
    application_start,
    application_submit,
    application_withdraw,
)
from widen.partners.services.roles import role_create, role_update

router = Router(tags=["partners"])

APPLICATION_SUBJECT = Application._meta.label_lower
# An application holds who the student is and, in its adjustments, perhaps their health.
APPLICATION_CATEGORIES = (DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY)


def _answer() -> Any:
    return Field(None, max_length=ANSWER_MAX)


class PartnerRoleOut(Schema):
    id: UUID
    organisation_id: UUID
    provider: str
    kind: str
    title: str
    work_involved: str
    hourly_rate_pence: int
    decision_working_days: int = Field(description="Applicants hear within this many.")
    coordinator: str = Field(description="The named person who decides applications.")
    needs_training: bool


class PartnerOpenRoleOut(PartnerRoleOut):
    application_id: UUID | None = Field(description="My draft or sent application to it, if any.")
    application_status: str | None


class PartnerCoordinatedRoleOut(PartnerRoleOut):
    coordinator_id: UUID
    is_open: bool = Field(description="Taking applications.")


class PartnerOpenRolePage(Page[PartnerOpenRoleOut]):
    pass


class PartnerCoordinatedRolePage(Page[PartnerCoordinatedRoleOut]):
    pass


class PartnerRoleIn(InputSchema):
    organisation_id: UUID = Field(description="The provider that employs, one I coordinate.")
    kind: RoleKind
    title: str = Field(min_length=1, max_length=200)
    work_involved: str = Field(min_length=1, max_length=4000)
    hourly_rate: Decimal = Field(
        gt=0, max_digits=6, decimal_places=2, allow_inf_nan=False, description="In pounds."
    )
    coordinator_id: UUID
    decision_working_days: int = Field(10, ge=1, le=60)
    needs_training: bool = True


class PartnerRoleChangeIn(InputSchema):
    """What to change of a role; what is left out stays as it is."""

    kind: RoleKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    work_involved: str | None = Field(None, min_length=1, max_length=4000)
    hourly_rate: Decimal | None = Field(
        None, gt=0, max_digits=6, decimal_places=2, allow_inf_nan=False, description="In pounds."
    )
    coordinator_id: UUID | None = None
    decision_working_days: int | None = Field(None, ge=1, le=60)
    needs_training: bool | None = None
    is_open: bool | None = Field(None, description="Taking applications.")


class PartnerApplicationOut(Schema):
    id: UUID
    role_id: UUID
    role: str
    provider: str
    coordinator: str
    status: str
    why_this_role: str
    what_you_bring: str
    adjustments: str
    working_patterns: str
    submitted_at: datetime | None
    decide_by: date | None = Field(description="The day the coordinator must decide by.")
    decided_at: datetime | None
    decision_note: str


class PartnerApplicationPage(Page[PartnerApplicationOut]):
    pass


class PartnerAnswersIn(InputSchema):
    """The answers to keep in the draft; what is left out stays as it is."""

    why_this_role: str | None = _answer()
    what_you_bring: str | None = _answer()
    adjustments: str | None = _answer()
    working_patterns: str | None = _answer()


class PartnerQueuedOut(Schema):
    id: UUID
    role_id: UUID
    role: str
    student_id: UUID
    student: str
    submitted_at: datetime | None
    decide_by: date | None
    overdue: bool
    working_days_left: int


class PartnerQueuedPage(Page[PartnerQueuedOut]):
    pass


class PartnerApplicationReviewOut(PartnerApplicationOut):
    student_id: UUID
    student: str
    student_number: str
    email: str
    overdue: bool


class PartnerDecisionIn(InputSchema):
    decision: Literal["offer", "decline"]
    note: str = Field("", max_length=ANSWER_MAX, description="Needed to decline: say why.")


class PartnerDecisionOut(Schema):
    application_id: UUID
    status: str
    decided_at: datetime | None
    decision_note: str
    partner_id: UUID | None = Field(description="The student's partner record, when offered.")


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _role_out(role: Role) -> dict[str, Any]:
    return {
        "id": role.pk,
        "organisation_id": role.organisation_id,
        "provider": role.organisation.name,
        "kind": role.kind,
        "title": role.title,
        "work_involved": role.work_involved,
        "hourly_rate_pence": role.hourly_rate_pence,
        "decision_working_days": role.decision_working_days,
        "coordinator": _person(role.coordinator),
        "needs_training": role.needs_training,
    }


def _coordinated_role_out(role: Role) -> dict[str, Any]:
    return _role_out(role) | {"coordinator_id": role.coordinator_id, "is_open": role.is_open}


def _open_role_out(role: Role, application: Application | None) -> dict[str, Any]:
    return _role_out(role) | {
        "application_id": application.pk if application else None,
        "application_status": application.status if application else None,
    }


def _application_out(application: Application) -> dict[str, Any]:
    role = application.role
    return {
        "id": application.pk,
        "role_id": role.pk,
        "role": role.title,
        "provider": role.organisation.name,
        "coordinator": _person(role.coordinator),
        "status": application.status,
        "why_this_role": application.why_this_role,
        "what_you_bring": application.what_you_bring,
        "adjustments": application.adjustments,
        "working_patterns": application.working_patterns,
        "submitted_at": application.submitted_at,
        "decide_by": application.decide_by,
        "decided_at": application.decided_at,
        "decision_note": application.decision_note,
    }


def _log_reads(
    actor: Any, applications: list[Application], categories: tuple[str, ...], purpose: str
) -> None:
    if applications:
        access_log_record_subjects(
            actor=actor,
            subject_type=APPLICATION_SUBJECT,
            subjects=[(application.pk, None) for application in applications],
            data_categories=categories,
            purpose=purpose,
        )


def _coordinator(request: HttpRequest) -> Any:
    """The caller, who coordinates partners somewhere; anyone else is answered 404."""
    actor = api_actor(request)
    if not may_coordinate(actor):
        raise NotFound
    return actor


def _named_coordinator(organisation: Any, user_id: UUID, field: str = "coordinator_id") -> Any:
    found = coordinators_at(organisation).filter(pk=user_id).first()
    if found is None:
        raise ApplicationError(
            f"Choose a coordinator of student partners at {organisation.name}.", field=field
        )
    return found


# --- Roles ----------------------------------------------------------------------------------------


@router.get("/roles", response=PartnerCoordinatedRolePage, operation_id="partner_roles")
def partner_roles_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The roles of the providers I coordinate, open ones first."""
    roles = roles_coordinated(actor=_coordinator(request))
    return page_of(roles, limit=limit, offset=offset).answer(_coordinated_role_out)


@router.get("/roles/open", response=PartnerOpenRolePage, operation_id="partner_open_roles")
def partner_open_roles_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The roles I can apply for (the open roles of the providers holding my records), each with
    my draft or sent application to it, if any."""
    actor = api_actor(request)
    page = page_of(roles_open_to_me(actor=actor), limit=limit, offset=offset)
    open_ones = {
        application.role_id: application
        for application in my_applications(actor=actor).filter(
            role_id__in=[role.pk for role in page.items],
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
        )
    }
    return page.answer(lambda role: _open_role_out(role, open_ones.get(role.pk)))


@router.post(
    "/roles", response={201: PartnerCoordinatedRoleOut}, operation_id="partner_role_create"
)
def partner_role_create_api(request: HttpRequest, data: PartnerRoleIn) -> Status:
    """A new role at a provider I coordinate, taking applications at once."""
    actor = _coordinator(request)
    provider = coordinated_provider_get(actor=actor, organisation_id=data.organisation_id)
    role = role_create(
        actor=actor,
        organisation=provider,
        kind=data.kind,
        title=data.title,
        work_involved=data.work_involved,
        hourly_rate_pounds=data.hourly_rate,
        coordinator=_named_coordinator(provider, data.coordinator_id),
        decision_working_days=data.decision_working_days,
        needs_training=data.needs_training,
    )
    return Status(201, _coordinated_role_out(role_get(actor=actor, role_id=role.pk)))


@router.get(
    "/roles/{role_id}",
    response=PartnerCoordinatedRoleOut | PartnerOpenRoleOut,
    operation_id="partner_role_get",
)
def partner_role_get_api(request: HttpRequest, role_id: UUID) -> dict[str, Any]:
    """One of my providers' roles (to its coordinator), or an open role I can apply for."""
    actor = api_actor(request)
    role = role_get(actor=actor, role_id=role_id)
    if role_policy.may(actor, MANAGE, role):
        return _coordinated_role_out(role)
    role = role_get(actor=actor, role_id=role_id, action=APPLY)
    return _open_role_out(role, open_application_of(actor=actor, role=role))


@router.patch(
    "/roles/{role_id}", response=PartnerCoordinatedRoleOut, operation_id="partner_role_update"
)
def partner_role_update_api(
    request: HttpRequest, role_id: UUID, data: PartnerRoleChangeIn
) -> dict[str, Any]:
    """Change one of my providers' roles (close it to new applications with `is_open`); its
    rate is checked against today's minimum again."""
    actor = api_actor(request)
    role = role_get(actor=actor, role_id=role_id, action=MANAGE)
    given = {name: value for name, value in data.model_dump().items() if value is not None}
    coordinator = role.coordinator
    if "coordinator_id" in given:
        coordinator = _named_coordinator(role.organisation, given["coordinator_id"])
    role_update(
        actor=actor,
        role=role,
        kind=given.get("kind", role.kind),
        title=given.get("title", role.title),
        work_involved=given.get("work_involved", role.work_involved),
        hourly_rate_pounds=given.get("hourly_rate", Decimal(role.hourly_rate_pence) / 100),
        coordinator=coordinator,
        decision_working_days=given.get("decision_working_days", role.decision_working_days),
        needs_training=given.get("needs_training", role.needs_training),
        is_open=given.get("is_open", role.is_open),
    )
    return _coordinated_role_out(role_get(actor=actor, role_id=role_id, action=MANAGE))


# --- A student's applications ---------------------------------------------------------------------


@router.post(
    "/roles/{role_id}/applications",
    response={200: PartnerApplicationOut, 201: PartnerApplicationOut},
    operation_id="partner_apply",
)
def partner_apply_api(request: HttpRequest, role_id: UUID, data: PartnerAnswersIn) -> Status:
    """Start an application to an open role with the answers given (201), saved as a draft to
    send later; if I already have a draft or sent one to the role, that one (200), a draft
    keeping the answers given."""
    actor = api_actor(request)
    role = role_get(actor=actor, role_id=role_id, action=APPLY)
    existing = open_application_of(actor=actor, role=role)
    answers = data.model_dump(exclude_none=True)
    application = application_start(actor=actor, role=role, **answers)
    mine = my_application_get(actor=actor, application_id=application.pk)
    return Status(200 if existing else 201, _application_out(mine))


@router.get(
    "/applications", response=PartnerApplicationPage, operation_id="partner_my_applications"
)
def partner_my_applications_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """My applications, newest first, with each decision and its note."""
    mine = my_applications(actor=api_actor(request))
    return page_of(mine, limit=limit, offset=offset).answer(_application_out)


@router.get(
    "/applications/{application_id}",
    response=PartnerApplicationOut,
    operation_id="partner_my_application",
)
def partner_my_application_api(request: HttpRequest, application_id: UUID) -> dict[str, Any]:
    """One of my applications."""
    mine = my_application_get(actor=api_actor(request), application_id=application_id)
    return _application_out(mine)


def _only_a_draft(application: Application) -> None:
    if not application.is_draft:
        raise ApplicationError(
            f"This application is {application.get_status_display().lower()}, "
            "so it cannot be changed or sent."
        )


@router.patch(
    "/applications/{application_id}",
    response=PartnerApplicationOut,
    operation_id="partner_application_save",
)
def partner_application_save_api(
    request: HttpRequest, application_id: UUID, data: PartnerAnswersIn
) -> dict[str, Any]:
    """Keep answers in my draft as given (any may be empty); the others stay as they are."""
    actor = api_actor(request)
    application = my_application_get(actor=actor, application_id=application_id)
    _only_a_draft(application)
    application_save(actor=actor, application=application, **data.model_dump(exclude_none=True))
    return _application_out(my_application_get(actor=actor, application_id=application_id))


@router.post(
    "/applications/{application_id}/submit",
    response=PartnerApplicationOut,
    operation_id="partner_application_submit",
)
def partner_application_submit_api(request: HttpRequest, application_id: UUID) -> dict[str, Any]:
    """Send my draft to the role's coordinator, who must decide by `decide_by`; a draft missing
    a needed answer is refused (422) and stays saved."""
    actor = api_actor(request)
    application = my_application_get(actor=actor, application_id=application_id)
    _only_a_draft(application)
    application_submit(actor=actor, application=application)
    return _application_out(my_application_get(actor=actor, application_id=application_id))


@router.post(
    "/applications/{application_id}/withdraw",
    response=PartnerApplicationOut,
    operation_id="partner_application_withdraw",
)
def partner_application_withdraw_api(request: HttpRequest, application_id: UUID) -> dict[str, Any]:
    """Take back my draft or sent application, with no reason asked for."""
    actor = api_actor(request)
    application = my_application_get(actor=actor, application_id=application_id)
    if not APPLICATION_WORKFLOW.can(application, "withdraw"):
        raise ApplicationError(
            f"This application is {application.get_status_display().lower()}, "
            "so it cannot be withdrawn."
        )
    application_withdraw(actor=actor, application=application)
    return _application_out(my_application_get(actor=actor, application_id=application_id))


# --- A coordinator's decisions --------------------------------------------------------------------


def _queued_out(item: QueuedApplication) -> dict[str, Any]:
    application = item.application
    return {
        "id": application.pk,
        "role_id": application.role_id,
        "role": application.role.title,
        "student_id": application.student_id,
        "student": application.student.display_name,
        "submitted_at": application.submitted_at,
        "decide_by": application.decide_by,
        "overdue": item.overdue,
        "working_days_left": item.working_days_left,
    }


@router.get(
    "/approvals/applications",
    response=PartnerQueuedPage,
    operation_id="partner_applications_to_decide",
)
def partner_applications_to_decide_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """Sent applications to my providers' roles: overdue ones first, then by the day each must
    be decided by. Each listed is put in the access log."""
    actor = _coordinator(request)
    queue = application_queue(actor=actor, today=timezone.localdate())
    page = page_of(queue, limit=limit, offset=offset)
    _log_reads(
        actor,
        [item.application for item in page.items],
        (DataCategory.IDENTITY,),
        "API applications to decide, listed for their coordinator",
    )
    return page.answer(_queued_out)


def _coordinated_application(actor: Any, application_id: UUID) -> Application:
    application = application_get(actor=actor, application_id=application_id)
    if not may_coordinate(actor, application.role.organisation):
        raise NotFound  # the student reads their own as theirs
    return application


@router.get(
    "/approvals/applications/{application_id}",
    response=PartnerApplicationReviewOut,
    operation_id="partner_application_review",
)
def partner_application_review_api(request: HttpRequest, application_id: UUID) -> dict[str, Any]:
    """A sent application to one of my providers' roles, as its coordinator reads it; the read
    is put in the access log."""
    actor = api_actor(request)
    application = _coordinated_application(actor, application_id)
    _log_reads(
        actor, [application], APPLICATION_CATEGORIES, "API application read by its coordinator"
    )
    student = application.student
    today = timezone.localdate()
    return _application_out(application) | {
        "student_id": student.pk,
        "student": student.display_name,
        "student_number": student.student_number,
        "email": student.email,
        "overdue": bool(
            application.is_submitted and application.decide_by and application.decide_by < today
        ),
    }


@router.post(
    "/approvals/applications/{application_id}/decision",
    response=PartnerDecisionOut,
    operation_id="partner_application_decide",
)
def partner_application_decide_api(
    request: HttpRequest, application_id: UUID, data: PartnerDecisionIn
) -> dict[str, Any]:
    """Offer the role (the student becomes a partner in it) or decline it with a note saying
    why; the student is told either way."""
    actor = api_actor(request)
    application = _coordinated_application(actor, application_id)
    if not application_policy.may(actor, DECIDE, application):
        raise ApplicationError("This application has already been decided.")
    partner_id = None
    if data.decision == "offer":
        partner_id = application_offer(actor=actor, application=application, note=data.note).pk
    else:
        application_decline(actor=actor, application=application, note=data.note)
    decided = application_get(actor=actor, application_id=application_id)
    return {
        "application_id": decided.pk,
        "status": decided.status,
        "decided_at": decided.decided_at,
        "decision_note": decided.decision_note,
        "partner_id": partner_id if decided.status == ApplicationStatus.OFFERED else None,
    }
