"""Reading support records for their pages and the API: an adviser's own provider's records
(filtered), the students the enrolment import found who have none yet, the local authority
bursaries to chase, the student's own record, and every adviser's read put in the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from widen.core.exceptions import NotFound
from widen.organisations.models import DataCategory
from widen.students.mine.selectors import my_students, students_current
from widen.students.models import Student
from widen.support.models import (
    BursaryStatus,
    CareStatus,
    LocalAuthorityBursary,
    Scheme,
    SupportRecord,
)
from widen.support.permissions.records import advised_providers, support_record_policy
from widen.support.selectors.reads import support_reads_record

REVIEW_SOON = timedelta(days=14)
CHASE_AGAIN_AFTER = timedelta(days=14)
# What a support record shows of its student: who they are, and care experience (special
# category data) or estrangement.
RECORD_CATEGORIES = frozenset({DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY})


@dataclass(frozen=True)
class RecordFilters:
    """Which records a list shows (all when nothing is chosen)."""

    care_leaver: bool = False
    care_experienced: bool = False
    estranged: bool = False
    review_due: bool = False
    bursary_to_chase: bool = False


def bursaries_to_chase_of(
    bursaries: QuerySet[LocalAuthorityBursary], today: date | None = None
) -> QuerySet[LocalAuthorityBursary]:
    """Expected, past the day they were expected by, and not chased in the last two weeks."""
    today = today or timezone.localdate()
    return bursaries.filter(expected_on__lt=today, status=BursaryStatus.EXPECTED).filter(
        Q(chased_on__isnull=True) | Q(chased_on__lte=today - CHASE_AGAIN_AFTER)
    )


def advised_records(*, actor: Any) -> QuerySet[SupportRecord]:
    """The support records of the students `actor` advises (never the student's own view)."""
    return SupportRecord.objects.filter(organisation__in=advised_providers(actor))


def record_list(
    *, actor: Any, filters: RecordFilters | None = None, today: date | None = None
) -> QuerySet[SupportRecord]:
    """The records of the students `actor` advises, by the student's name."""
    filters = filters or RecordFilters()
    today = today or timezone.localdate()
    records = advised_records(actor=actor)
    if filters.care_leaver:
        records = records.filter(care_status=CareStatus.CARE_LEAVER)
    if filters.care_experienced:
        records = records.exclude(care_status=CareStatus.NONE)
    if filters.estranged:
        records = records.filter(estranged=True)
    if filters.review_due:
        records = records.filter(
            Q(pathway_review_due__lte=today + REVIEW_SOON)
            | Q(pathway_review_due__isnull=True, care_status=CareStatus.CARE_LEAVER)
        )
    if filters.bursary_to_chase:
        chase = bursaries_to_chase_of(
            LocalAuthorityBursary.objects.filter(record=OuterRef("pk")), today
        )
        records = records.filter(Exists(chase))
    return records.select_related("student", "named_contact", "organisation").order_by(
        "student__last_name", "student__first_name", "student_id"
    )


def record_get(*, actor: Any, record_id: UUID | str) -> SupportRecord:
    """One record of a student `actor` advises (NotFound for any other, the student's own
    included: they have their own page)."""
    try:
        found = record_list(actor=actor).filter(pk=record_id).first()
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if found is None:
        raise NotFound
    return found


def my_record(*, actor: Any) -> SupportRecord | None:
    """The signed-in student's own support record, if they have one."""
    return (
        support_record_policy.visible_to(actor)
        .filter(student__in=my_students(actor=actor))
        .select_related("student", "named_contact", "organisation")
        .first()
    )


def found_in_records(*, actor: Any) -> QuerySet[Student]:
    """Students of the providers `actor` advises whom the student records (the enrolment
    import) say are care experienced or estranged, and who have no support record yet."""
    return (
        students_current()
        .filter(organisation__in=advised_providers(actor))
        .filter(Q(care_experienced=True) | Q(estranged=True))
        .filter(support_record__isnull=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def found_student_get(*, actor: Any, student_id: UUID | str) -> Student:
    try:
        found = found_in_records(actor=actor).filter(pk=student_id).first()
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if found is None:
        raise NotFound
    return found


def bursaries_to_chase(*, actor: Any, today: date | None = None) -> QuerySet[LocalAuthorityBursary]:
    """The local authority bursaries of `actor`'s students to chase, the longest overdue first."""
    bursaries = LocalAuthorityBursary.objects.filter(record__in=advised_records(actor=actor))
    return (
        bursaries_to_chase_of(bursaries, today)
        .select_related("record__student")
        .order_by("expected_on", "pk")
    )


def may_contact_student_about_care(student: Student | Any) -> bool:
    """Whether the student may be sent anything about being care experienced or estranged:
    not when they asked not to be. Every notification to a student about it asks this first."""
    student_id: Any = getattr(student, "pk", student)
    return not SupportRecord.objects.filter(student_id=student_id, do_not_contact=True).exists()


CARE_CRITERIA = frozenset({"care_experienced", "estranged"})


def _criteria_named(definition: Any) -> set[str]:
    if isinstance(definition, dict):
        named = {definition["criterion"]} if isinstance(definition.get("criterion"), str) else set()
        return named.union(*(_criteria_named(value) for value in definition.values()))
    if isinstance(definition, list):
        return set().union(*(_criteria_named(value) for value in definition))
    return set()


def scheme_is_about_care(scheme: Scheme) -> bool:
    """Whether any of the scheme's rules ever read care experience or estrangement: telling a
    student about it (an invitation, an award) tells them why."""
    return any(
        CARE_CRITERIA & _criteria_named(definition)
        for definition in scheme.versions.values_list("definition", flat=True)
    )


def may_tell_student_about_scheme(student: Student | Any, scheme: Scheme) -> bool:
    """Whether the student may be sent news of this scheme: not if it is about care experience
    or estrangement and they asked not to be contacted about that (they still find it on their
    own pages)."""
    return not scheme_is_about_care(scheme) or may_contact_student_about_care(student)


def record_views_record(*, actor: Any, records: list[SupportRecord], purpose: str) -> int:
    """Put an adviser's read of these students' support records in the access log (their
    names and care experience or estrangement), as a read of each student's record."""
    return support_reads_record(
        actor=actor, rows=records, purpose=purpose, data_categories=RECORD_CATEGORIES
    )


def student_to_advise(*, actor: Any, student_number: str) -> Student | None:
    """The student of a provider `actor` advises with this number (None when there is none)."""
    return (
        students_current()
        .filter(organisation__in=advised_providers(actor), student_number=student_number.strip())
        .order_by("organisation__name")
        .first()
    )
