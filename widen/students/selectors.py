"""Every read of students and of their providers' term dates, scoped by `student_policy`."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q, QuerySet

from widen.accounts.capabilities import is_system
from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import NotFound
from widen.learners.permissions import LearnerScope
from widen.organisations.models import DataCategory, Organisation
from widen.students.models import (
    CHARACTERISTIC_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    Declaration,
    Student,
    StudentStatus,
    StudentStatusChange,
    StudyLevel,
    TermDates,
)
from widen.students.permissions import StudentAccess, StudentPolicy, student_policy

MAX_SEARCH_LENGTH = 100
MAX_YEAR_OF_STUDY = 10
SUBJECT_TYPE = "students.student"
# The yes/no characteristics a list may be filtered on, and the category each is of.
FILTERABLE_CHARACTERISTICS: dict[str, str] = {
    **{
        name: DataCategory.CHARACTERISTICS
        for name in CHARACTERISTIC_FIELDS
        if Student._meta.get_field(name).get_internal_type() == "BooleanField"  # type: ignore[union-attr]
    },
    **{
        name: DataCategory.SPECIAL_CATEGORY
        for name in SPECIAL_CATEGORY_FIELDS
        if Student._meta.get_field(name).get_internal_type() == "BooleanField"  # type: ignore[union-attr]
    },
}


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value or ""))
    except ValueError:
        return None


@dataclass(frozen=True)
class StudentFilters:
    """The allowlisted ways to narrow a student list (anything else is ignored)."""

    search: str = ""
    status: str = ""
    level: str = ""
    year_of_study: int | None = None
    provider_id: UUID | None = None
    characteristic: str = ""

    @classmethod
    def from_params(cls, params: Any) -> StudentFilters:
        status = str(params.get("status", "") or "")
        level = str(params.get("level", "") or "")
        characteristic = str(params.get("characteristic", "") or "")
        raw_year = str(params.get("year_of_study", "") or "")
        year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() else None
        return cls(
            search=str(params.get("q", "") or "").strip()[:MAX_SEARCH_LENGTH],
            status=status if status in StudentStatus.values else "",
            level=level if level in StudyLevel.values else "",
            year_of_study=year if year and 1 <= year <= MAX_YEAR_OF_STUDY else None,
            provider_id=_uuid(params.get("provider")),
            characteristic=characteristic if characteristic in FILTERABLE_CHARACTERISTICS else "",
        )

    def categories_read(self) -> frozenset[str]:
        """The categories of a student's data the filters read: a student is considered only
        when one route shows the person all of them."""
        needed: set[str] = set()
        if self.search:
            needed.add(DataCategory.IDENTITY)
        if self.characteristic:
            needed.add(FILTERABLE_CHARACTERISTICS[self.characteristic])
        return frozenset(needed)

    def used(self) -> list[str]:
        return [
            name
            for name, value in (
                ("search", self.search),
                ("status", self.status),
                ("level", self.level),
                ("year of study", self.year_of_study),
                ("provider", self.provider_id),
                (self.characteristic, self.characteristic),
            )
            if value
        ]


def characteristic_choices(actor: Any) -> list[tuple[str, str]]:
    """The characteristics `actor` may filter a list on: only those of a category they see."""
    seen = set().union(*(scope.categories for scope in student_policy.scopes(actor)))
    return [
        (name, _label(name))
        for name, category in FILTERABLE_CHARACTERISTICS.items()
        if category in seen
    ]


def _label(name: str) -> str:
    label = str(Student._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    return label[:1].upper() + label[1:]


def student_list(*, actor: Any, filters: StudentFilters | None = None) -> QuerySet[Student]:
    """The students `actor` may see that the filters find, in name order (a search or a
    characteristic considers only students whose field the person may see)."""
    filters = filters or StudentFilters()
    students = student_policy.visible_to(actor, needing=filters.categories_read()).filter(
        anonymised_at__isnull=True
    )
    if filters.search:
        for word in filters.search.replace(",", " ").split()[:4]:
            students = students.filter(
                _word(word, "first_name")
                | _word(word, "last_name")
                | _word(word, "preferred_name")
                | _word(word, "student_number", exact=True)
            )
    if filters.status:
        students = students.filter(status=filters.status)
    if filters.level:
        students = students.filter(level=filters.level)
    if filters.year_of_study is not None:
        students = students.filter(year_of_study=filters.year_of_study)
    if filters.provider_id:
        students = students.filter(organisation_id=filters.provider_id)
    if filters.characteristic:
        students = students.filter(**{filters.characteristic: True})
    return students.select_related("organisation").order_by(*_order(actor))


def _order(actor: Any) -> tuple[str, ...]:
    """By name where `actor` sees every student's name; otherwise in an order that says nothing
    of names (those seen under a pseudonym are never sorted by the names they hide)."""
    if is_system(actor) or all(
        DataCategory.IDENTITY in scope.categories
        for scope in student_policy.scopes(actor)
        if scope.categories
    ):
        return ("last_name", "first_name", "id")
    return ("id",)


def _word(word: str, name: str, *, exact: bool = False) -> Q:
    return Q(**{f"{name}__{'iexact' if exact else 'icontains'}": word})


class _RoutesWorkedOutOnce(StudentPolicy):
    """The student policy deciding for a page of students with the routes it worked out once."""

    def __init__(self, routes: list[LearnerScope]) -> None:
        self._routes = routes

    def scopes(self, actor: Any) -> list[LearnerScope]:
        return list(self._routes)


def student_access_map(*, actor: Any, students: list[Student]) -> dict[UUID, StudentAccess]:
    """What `actor` may see of each student of a page (the routes worked out once, however many
    students)."""
    policy = _RoutesWorkedOutOnce(student_policy.scopes(actor))
    result = {}
    for student in students:
        access = policy.access(actor, student)
        if access is not None:
            result[student.id] = access
    return result


def student_views_record(
    *,
    actor: Any,
    students: list[Student],
    access_by_student: dict[UUID, StudentAccess],
    purpose: str,
    categories_shown: frozenset[str] | None = None,
) -> int:
    """Put each view of a student's record in the access log (one insert for a page), with the
    categories of their data shown (by default all `actor` may see)."""
    logged = 0
    groups: dict[tuple[Any, ...], list[Student]] = {}
    for student in students:
        access = access_by_student.get(student.id)
        if access is None:
            continue
        shown = (
            access.categories if categories_shown is None else access.categories & categories_shown
        )
        key = (shown, access.actor_organisation_id, access.data_sharing_agreement_id)
        groups.setdefault(key, []).append(student)
    for (shown, organisation_id, agreement_id), group in groups.items():
        logged += access_log_record_subjects(
            actor=actor,
            subject_type=SUBJECT_TYPE,
            subjects=[(student.id, None) for student in group],
            data_categories=shown,
            purpose=purpose,
            actor_organisation_id=organisation_id,
            data_sharing_agreement_id=agreement_id,
        )
    return logged


def list_categories_shown(filters: StudentFilters) -> frozenset[str]:
    """What a list discloses of each row: names, and every fact its filters read."""
    return frozenset({DataCategory.IDENTITY}) | filters.categories_read()


def list_view_purpose(what: str, filters: StudentFilters) -> str:
    used = filters.used()
    return f"{what} filtered on {', '.join(used)}" if used else what


def student_get(*, actor: Any, student_id: Any) -> tuple[Student, StudentAccess]:
    """The student and what `actor` may do with them. Missing and not-yours answer the same."""
    try:
        student = (
            student_policy.visible_to(actor)
            .filter(anonymised_at__isnull=True)
            .select_related("organisation", "linked_learner")
            .get(id=student_id)
        )
    except (Student.DoesNotExist, ValueError) as error:
        raise NotFound from error
    access = student_policy.access(actor, student)
    if access is None:
        raise NotFound
    return student, access


def student_status_history(*, student: Student) -> QuerySet[StudentStatusChange]:
    """The student's statuses, newest first, with who recorded each."""
    return student.status_history.select_related("recorded_by").order_by(
        "-changed_on", "-created_at"
    )


@dataclass(frozen=True)
class StatusOn:
    """A student's status on a day, and the day it began (None when no change records it)."""

    status: str
    since: date | None

    @property
    def is_enrolled(self) -> bool:
        return self.status == StudentStatus.ENROLLED

    @property
    def label(self) -> str:
        return StudentStatus(self.status).label if self.status in StudentStatus.values else ""


def student_status_on(student_ids: Any, day: date) -> dict[UUID, StatusOn]:
    """Each student's status on `day`: the latest recorded change on or before it; before
    their first recorded change, the status that change moved them from; with no change
    recorded, their status now. Widen's own reads (an instalment falling due), unscoped:
    `student_ids` is ids or a queryset of them; two queries whatever their number."""
    found: dict[UUID, StatusOn] = {}
    changes = (
        StudentStatusChange.objects.filter(student_id__in=student_ids)
        .order_by("student_id", "changed_on", "created_at")
        .values_list("student_id", "status", "previous_status", "changed_on")
    )
    for student_id, status, previous_status, changed_on in changes:
        if changed_on <= day:
            found[student_id] = StatusOn(status, changed_on)
        elif student_id not in found and previous_status:
            found[student_id] = StatusOn(previous_status, None)
    now = Student.objects.filter(pk__in=student_ids).values_list("pk", "status", "status_since")
    for student_id, status, since in now:
        if student_id not in found:
            found[student_id] = StatusOn(status, since if since and since <= day else None)
    return found


def student_declarations(*, student: Student, access: StudentAccess) -> QuerySet[Declaration]:
    """What the student declared, newest first, with who recorded it and when: only the
    characteristics of categories `access` includes."""
    names = [
        name
        for category in (DataCategory.CHARACTERISTICS, DataCategory.SPECIAL_CATEGORY)
        if category in access.categories
        for name in (
            CHARACTERISTIC_FIELDS
            if category == DataCategory.CHARACTERISTICS
            else SPECIAL_CATEGORY_FIELDS
        )
    ]
    return (
        student.declarations.filter(characteristic__in=names)
        .select_related("recorded_by")
        .order_by("-created_at")
    )


def student_pseudonym(student_id: UUID) -> str:
    """A stable pseudonym for those who see no names: HMAC-SHA256 under a key kept outside the
    database."""
    digest = hmac.new(
        settings.PSEUDONYM_KEY.encode(), b"student:" + student_id.bytes, hashlib.sha256
    ).hexdigest()
    return f"S-{digest[:12].upper()}"


# --- Term dates --------------------------------------------------------------------------------


def term_dates_of(*, organisation: Organisation) -> QuerySet[TermDates]:
    """A provider's terms, in date order (term dates are no one's personal data)."""
    return TermDates.objects.filter(organisation=organisation).order_by("starts_on")


def term_get(*, actor: Any, term_id: Any) -> TermDates:
    """A term of a provider whose students `actor` manages; `NotFound` for any other."""
    try:
        return TermDates.objects.select_related("organisation").get(
            pk=term_id, organisation__in=student_policy.providers_managed(actor)
        )
    except (TermDates.DoesNotExist, ValueError) as error:
        raise NotFound from error


def term_days(*, organisation: Organisation, starts_on: date, ends_on: date) -> set[date]:
    """The days from `starts_on` to `ends_on` (both included) in one of the provider's terms,
    with one query."""
    days: set[date] = set()
    for term in TermDates.objects.filter(
        organisation=organisation, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).only("starts_on", "ends_on"):
        day = max(term.starts_on, starts_on)
        while day <= min(term.ends_on, ends_on):
            days.add(day)
            day += timedelta(days=1)
    return days


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def term_weeks(*, organisation: Organisation, starts_on: date, ends_on: date) -> set[date]:
    """The Mondays of the weeks (Monday to Sunday) from `starts_on`'s to `ends_on`'s that have
    at least one day in one of the provider's terms: term-time weeks, in which a Student visa
    holder works at most 20 hours. A week part in term and part in vacation is a term week."""
    first = week_start(starts_on)
    last = week_start(ends_on) + timedelta(days=6)
    return {
        week_start(day)
        for day in term_days(organisation=organisation, starts_on=first, ends_on=last)
    }


def is_term_week(*, organisation: Organisation, day: date) -> bool:
    """Whether the week containing `day` is a term-time week of the provider."""
    monday = week_start(day)
    return bool(term_weeks(organisation=organisation, starts_on=monday, ends_on=monday))
