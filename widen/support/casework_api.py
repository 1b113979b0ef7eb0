"""1-2-1 casework in the JSON API, under the same policy, selectors and services as the pages.

A provider's student support advisers (`support.casework`) list its cases (by topic and status,
never by what notes say: such a filter is refused), open one, read one with its timeline (every
read is in the access log), add notes, hand a case over, refer with the student's consent, close
with an outcome and re-open; they list appointments asked for and booked, book one and open a
case from a request. A signed-in student lists their own cases (what was agreed with them, never
an adviser's private note) and appointments, and asks for one. Anyone else is answered 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, Moment, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.students.mine.selectors import my_students
from widen.students.models import Student
from widen.support.models import Appointment, AppointmentMode, Case, CaseTopic, ReferralService
from widen.support.permissions.casework import (
    WORK,
    appointment_policy,
    case_policy,
    casework_providers,
)
from widen.support.selectors.casework import (
    TimelineEntry,
    appointment_requests,
    appointments_booked,
    case_filters,
    case_get,
    case_list,
    case_timeline,
    case_views_record,
    my_appointment_list,
    my_case_list,
    my_case_timeline,
)
from widen.support.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_request,
    case_open_from_appointment,
)
from widen.support.services.casework import (
    case_close,
    case_handover,
    case_open,
    case_reopen,
    note_add,
    referral_close,
    referral_make,
)

router = Router(tags=["student support casework"])


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    title: str
    text: str
    who: str


class CaseOut(Schema):
    id: UUID
    organisation_id: UUID
    student_id: UUID
    student_name: str
    topic: str
    summary: str
    status: str
    assignee: str = Field(description="The name of the adviser helping, if any.")
    reviewer: str
    follow_up_on: date | None
    outcome: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    timeline: list[TimelineEntryOut]


class MyCaseOut(Schema):
    id: UUID
    provider: str
    topic: str
    summary: str
    status: str
    outcome: str
    adviser: str
    agreed: list[TimelineEntryOut] = Field(
        description="What happened that you may see: what you agreed, your appointments."
    )


class AppointmentOut(Schema):
    id: UUID
    student_name: str
    topic: str
    request: str
    preferred_times: str
    mode: str
    status: str
    starts_at: datetime | None
    where: str
    adviser: str
    case_id: UUID | None


class MyAppointmentOut(Schema):
    id: UUID
    topic: str
    mode: str
    status: str
    starts_at: datetime | None
    where: str
    adviser: str


class CaseIn(InputSchema):
    student_id: UUID
    topic: CaseTopic
    summary: str = Field(..., min_length=1, max_length=200)
    assignee_id: UUID | None = None
    reviewer_id: UUID | None = None
    follow_up_on: CalendarDate | None = None


class NoteIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=10_000)
    shared_with_student: bool = False


class HandoverIn(InputSchema):
    to_adviser_id: UUID
    note: str = Field("", max_length=10_000)


class ReferralIn(InputSchema):
    service: ReferralService
    service_name: str = Field("", max_length=200)
    consent_given_on: CalendarDate | None = None
    consent_how: str = Field("", max_length=200)
    details: str = Field("", max_length=10_000)


class ReferralOut(Schema):
    id: int
    service: str
    service_name: str
    consent_given_on: date
    consent_how: str


class CloseIn(InputSchema):
    outcome: str = Field(..., max_length=4000)


class ReopenIn(InputSchema):
    reason: str = Field("", max_length=500)


class BookIn(InputSchema):
    starts_at: Moment
    where: str = Field(..., min_length=1, max_length=200)
    adviser_id: UUID


class FromRequestIn(InputSchema):
    summary: str = Field(..., min_length=1, max_length=200)
    assignee_id: UUID | None = None
    follow_up_on: CalendarDate | None = None


class AppointmentRequestIn(InputSchema):
    topic: CaseTopic
    request: str = Field(..., min_length=1, max_length=4000)
    preferred_times: str = Field("", max_length=200)
    mode: AppointmentMode = AppointmentMode.IN_PERSON


# A referral's number (the database's own): positive, and within a 64-bit integer.
ReferralNumber = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _name(person: Any) -> str:
    return str(person.get_full_name() or person.username) if person is not None else ""


def _entry(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "kind": entry.kind,
        "title": entry.title,
        "text": entry.text,
        "who": entry.who,
    }


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "organisation_id": case.organisation_id,
        "student_id": case.student_id,
        "student_name": case.student.display_name,
        "topic": case.topic,
        "summary": case.summary,
        "status": case.status,
        "assignee": _name(case.assignee),
        "reviewer": _name(case.reviewer),
        "follow_up_on": case.follow_up_on,
        "outcome": case.outcome,
        "created_at": case.created_at,
    }


def _case_detail(actor: Any, case: Case) -> dict[str, Any]:
    case = case_get(actor=actor, case_id=case.pk)
    case_views_record(actor=actor, cases=[case], purpose="API support case")
    return {**_case_out(case), "timeline": [_entry(e) for e in case_timeline(case)]}


def _adviser(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not casework_providers(actor).exists():
        raise NotFound
    return actor


def _person(person_id: UUID | None, field: str) -> Any:
    if person_id is None:
        return None
    found = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    if found is None:
        raise ApplicationError("Choose a student support adviser at this provider.", field=field)
    return found


@router.get("/cases", response=Page[CaseOut], operation_id="support_cases")
def support_cases_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My providers' cases, the newest first, by `topic` and `status` (never by note text)."""
    actor = _adviser(request)
    filters = case_filters(request.GET)
    page = page_of(case_list(actor=actor, filters=filters), limit=limit, offset=offset)
    case_views_record(actor=actor, cases=page.items, purpose="API support cases")
    return page.answer(_case_out)


@router.post("/cases", response={201: CaseDetailOut}, operation_id="support_case_open")
def support_case_open_api(request: HttpRequest, body: CaseIn) -> Any:
    """Open a case for a student of one of my providers."""
    actor = _adviser(request)
    student = (
        Student.objects.filter(
            pk=body.student_id,
            organisation__in=casework_providers(actor),
            anonymised_at__isnull=True,
        )
        .select_related("organisation")
        .first()
    )
    if student is None:
        raise ApplicationError("Choose a student of your provider.", field="student_id")
    case = case_open(
        actor=actor,
        organisation=student.organisation,
        student=student,
        topic=body.topic,
        summary=body.summary,
        assignee=_person(body.assignee_id, "assignee_id"),
        reviewer=_person(body.reviewer_id, "reviewer_id"),
        follow_up_on=body.follow_up_on,
    )
    return Status(201, _case_detail(actor, case))


@router.get("/cases/{case_id}", response=CaseDetailOut, operation_id="support_case_get")
def support_case_get_api(request: HttpRequest, case_id: UUID) -> Any:
    """One case with its whole timeline (private notes included); the read is logged."""
    actor = api_actor(request)
    return _case_detail(actor, case_get(actor=actor, case_id=case_id))


def _worked(request: HttpRequest, case_id: UUID) -> tuple[Any, Case]:
    actor = api_actor(request)
    return actor, case_policy.get(actor, case_id, action=WORK)


@router.post(
    "/cases/{case_id}/notes", response={201: CaseDetailOut}, operation_id="support_case_note"
)
def support_case_note_api(request: HttpRequest, case_id: UUID, body: NoteIn) -> Any:
    """Add a note: private to the provider's advisers unless shared with the student."""
    actor, case = _worked(request, case_id)
    note_add(actor=actor, case=case, body=body.body, shared_with_student=body.shared_with_student)
    return Status(201, _case_detail(actor, case))


@router.post(
    "/cases/{case_id}/handover", response=CaseDetailOut, operation_id="support_case_handover"
)
def support_case_handover_api(request: HttpRequest, case_id: UUID, body: HandoverIn) -> Any:
    """Hand the case over to another adviser of the provider."""
    actor, case = _worked(request, case_id)
    case_handover(
        actor=actor,
        case=case,
        to_adviser=_person(body.to_adviser_id, "to_adviser_id"),
        note=body.note,
    )
    return _case_detail(actor, case)


@router.post(
    "/cases/{case_id}/referrals",
    response={201: ReferralOut},
    operation_id="support_case_referral",
)
def support_case_referral_api(request: HttpRequest, case_id: UUID, body: ReferralIn) -> Any:
    """Refer the student, with when and how they agreed (refused without)."""
    actor, case = _worked(request, case_id)
    referral = referral_make(
        actor=actor,
        case=case,
        service=body.service,
        service_name=body.service_name,
        consent_given_on=body.consent_given_on,
        consent_how=body.consent_how,
        details=body.details,
    )
    return Status(
        201,
        {
            "id": referral.pk,
            "service": referral.service,
            "service_name": referral.service_name,
            "consent_given_on": referral.consent_given_on,
            "consent_how": referral.consent_how,
        },
    )


@router.post(
    "/cases/{case_id}/referrals/{referral_id}/close",
    response=CaseDetailOut,
    operation_id="support_case_referral_close",
)
def support_case_referral_close_api(
    request: HttpRequest, case_id: UUID, referral_id: ReferralNumber, body: CloseIn
) -> Any:
    """Close one of the case's referrals with what came of it."""
    actor, case = _worked(request, case_id)
    referral = case.referrals.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound
    referral_close(actor=actor, referral=referral, outcome=body.outcome)
    return _case_detail(actor, case)


@router.post("/cases/{case_id}/close", response=CaseDetailOut, operation_id="support_case_close")
def support_case_close_api(request: HttpRequest, case_id: UUID, body: CloseIn) -> Any:
    """Close the case with its outcome (the student sees it and is told)."""
    actor, case = _worked(request, case_id)
    case_close(actor=actor, case=case, outcome=body.outcome)
    return _case_detail(actor, case)


@router.post("/cases/{case_id}/reopen", response=CaseDetailOut, operation_id="support_case_reopen")
def support_case_reopen_api(request: HttpRequest, case_id: UUID, body: ReopenIn) -> Any:
    """Re-open a closed case, keeping its history."""
    actor, case = _worked(request, case_id)
    case_reopen(actor=actor, case=case, reason=body.reason)
    return _case_detail(actor, case)


def _appointment_out(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "student_name": appointment.student.display_name,
        "topic": appointment.topic,
        "request": appointment.request,
        "preferred_times": appointment.preferred_times,
        "mode": appointment.mode,
        "status": appointment.status,
        "starts_at": appointment.starts_at,
        "where": appointment.where,
        "adviser": _name(appointment.adviser),
        "case_id": appointment.case_id,
    }


@router.get("/appointments", response=Page[AppointmentOut], operation_id="support_appointments")
def support_appointments_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """Appointments asked for (the oldest first), then those booked (the soonest first)."""
    actor = _adviser(request)
    rows = [*appointment_requests(actor=actor), *appointments_booked(actor=actor)]
    page = page_of(rows, limit=limit, offset=offset)
    return page.answer(_appointment_out)


@router.post(
    "/appointments/{appointment_id}/book",
    response=AppointmentOut,
    operation_id="support_appointment_book",
)
def support_appointment_book_api(request: HttpRequest, appointment_id: UUID, body: BookIn) -> Any:
    """Book an appointment asked for; the student is told."""
    actor = api_actor(request)
    appointment = appointment_policy.get(actor, appointment_id, action=WORK)
    booked = appointment_book(
        actor=actor,
        appointment=appointment,
        starts_at=body.starts_at,
        where=body.where,
        adviser=_person(body.adviser_id, "adviser_id"),
    )
    return _appointment_out(booked)


@router.post(
    "/appointments/{appointment_id}/held",
    response=AppointmentOut,
    operation_id="support_appointment_hold",
)
def support_appointment_hold_api(request: HttpRequest, appointment_id: UUID) -> Any:
    """The booked appointment took place."""
    actor = api_actor(request)
    appointment = appointment_policy.get(actor, appointment_id, action=WORK)
    return _appointment_out(appointment_hold(actor=actor, appointment=appointment))


@router.post(
    "/appointments/{appointment_id}/cancel",
    response=AppointmentOut,
    operation_id="support_appointment_cancel",
)
def support_appointment_cancel_api(
    request: HttpRequest, appointment_id: UUID, body: ReopenIn
) -> Any:
    """Cancel an appointment asked for or booked, saying why if you wish."""
    actor = api_actor(request)
    appointment = appointment_policy.get(actor, appointment_id, action=WORK)
    cancelled = appointment_cancel(actor=actor, appointment=appointment, reason=body.reason)
    return _appointment_out(cancelled)


@router.post(
    "/appointments/{appointment_id}/open-case",
    response={201: CaseDetailOut},
    operation_id="support_appointment_open_case",
)
def support_appointment_open_case_api(
    request: HttpRequest, appointment_id: UUID, body: FromRequestIn
) -> Any:
    """Open a case from a student's appointment request; the student is told."""
    actor = api_actor(request)
    appointment = appointment_policy.get(actor, appointment_id, action=WORK)
    case = case_open_from_appointment(
        actor=actor,
        appointment=appointment,
        summary=body.summary,
        assignee=_person(body.assignee_id, "assignee_id"),
        follow_up_on=body.follow_up_on,
    )
    return Status(201, _case_detail(actor, case))


def _student(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not my_students(actor=actor).exists():
        raise NotFound
    return actor


@router.get("/my-cases", response=Page[MyCaseOut], operation_id="support_my_cases")
def support_my_cases_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My own cases and what I agreed with my adviser (never an adviser's private note)."""
    actor = _student(request)
    page = page_of(my_case_list(actor=actor), limit=limit, offset=offset)

    def out(case: Case) -> dict[str, Any]:
        return {
            "id": case.pk,
            "provider": case.organisation.name,
            "topic": case.topic,
            "summary": case.summary,
            "status": case.status,
            "outcome": case.outcome if case.is_closed else "",
            "adviser": _name(case.assignee),
            "agreed": [_entry(e) for e in my_case_timeline(case)],
        }

    return page.answer(out)


def _my_appointment_out(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "topic": appointment.topic,
        "mode": appointment.mode,
        "status": appointment.status,
        "starts_at": appointment.starts_at,
        "where": appointment.where,
        "adviser": _name(appointment.adviser),
    }


@router.get(
    "/my-appointments", response=Page[MyAppointmentOut], operation_id="support_my_appointments"
)
def support_my_appointments_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My own appointments, the newest first."""
    actor = _student(request)
    page = page_of(my_appointment_list(actor=actor), limit=limit, offset=offset)
    return page.answer(_my_appointment_out)


@router.post(
    "/my-appointments",
    response={201: MyAppointmentOut},
    operation_id="support_my_appointment_request",
)
def support_my_appointment_request_api(request: HttpRequest, body: AppointmentRequestIn) -> Any:
    """Ask my provider's student support advisers for a 1-2-1 appointment."""
    actor = _student(request)
    appointment = appointment_request(
        actor=actor,
        topic=body.topic,
        request=body.request,
        preferred_times=body.preferred_times,
        mode=body.mode,
    )
    return Status(201, _my_appointment_out(appointment))
