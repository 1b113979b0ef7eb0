"""Support records in the JSON API, under the same policy, selectors and services as the pages.

A student support adviser (`support.casework`) lists their provider's support records (filtered),
the students the enrolment import found who have none yet, and the local authority bursaries to
chase; opens, reads and changes a record; records when a characteristic became known; and
records a local authority bursary as expected, chased and received. Every read of a record is
put in the access log. A signed-in student reads their own record and says whether they may be
contacted about it. Anyone else is answered 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.students.models import Student
from widen.support.models import (
    CareStatus,
    Identification,
    IdentificationStage,
    IdentifiedCharacteristic,
    LocalAuthorityBursary,
    SupportRecord,
)
from widen.support.permissions.providers import advisers_of
from widen.support.permissions.records import ADVISE, local_authority_bursary_policy, may_advise
from widen.support.selectors.records import (
    RecordFilters,
    bursaries_to_chase,
    found_in_records,
    my_record,
    record_get,
    record_list,
    record_views_record,
)
from widen.support.services.records import (
    DEFAULT_BURSARY_PENCE,
    bursary_chase,
    bursary_expect,
    bursary_receive,
    do_not_contact_set,
    identification_add,
    pathway_review_warnings,
    record_open,
    record_open_from_records,
    record_update,
)

router = Router(tags=["student support records"])


class RecordOut(Schema):
    id: UUID
    organisation_id: UUID
    student_id: UUID
    student_number: str
    name: str
    named_contact_id: UUID | None
    named_contact: str
    care_status: str
    estranged: bool
    local_authority: str
    personal_adviser_consent: bool
    personal_adviser_consent_on: date | None
    personal_adviser: str = Field(description="Only with the student's consent.")
    pathway_review_due: date | None
    pathway_review_reminded_on: date | None
    halls_from: date | None
    halls_until: date | None
    halls_year_round: bool
    summer_arrangements: str
    support_plan: str
    do_not_contact: bool
    warnings: list[str] = Field(description="Why the pathway plan's next review looks wrong.")


class MyRecordOut(Schema):
    named_contact: str
    named_contact_email: str
    care_status: str
    estranged: bool
    local_authority: str
    personal_adviser: str
    pathway_review_due: date | None
    halls_from: date | None
    halls_until: date | None
    halls_year_round: bool
    summer_arrangements: str
    support_plan: str
    do_not_contact: bool


class FoundStudentOut(Schema):
    student_id: UUID
    student_number: str
    name: str
    care_experienced: bool
    estranged: bool


class IdentificationOut(Schema):
    id: int
    characteristic: str
    stage: str
    identified_on: date
    source: str
    recorded_at: datetime


class BursaryOut(Schema):
    id: UUID
    record_id: UUID
    local_authority: str
    amount_pence: int
    expected_on: date
    status: str
    received_on: date | None
    chased_on: date | None
    note: str


class RecordOpenIn(InputSchema):
    student_id: UUID
    from_records: bool = Field(
        False,
        description="Opened for a student the enrolment import found: what it said is recorded "
        "as identified at enrolment.",
    )


class RecordChangeIn(InputSchema):
    named_contact_id: UUID | None = None
    care_status: CareStatus | None = None
    estranged: bool | None = None
    local_authority: str | None = Field(None, max_length=120)
    personal_adviser: str | None = Field(None, max_length=2000)
    personal_adviser_consent: bool | None = None
    pathway_review_due: CalendarDate | None = None
    halls_from: CalendarDate | None = None
    halls_until: CalendarDate | None = None
    halls_year_round: bool | None = None
    summer_arrangements: str | None = Field(None, max_length=2000)
    support_plan: str | None = Field(None, max_length=10_000)


class IdentificationIn(InputSchema):
    characteristic: IdentifiedCharacteristic
    stage: IdentificationStage
    identified_on: CalendarDate
    source: str = Field("", max_length=200)


class BursaryIn(InputSchema):
    local_authority: str = Field(..., min_length=1, max_length=120)
    amount_pence: int = Field(DEFAULT_BURSARY_PENCE, gt=0, le=10_000_000)
    expected_on: CalendarDate
    note: str = Field("", max_length=2000)


class ReceivedIn(InputSchema):
    received_on: CalendarDate


class DoNotContactIn(InputSchema):
    do_not_contact: bool


def _person_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def _record_out(record: SupportRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "organisation_id": record.organisation_id,
        "student_id": record.student_id,
        "student_number": record.student.student_number,
        "name": record.student.display_name,
        "named_contact_id": record.named_contact_id,
        "named_contact": _person_name(record.named_contact),
        "care_status": record.care_status,
        "estranged": record.estranged,
        "local_authority": record.local_authority,
        "personal_adviser_consent": record.personal_adviser_consent,
        "personal_adviser_consent_on": record.personal_adviser_consent_on,
        "personal_adviser": record.personal_adviser if record.personal_adviser_consent else "",
        "pathway_review_due": record.pathway_review_due,
        "pathway_review_reminded_on": record.pathway_review_reminded_on,
        "halls_from": record.halls_from,
        "halls_until": record.halls_until,
        "halls_year_round": record.halls_year_round,
        "summer_arrangements": record.summer_arrangements,
        "support_plan": record.support_plan,
        "do_not_contact": record.do_not_contact,
        "warnings": pathway_review_warnings(record),
    }


def _adviser(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not may_advise(actor):
        raise NotFound
    return actor


def _read(actor: Any, record_id: UUID, purpose: str) -> SupportRecord:
    record = record_get(actor=actor, record_id=record_id)
    record_views_record(actor=actor, records=[record], purpose=purpose)
    return record


@router.get("/records", response=Page[RecordOut], operation_id="support_records")
def support_records_api(
    request: HttpRequest,
    care_leaver: bool = False,
    care_experienced: bool = False,
    estranged: bool = False,
    review_due: bool = False,
    bursary_to_chase: bool = False,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The support records of the students I advise (filters narrow them; each combines)."""
    actor = _adviser(request)
    filters = RecordFilters(
        care_leaver=care_leaver,
        care_experienced=care_experienced,
        estranged=estranged,
        review_due=review_due,
        bursary_to_chase=bursary_to_chase,
    )
    page = page_of(record_list(actor=actor, filters=filters), limit=limit, offset=offset)
    record_views_record(actor=actor, records=page.items, purpose="API list of support records")
    return page.answer(_record_out)


@router.get("/records/found", response=Page[FoundStudentOut], operation_id="support_records_found")
def support_records_found_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """Students the enrolment import says are care experienced or estranged, with no record."""
    actor = _adviser(request)
    page = page_of(found_in_records(actor=actor), limit=limit, offset=offset)

    def out(student: Student) -> dict[str, Any]:
        return {
            "student_id": student.pk,
            "student_number": student.student_number,
            "name": student.display_name,
            "care_experienced": bool(student.care_experienced),
            "estranged": bool(student.estranged),
        }

    return page.answer(out)


@router.post("/records", response={201: RecordOut}, operation_id="support_record_open")
def support_record_open_api(request: HttpRequest, body: RecordOpenIn) -> Any:
    """Open the support record of a student I advise (one per student)."""
    actor = _adviser(request)
    student = (
        Student.objects.filter(pk=body.student_id, anonymised_at__isnull=True)
        .select_related("organisation")
        .first()
    )
    if student is None or not may_advise(actor, student.organisation_id):
        raise ApplicationError("Choose a student of your provider.", field="student_id")
    opener = record_open_from_records if body.from_records else record_open
    record = opener(actor=actor, student=student)
    return Status(201, _record_out(_read(actor, record.pk, "API opening a support record")))


@router.get("/records/{record_id}", response=RecordOut, operation_id="support_record_get")
def support_record_get_api(request: HttpRequest, record_id: UUID) -> Any:
    return _record_out(_read(api_actor(request), record_id, "API support record"))


@router.patch("/records/{record_id}", response=RecordOut, operation_id="support_record_update")
def support_record_update_api(request: HttpRequest, record_id: UUID, body: RecordChangeIn) -> Any:
    """Change what the record holds (only what is sent). The personal adviser's details are
    kept only with the student's consent; the named contact is one of the provider's advisers."""
    actor = api_actor(request)
    record = record_get(actor=actor, record_id=record_id)
    given = body.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if name == "named_contact_id":
            contact = None
            if value is not None:
                contact = advisers_of(record.organisation_id).filter(pk=value).first()
                if contact is None:
                    raise ApplicationError(
                        "The named contact must be a student support adviser at "
                        f"{record.organisation.name}.",
                        field="named_contact_id",
                    )
            changes["named_contact"] = contact
        elif value is None and name in {
            "estranged",
            "personal_adviser_consent",
            "halls_year_round",
        }:
            raise ApplicationError("Say yes or no.", field=name)
        elif value is None and name in {
            "care_status",
            "local_authority",
            "personal_adviser",
            "summer_arrangements",
            "support_plan",
        }:
            changes[name] = ""
        else:
            changes[name] = value
    record_update(actor=actor, record=record, changes=changes)
    return _record_out(_read(actor, record.pk, "API changing a support record"))


@router.get(
    "/records/{record_id}/identifications",
    response=Page[IdentificationOut],
    operation_id="support_record_identifications",
)
def support_record_identifications_api(
    request: HttpRequest,
    record_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """When and how each characteristic became known, the earliest first."""
    record = _read(api_actor(request), record_id, "API identifications of a support record")
    identifications = record.identifications.order_by("identified_on", "recorded_at", "pk")
    return page_of(identifications, limit=limit, offset=offset).answer(lambda row: row)


@router.post(
    "/records/{record_id}/identifications",
    response={201: IdentificationOut},
    operation_id="support_record_identification_add",
)
def support_record_identification_add_api(
    request: HttpRequest, record_id: UUID, body: IdentificationIn
) -> Any:
    """Record when, at which stage and from what source a characteristic became known (not a
    day in the future); the record follows it."""
    actor = api_actor(request)
    record = record_get(actor=actor, record_id=record_id)
    made: Identification = identification_add(
        actor=actor,
        record=record,
        characteristic=body.characteristic,
        stage=body.stage,
        identified_on=body.identified_on,
        source=body.source,
    )
    return Status(201, made)


@router.get(
    "/records/{record_id}/bursaries",
    response=Page[BursaryOut],
    operation_id="support_record_bursaries",
)
def support_record_bursaries_api(
    request: HttpRequest,
    record_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The record's local authority bursaries, by the day each is expected."""
    record = _read(api_actor(request), record_id, "API bursaries of a support record")
    bursaries = record.local_authority_bursaries.order_by("expected_on", "pk")
    return page_of(bursaries, limit=limit, offset=offset).answer(lambda row: row)


@router.post(
    "/records/{record_id}/bursaries",
    response={201: BursaryOut},
    operation_id="support_record_bursary_add",
)
def support_record_bursary_add_api(request: HttpRequest, record_id: UUID, body: BursaryIn) -> Any:
    """Record a local authority bursary as expected (£2,000 unless said)."""
    actor = api_actor(request)
    record = record_get(actor=actor, record_id=record_id)
    return Status(
        201,
        bursary_expect(
            actor=actor,
            record=record,
            local_authority=body.local_authority,
            expected_on=body.expected_on,
            amount_pence=body.amount_pence,
            note=body.note,
        ),
    )


def _bursary(actor: Any, record_id: UUID, bursary_id: UUID) -> LocalAuthorityBursary:
    bursary = local_authority_bursary_policy.get(actor, bursary_id, action=ADVISE)
    if bursary.record_id != record_id:
        raise NotFound
    return bursary


@router.post(
    "/records/{record_id}/bursaries/{bursary_id}/chase",
    response=BursaryOut,
    operation_id="support_record_bursary_chase",
)
def support_record_bursary_chase_api(
    request: HttpRequest, record_id: UUID, bursary_id: UUID
) -> Any:
    """Say the authority was chased today for an expected bursary."""
    actor = api_actor(request)
    return bursary_chase(actor=actor, bursary=_bursary(actor, record_id, bursary_id))


@router.post(
    "/records/{record_id}/bursaries/{bursary_id}/received",
    response=BursaryOut,
    operation_id="support_record_bursary_receive",
)
def support_record_bursary_receive_api(
    request: HttpRequest, record_id: UUID, bursary_id: UUID, body: ReceivedIn
) -> Any:
    """Say the bursary reached the student, on the day it did (not in the future)."""
    actor = api_actor(request)
    return bursary_receive(
        actor=actor,
        bursary=_bursary(actor, record_id, bursary_id),
        received_on=body.received_on,
    )


@router.get(
    "/bursaries/to-chase", response=Page[BursaryOut], operation_id="support_bursaries_to_chase"
)
def support_bursaries_to_chase_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """Expected bursaries past their date and not chased in the last two weeks, oldest first."""
    actor = _adviser(request)
    page = page_of(bursaries_to_chase(actor=actor), limit=limit, offset=offset)
    return page.answer(lambda bursary: bursary)


def _mine(request: HttpRequest) -> SupportRecord:
    record = my_record(actor=api_actor(request))
    if record is None:
        raise NotFound
    return record


def _my_out(record: SupportRecord) -> dict[str, Any]:
    contact = record.named_contact
    return {
        "named_contact": _person_name(contact),
        "named_contact_email": contact.email if contact is not None else "",
        "care_status": record.care_status,
        "estranged": record.estranged,
        "local_authority": record.local_authority,
        "personal_adviser": record.personal_adviser if record.personal_adviser_consent else "",
        "pathway_review_due": record.pathway_review_due,
        "halls_from": record.halls_from,
        "halls_until": record.halls_until,
        "halls_year_round": record.halls_year_round,
        "summer_arrangements": record.summer_arrangements,
        "support_plan": record.support_plan,
        "do_not_contact": record.do_not_contact,
    }


@router.get("/mine/record", response=MyRecordOut, operation_id="support_my_record")
def support_my_record_api(request: HttpRequest) -> Any:
    """My own support record (404 when I have none)."""
    return _my_out(_mine(request))


@router.post("/mine/record/contact", response=MyRecordOut, operation_id="support_my_record_contact")
def support_my_record_contact_api(request: HttpRequest, body: DoNotContactIn) -> Any:
    """Say whether I may be contacted about being care experienced or estranged."""
    record = do_not_contact_set(
        actor=api_actor(request), record=_mine(request), do_not_contact=body.do_not_contact
    )
    return _my_out(record)
