"""Support records of care-experienced and estranged students: opening one (by an adviser, or
for a student the enrolment import found), the adviser's changes (named contact, care and
estrangement, personal adviser with the student's consent, pathway plan review, halls, support
plan), when each characteristic became known, the student's wish not to be contacted about it,
pathway plan review reminders to the named contact, and the local authority's bursary (expected,
chased, received). Every write goes through here, for someone the record policy allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.students.models import Student
from widen.support.models import (
    BURSARY_WORKFLOW,
    CareStatus,
    Identification,
    IdentificationStage,
    IdentifiedCharacteristic,
    LocalAuthorityBursary,
    SupportRecord,
)
from widen.support.permissions.providers import advisers_of
from widen.support.permissions.records import (
    ADVISE,
    ANSWER,
    local_authority_bursary_policy,
    may_advise,
    support_record_policy,
)

REVIEW_AT_LEAST_EVERY = timedelta(days=183)  # six months
REMIND_DAYS_BEFORE = 14
CHASE_AGAIN_AFTER = timedelta(days=14)
RECORDS_IMPORT_SOURCE = "student records import"
DEFAULT_BURSARY_PENCE = 200_000
CONSENT_REFUSAL = (
    "The personal adviser's contact details are kept only with the student's consent: record "
    "that the student agrees, or leave the details out."
)
EDITABLE = frozenset(
    {
        "named_contact",
        "care_status",
        "estranged",
        "local_authority",
        "personal_adviser",
        "personal_adviser_consent",
        "pathway_review_due",
        "halls_from",
        "halls_until",
        "halls_year_round",
        "summer_arrangements",
        "support_plan",
    }
)


@dataclass
class Updated:
    record: SupportRecord
    warnings: list[str] = field(default_factory=list)


def _advised(actor: Any, record: SupportRecord) -> SupportRecord:
    """The record as saved, if `actor` advises its student; otherwise `NotFound`."""
    return support_record_policy.get(actor, record.pk, action=ADVISE)


def _not_in_future(day: date | None, what: str, field_name: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ApplicationError(f"{what} cannot be in the future.", field=field_name)


def record_open(*, actor: Any, student: Student) -> SupportRecord:
    """Open the support record of one of the provider's own students (one per student); the
    adviser opening it is its named contact until someone else is named."""
    require_actor(actor)
    if student.anonymised_at is not None or not may_advise(actor, student.organisation_id):
        raise NotFound
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        if SupportRecord.objects.filter(student=student).exists():
            raise ApplicationError(f"{student.display_name} already has a support record.")
        return SupportRecord.objects.create(
            organisation_id=student.organisation_id,
            student=student,
            named_contact=actor if is_person(actor) else None,
        )


def record_open_from_records(*, actor: Any, student: Student) -> SupportRecord:
    """Open the record of a student the enrolment import found care experienced or estranged,
    with what the import said as identified at enrolment, on the day their record came in."""
    if not (student.care_experienced or student.estranged):
        raise ApplicationError(
            f"The student records do not say {student.display_name} is care experienced or "
            "estranged: open a record and add what the student told you instead."
        )
    with transaction.atomic():
        record = record_open(actor=actor, student=student)
        on = timezone.localdate(student.created_at)
        found = [
            (student.care_experienced, IdentifiedCharacteristic.CARE_EXPERIENCED),
            (student.estranged, IdentifiedCharacteristic.ESTRANGED),
        ]
        for known, characteristic in found:
            if known:
                identification_add(
                    actor=actor,
                    record=record,
                    characteristic=characteristic,
                    stage=IdentificationStage.ENROLMENT,
                    identified_on=on,
                    source=RECORDS_IMPORT_SOURCE,
                )
        record.refresh_from_db()
        return record


def pathway_review_warnings(
    record: SupportRecord, *, last_due: date | None = None, today: date | None = None
) -> list[str]:
    """Why the pathway plan's next review looks wrong: a care leaver's plan is reviewed at
    least every six months."""
    today = today or timezone.localdate()
    due = record.pathway_review_due
    if due is None:
        if record.care_status == CareStatus.CARE_LEAVER:
            return [
                "There is no next pathway plan review: a care leaver's plan is reviewed at "
                "least every six months."
            ]
        return []
    since = max(filter(None, [last_due, today]))
    if due > since + REVIEW_AT_LEAST_EVERY:
        return [
            f"The next pathway plan review ({due:%-d %B %Y}) is more than six months after "
            f"the last ({since:%-d %B %Y}): it is reviewed at least every six months."
        ]
    return []


def _check(record: SupportRecord) -> None:
    if (
        record.named_contact_id
        and not advisers_of(record.organisation_id).filter(pk=record.named_contact_id).exists()
    ):
        raise ApplicationError(
            f"The named contact must be a student support adviser at {record.organisation.name}.",
            field="named_contact",
        )
    if record.personal_adviser.strip() and not record.personal_adviser_consent:
        raise ApplicationError(CONSENT_REFUSAL, field="personal_adviser")
    if record.halls_from and record.halls_until and record.halls_until < record.halls_from:
        raise ApplicationError(
            "The halls contract must end on or after the day it starts.", field="halls_until"
        )


def record_update(*, actor: Any, record: SupportRecord, changes: Mapping[str, Any]) -> Updated:
    """Change what the record holds (only the fields an adviser keeps); the consent date is
    stamped when the student's consent is first recorded, and a new review date is reminded of
    afresh. Returns the record with any warning about its pathway plan review."""
    require_actor(actor)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"A support record does not change {sorted(unknown)} here.")
    with transaction.atomic():
        saved = _advised(actor, record)
        locked = SupportRecord.objects.select_for_update().get(pk=saved.pk)
        last_due = locked.pathway_review_due
        had_consent = locked.personal_adviser_consent
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.personal_adviser_consent and not had_consent:
            locked.personal_adviser_consent_on = timezone.localdate()
        if not locked.personal_adviser_consent:
            locked.personal_adviser_consent_on = None
        if locked.pathway_review_due != last_due:
            locked.pathway_review_reminded_on = None
        _check(locked)
        locked.save()
    warnings = pathway_review_warnings(locked, last_due=last_due)
    return Updated(locked, warnings)


def do_not_contact_set(*, actor: Any, record: SupportRecord, do_not_contact: bool) -> SupportRecord:
    """The student's wish (said by them, or to an adviser) not to be contacted about being care
    experienced or estranged."""
    require_actor(actor)
    if not (
        support_record_policy.may(actor, ANSWER, record)
        or support_record_policy.may(actor, ADVISE, record)
    ):
        raise NotFound
    with transaction.atomic():
        locked = SupportRecord.objects.select_for_update().get(pk=record.pk)
        locked.do_not_contact = do_not_contact
        locked.save(update_fields=["do_not_contact", "updated_at"])
    return locked


def identification_add(
    *,
    actor: Any,
    record: SupportRecord,
    characteristic: str,
    stage: str,
    identified_on: date,
    source: str = "",
) -> Identification:
    """Record when, at which stage and from what source a characteristic became known; the
    record then says so (a care leaver stays a care leaver)."""
    require_actor(actor)
    characteristic = IdentifiedCharacteristic(characteristic)
    stage = IdentificationStage(stage)
    _not_in_future(identified_on, "The date it became known", "identified_on")
    with transaction.atomic():
        locked = SupportRecord.objects.select_for_update().get(pk=_advised(actor, record).pk)
        identification = Identification.objects.create(
            record=locked,
            characteristic=characteristic,
            stage=stage,
            identified_on=identified_on,
            source=source.strip()[:200],
            recorded_by=actor if is_person(actor) else None,
        )
        if characteristic == IdentifiedCharacteristic.ESTRANGED:
            locked.estranged = True
        elif characteristic == IdentifiedCharacteristic.CARE_LEAVER:
            locked.care_status = CareStatus.CARE_LEAVER
        elif locked.care_status != CareStatus.CARE_LEAVER:
            locked.care_status = CareStatus.CARE_EXPERIENCED
        locked.save(update_fields=["estranged", "care_status", "updated_at"])
    return identification


def pathway_reviews_remind(*, actor: Any, today: date | None = None) -> int:
    """Tell each named contact, once, of a pathway plan review due within two weeks (the
    student is never told: this goes to the adviser). Returns how many were reminded."""
    require_actor(actor)
    if not may_advise(actor):
        raise NotFound
    today = today or timezone.localdate()
    due = (
        support_record_policy.visible_to(actor)
        .filter(
            pathway_review_due__gte=today,
            pathway_review_due__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
            pathway_review_reminded_on__isnull=True,
            named_contact__is_active=True,
        )
        .select_related("student", "named_contact")
    )
    reminded = 0
    with transaction.atomic():
        for record in due.select_for_update(of=("self",)):
            notify(
                template="support/pathway_review_due",
                category=Category.UPDATES,
                context={"student": record.student.display_name, "due": record.pathway_review_due},
                user=record.named_contact,
                link=reverse("support:record", args=[record.pk]),
            )
            record.pathway_review_reminded_on = today
            record.save(update_fields=["pathway_review_reminded_on", "updated_at"])
            reminded += 1
    return reminded


def bursary_expect(
    *,
    actor: Any,
    record: SupportRecord,
    local_authority: str,
    expected_on: date,
    amount_pence: int = DEFAULT_BURSARY_PENCE,
    note: str = "",
) -> LocalAuthorityBursary:
    """Record the local authority's bursary as expected (£2,000 unless said)."""
    require_actor(actor)
    record = _advised(actor, record)
    if not local_authority.strip():
        raise ApplicationError("Say which local authority pays it.", field="local_authority")
    if amount_pence <= 0:
        raise ApplicationError("The amount must be more than £0.", field="amount_pence")
    return LocalAuthorityBursary.objects.create(
        record=record,
        local_authority=local_authority.strip()[:120],
        amount_pence=amount_pence,
        expected_on=expected_on,
        note=note.strip()[:2000],
    )


def _bursary(actor: Any, bursary: LocalAuthorityBursary) -> LocalAuthorityBursary:
    return local_authority_bursary_policy.get(actor, bursary.pk, action=ADVISE)


def bursary_chase(
    *, actor: Any, bursary: LocalAuthorityBursary, today: date | None = None
) -> LocalAuthorityBursary:
    """Say the authority has been chased for an expected bursary (today)."""
    require_actor(actor)
    saved = _bursary(actor, bursary)
    if not saved.is_expected:
        raise ApplicationError("This bursary has been received: there is nothing to chase.")
    saved.chased_on = today or timezone.localdate()
    saved.save(update_fields=["chased_on", "updated_at"])
    return saved


def bursary_receive(
    *, actor: Any, bursary: LocalAuthorityBursary, received_on: date
) -> LocalAuthorityBursary:
    """Say the bursary has reached the student, on the day it did."""
    require_actor(actor)
    saved = _bursary(actor, bursary)
    _not_in_future(received_on, "The day it was received", "received_on")
    return BURSARY_WORKFLOW.apply(
        saved, "receive", actor=actor, changes={"received_on": received_on}
    )
