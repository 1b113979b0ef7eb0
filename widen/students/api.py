"""Students in the JSON API: the same selectors, policy and services as the pages.

Each student is returned with only the fields the caller's role (and, for another provider's
student, the data-sharing agreement) allow: an absent key means "not shared with you", never
"empty". Every read of a student's record is put in the access log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page, page_of
from widen.core.exceptions import NotFound
from widen.organisations.models import DataCategory, OrganisationType
from widen.organisations.selectors import organisation_get
from widen.students.models import Student, StudentStatus
from widen.students.permissions import StudentAccess
from widen.students.selectors import (
    StudentFilters,
    list_categories_shown,
    list_view_purpose,
    student_access_map,
    student_declarations,
    student_get,
    student_list,
    student_pseudonym,
    student_status_history,
    student_views_record,
    term_dates_of,
)
from widen.students.services import COURSE_FIELDS, student_status_change

router = Router(tags=["students"])


class StudentOut(Schema):
    id: UUID
    pseudonym: str
    organisation_id: UUID
    course: str
    level: str
    mode: str
    entry_route: str
    year_of_study: int | None
    starts_on: date | None
    expected_end_on: date | None
    status: str
    status_since: date | None
    student_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    email: str | None = None
    phone: str | None = None
    home_postcode: str | None = None
    term_postcode: str | None = None
    uln: str | None = None
    linked_learner_id: UUID | None = Field(
        None, description="The learner record of the student's outreach past, once confirmed."
    )
    sex: str | None = None
    first_in_family: bool | None = None
    household_income_band: str | None = None
    free_school_meals: bool | None = None
    young_adult_carer: bool | None = None
    estranged: bool | None = None
    student_visa: bool | None = None
    care_experienced: bool | None = None
    disabled: bool | None = None
    ethnicity: str | None = None


class StudentPage(Page[StudentOut]):
    pass


class StatusChangeOut(Schema):
    status: str
    previous_status: str
    changed_on: date
    recorded_by: str = Field(description="Who recorded it (empty: Widen itself, an import).")
    source: str
    recorded_at: datetime


class DeclarationOut(Schema):
    characteristic: str
    value: str = Field(description='"yes", "no", a choice\'s value; "" for not declared.')
    recorded_by: str
    source: str
    recorded_at: datetime


class StudentDetailOut(StudentOut):
    status_history: list[StatusChangeOut]
    declarations: list[DeclarationOut] | None = Field(
        None, description="Absent when the caller sees none of the student's characteristics."
    )


class StatusChangeIn(InputSchema):
    status: StudentStatus
    changed_on: CalendarDate = Field(description="The day the new status took effect.")


class TermOut(Schema):
    id: UUID
    academic_year: str
    name: str
    starts_on: date
    ends_on: date


class TermPage(Page[TermOut]):
    pass


def _serialise(student: Student, access: StudentAccess) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": student.id,
        "pseudonym": student_pseudonym(student.id),
        "organisation_id": student.organisation_id,
        "status": student.status,
        "status_since": student.status_since,
        **{name: getattr(student, name) for name in COURSE_FIELDS},
    }
    for name in access.visible_fields():
        shown[name] = getattr(student, name)
    if DataCategory.IDENTITY in access.categories and student.linked_learner_id:
        shown["linked_learner_id"] = student.linked_learner_id
    return shown


def _who(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _detail(student: Student, access: StudentAccess) -> dict[str, Any]:
    shown = _serialise(student, access)
    shown["status_history"] = [
        {
            "status": change.status,
            "previous_status": change.previous_status,
            "changed_on": change.changed_on,
            "recorded_by": _who(change.recorded_by),
            "source": change.source,
            "recorded_at": change.created_at,
        }
        for change in student_status_history(student=student)
    ]
    if access.categories & {DataCategory.CHARACTERISTICS, DataCategory.SPECIAL_CATEGORY}:
        shown["declarations"] = [
            {
                "characteristic": declaration.characteristic,
                "value": declaration.value,
                "recorded_by": _who(declaration.recorded_by),
                "source": declaration.source,
                "recorded_at": declaration.created_at,
            }
            for declaration in student_declarations(student=student, access=access)
        ]
    return shown


@router.get("", response=StudentPage, exclude_unset=True, operation_id="student_list")
def student_list_api(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    level: str = "",
    year_of_study: str = "",
    provider: str = "",
    characteristic: str = "",
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> dict[str, Any]:
    """`q` finds names and student numbers; `characteristic` (a yes/no declared
    characteristic, say `care_experienced`) considers only students whose characteristic the
    caller may see."""
    filters = StudentFilters.from_params(
        {
            "q": q,
            "status": status,
            "level": level,
            "year_of_study": year_of_study,
            "provider": provider,
            "characteristic": characteristic,
        }
    )
    actor = api_actor(request)
    page = page_of(student_list(actor=actor, filters=filters), limit=limit, offset=offset)
    access_by_student = student_access_map(actor=actor, students=page.items)
    student_views_record(
        actor=actor,
        students=page.items,
        access_by_student=access_by_student,
        purpose=list_view_purpose("API student list", filters),
        categories_shown=list_categories_shown(filters),
    )
    return page.answer(lambda student: _serialise(student, access_by_student[student.id]))


@router.get(
    "/providers/{organisation_id}/terms",
    response=TermPage,
    operation_id="term_dates_list",
)
def term_dates_list_api(
    request: HttpRequest,
    organisation_id: UUID,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> dict[str, Any]:
    """The terms of an HE provider of the caller's partnerships, in date order: days in none
    are vacation."""
    organisation = organisation_get(actor=api_actor(request), organisation_id=organisation_id)
    if organisation.organisation_type != OrganisationType.HE_PROVIDER:
        raise NotFound
    return page_of(term_dates_of(organisation=organisation), limit=limit, offset=offset).answer()


@router.get(
    "/{student_id}", response=StudentDetailOut, exclude_unset=True, operation_id="student_get"
)
def student_get_api(request: HttpRequest, student_id: UUID) -> dict[str, Any]:
    actor = api_actor(request)
    student, access = student_get(actor=actor, student_id=student_id)
    student_views_record(
        actor=actor,
        students=[student],
        access_by_student={student.id: access},
        purpose="API student record read",
    )
    return _detail(student, access)


@router.post(
    "/{student_id}/status",
    response=StudentDetailOut,
    exclude_unset=True,
    operation_id="student_status_change",
)
def student_status_change_api(
    request: HttpRequest, student_id: UUID, payload: StatusChangeIn
) -> dict[str, Any]:
    """Move the student to a new status from the day it took effect (not in the future, nor
    before the current status began); the status before is kept in their history."""
    actor = api_actor(request)
    student, access = student_get(actor=actor, student_id=student_id)
    if not access.can_change:
        raise NotFound
    student_status_change(
        actor=actor,
        student=student,
        status=payload.status,
        changed_on=payload.changed_on,
        source="API",
    )
    student_views_record(
        actor=actor,
        students=[student],
        access_by_student={student.id: access},
        purpose="API student status changed",
    )
    return _detail(student, access)
