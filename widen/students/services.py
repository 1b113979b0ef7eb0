"""Every write to students and to their providers' term dates. Each is atomic, checked against
`student_policy` and audited under the acting person (a student's record through
`AuditedModel`; its status history and declarations are their own history rows).

The pages, the API and the student-list import share these: `student_changes_apply` applies a
dict of field changes to a student in memory and says which declarations and status change they
make, so an import can apply thousands and write them with `student_changes_record` in bulk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import is_person, is_system, require_actor
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.permissions import OWN
from widen.organisations.models import DataCategory, Organisation
from widen.students.models import (
    DECLARED_FIELDS,
    FIELDS_BY_CATEGORY,
    Declaration,
    Student,
    StudentStatus,
    StudentStatusChange,
    TermDates,
)
from widen.students.permissions import CHANGE, student_policy

# Fields of a student that belong to no category of data: their course, seen by anyone who
# sees the student. `status` changes through `student_status_change` (it keeps a history).
COURSE_FIELDS = (
    "course",
    "level",
    "mode",
    "entry_route",
    "year_of_study",
    "starts_on",
    "expected_end_on",
)
PAGE = "page"
ACADEMIC_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def _label(name: str) -> str:
    label = str(Student._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    return label[:1].upper() + label[1:]


def declared_value(value: Any) -> str:
    """How a declared characteristic is kept in its `Declaration` ("yes", "no", a choice's
    value; "" for not declared)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return ""
    return str(value)


def _today() -> date:
    return timezone.localdate()


def _recorder(actor: Any) -> Any:
    """The person recording (None when Widen itself does: an import command, the demo)."""
    return actor if is_person(actor) else None


@dataclass
class StudentChanges:
    """What applying changes to one student did: the fields changed, and the history rows they
    make (not yet written)."""

    student: Student
    changed_fields: list[str] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    status_change: StudentStatusChange | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changed_fields)


def _check_status_date(student: Student, changed_on: date) -> None:
    if changed_on > _today():
        raise ApplicationError(
            "The date the status took effect cannot be in the future.", field="changed_on"
        )
    if student.status_since and changed_on < student.status_since:
        raise ApplicationError(
            f"The change cannot take effect before {student.status_since:%-d %B %Y}, when the "
            f"current status ({student.get_status_display()}) began.",
            field="changed_on",
        )


def student_changes_apply(
    *,
    student: Student,
    changes: Mapping[str, Any],
    recorded_by: Any,
    source: str,
    status_changed_on: date | None = None,
) -> StudentChanges:
    """Set `changes` on `student` in memory (nothing is saved) and say what they change.

    A declared characteristic whose value changes makes a `Declaration` (who recorded it, from
    where); a change of `status` makes a `StudentStatusChange` from the status before, taking
    effect on `status_changed_on` (today by default, never in the future), and moves
    `status_since`. The caller has checked the actor may change the student and these fields.
    """
    result = StudentChanges(student=student)
    recorder = _recorder(recorded_by)
    for name, value in changes.items():
        if name == "status_since":
            continue
        before = getattr(student, name)
        if before == value:
            continue
        if name == "status":
            if value not in StudentStatus.values:
                raise ApplicationError(f"“{value}” is not a student status.", field="status")
            changed_on = status_changed_on or changes.get("status_since") or _today()
            _check_status_date(student, changed_on)
            result.status_change = StudentStatusChange(
                student=student,
                status=value,
                previous_status=before or "",
                changed_on=changed_on,
                recorded_by=recorder,
                source=source[:200],
            )
            student.status_since = changed_on
        elif name in DECLARED_FIELDS:
            result.declarations.append(
                Declaration(
                    student=student,
                    characteristic=name,
                    value=declared_value(value),
                    recorded_by=recorder,
                    source=source[:200],
                )
            )
        setattr(student, name, value)
        result.changed_fields.append(name)
    if result.status_change is not None and "status_since" not in result.changed_fields:
        result.changed_fields.append("status_since")
    return result


def student_changes_record(*, applied: Iterable[StudentChanges]) -> None:
    """Write the declarations and status changes of students already saved, in two inserts."""
    applied = list(applied)
    Declaration.objects.bulk_create(
        [declaration for changes in applied for declaration in changes.declarations]
    )
    StudentStatusChange.objects.bulk_create(
        [changes.status_change for changes in applied if changes.status_change is not None]
    )


def _categories_at(actor: Any, organisation: Organisation) -> frozenset[str]:
    """The categories of a student's data `actor` reads at `organisation` as its own staff."""
    if is_system(actor):
        return frozenset(DataCategory.values)
    return frozenset().union(
        *(
            scope.categories
            for scope in student_policy.scopes(actor)
            if scope.relation == OWN and organisation.id in scope.organisation_ids
        )
    )


def settable_fields(actor: Any, organisation: Organisation) -> tuple[str, ...]:
    """The fields of a student of `organisation` that `actor` may set: the course, and those of
    the categories of data their role reads (no special category data without that category)."""
    categories = _categories_at(actor, organisation)
    return (
        *COURSE_FIELDS,
        *(
            name
            for category in DataCategory.values
            if category in categories
            for name in FIELDS_BY_CATEGORY[category]
        ),
    )


def _reject_unlisted(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unlisted = sorted(set(changes) - set(allowed))
    if unlisted:
        raise ApplicationError(
            "You may not set these fields: " + ", ".join(unlisted) + ".", field=unlisted[0]
        )


def _managed(actor: Any, organisation: Organisation) -> Organisation:
    """`organisation`, when `actor` imports and changes its students; `NotFound` otherwise."""
    if is_system(actor):
        return organisation
    if not student_policy.providers_managed(actor).filter(pk=organisation.pk).exists():
        raise NotFound
    return organisation


def _validated(student: Student) -> None:
    try:
        student.full_clean(exclude=["linked_learner", "user"])
    except ValidationError as error:
        if any("student number already exists" in m.lower() for m in error.messages):
            raise ApplicationError(
                f"Another student of {student.organisation} has the student number "
                f"{student.student_number}.",
                field="student_number",
            ) from error
        raise


@transaction.atomic
def student_create(
    *,
    actor: Any,
    organisation: Organisation,
    details: Mapping[str, Any],
    status: str = StudentStatus.ENROLLED,
    status_since: date | None = None,
    source: str = PAGE,
) -> Student:
    """Record a student of `organisation` (an HE provider whose students `actor` manages):
    their first status starts their status history, and each characteristic given is recorded
    as declared."""
    require_actor(actor)
    _managed(actor, organisation)
    _reject_unlisted(details, settable_fields(actor, organisation))
    for name in ("student_number", "first_name", "last_name"):
        if not str(details.get(name) or "").strip():
            raise ApplicationError(f"{_label(name)} is required.", field=name)
    if status not in StudentStatus.values:
        raise ApplicationError(f"“{status}” is not a student status.", field="status")
    since = status_since or _today()
    if since > _today():
        raise ApplicationError(
            "The date the status took effect cannot be in the future.", field="status_since"
        )
    student = Student(organisation=organisation, status=status, status_since=since)
    for name, value in details.items():
        setattr(student, name, value)
    _validated(student)
    with request_context.bind(actor=actor):
        student.save()
    recorder = _recorder(actor)
    Declaration.objects.bulk_create(
        [
            Declaration(
                student=student,
                characteristic=name,
                value=declared_value(value),
                recorded_by=recorder,
                source=source[:200],
            )
            for name, value in details.items()
            if name in DECLARED_FIELDS and value not in (None, "")
        ]
    )
    StudentStatusChange.objects.create(
        student=student,
        status=status,
        previous_status="",
        changed_on=since,
        recorded_by=recorder,
        source=source[:200],
    )
    return student


def _require_change(actor: Any, student: Student) -> None:
    require_actor(actor)
    if not student_policy.may(actor, CHANGE, student):
        raise NotFound


@transaction.atomic
def student_update(
    *, actor: Any, student: Student, changes: Mapping[str, Any], source: str = PAGE
) -> StudentChanges:
    """Change the fields `actor` may set of `student` (by their categories); refuse any other.
    A changed declared characteristic is recorded as declared, by `actor`, from `source`."""
    _require_change(actor, student)
    _reject_unlisted(changes, settable_fields(actor, student.organisation))
    applied = student_changes_apply(
        student=student, changes=changes, recorded_by=actor, source=source
    )
    if applied.changed:
        _validated(student)
        with request_context.bind(actor=actor):
            student.save(update_fields=[*applied.changed_fields, "updated_at"])
        student_changes_record(applied=[applied])
    return applied


@transaction.atomic
def student_status_change(
    *,
    actor: Any,
    student: Student,
    status: str,
    changed_on: date,
    source: str = PAGE,
) -> StudentStatusChange:
    """Move `student` to `status` from `changed_on` (not in the future, nor before the current
    status began), keeping the status before in its history."""
    _require_change(actor, student)
    if status not in StudentStatus.values:
        raise ApplicationError(f"“{status}” is not a student status.", field="status")
    if status == student.status:
        raise ApplicationError(
            f"{student.display_name} is already {student.get_status_display().lower()}.",
            field="status",
        )
    applied = student_changes_apply(
        student=student,
        changes={"status": status},
        recorded_by=actor,
        source=source,
        status_changed_on=changed_on,
    )
    with request_context.bind(actor=actor):
        student.save(update_fields=[*applied.changed_fields, "updated_at"])
    student_changes_record(applied=[applied])
    assert applied.status_change is not None
    return applied.status_change


# --- Term dates --------------------------------------------------------------------------------


def academic_year_bounds(academic_year: str) -> tuple[date, date]:
    """The first and last day of a university academic year "2026/27" (1 August to 31 July);
    `ApplicationError` for anything else."""
    match = ACADEMIC_YEAR.match(academic_year.strip())
    first = int(match.group(1)) if match else 0
    if not match or (first + 1) % 100 != int(match.group(2)):
        raise ApplicationError(
            "Give the academic year as its two years, like 2026/27.", field="academic_year"
        )
    return date(first, 8, 1), date(first + 1, 7, 31)


def _when(day: date) -> str:
    return f"{day:%-d %B %Y}"


@transaction.atomic
def term_dates_save(
    *,
    actor: Any,
    organisation: Organisation,
    academic_year: str,
    name: str,
    starts_on: date,
    ends_on: date,
    term: TermDates | None = None,
) -> TermDates:
    """Add a term of `organisation` (or change `term`): within its academic year, ending on or
    after it starts, and overlapping none of the provider's other terms."""
    require_actor(actor)
    _managed(actor, organisation)
    if term is not None and term.organisation_id != organisation.pk:
        raise NotFound
    academic_year = academic_year.strip()
    name = name.strip()
    if not name:
        raise ApplicationError("Give the term a name, like Autumn term.", field="name")
    first, last = academic_year_bounds(academic_year)
    if ends_on < starts_on:
        raise ApplicationError("The term must end on or after the day it starts.", field="ends_on")
    if starts_on < first or ends_on > last:
        raise ApplicationError(
            f"A term of {academic_year} falls between {_when(first)} and {_when(last)}.",
            field="starts_on" if starts_on < first else "ends_on",
        )
    others = TermDates.objects.filter(organisation=organisation).select_for_update()
    if term is not None:
        others = others.exclude(pk=term.pk)
    same_name = others.filter(academic_year=academic_year, name__iexact=name).first()
    if same_name is not None:
        raise ApplicationError(
            f"{organisation} already has a term called {same_name.name} in {academic_year}.",
            field="name",
        )
    overlapping = others.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if overlapping is not None:
        raise ApplicationError(
            f"These dates overlap {overlapping.name} {overlapping.academic_year} "
            f"({_when(overlapping.starts_on)} to {_when(overlapping.ends_on)}): a day is in one "
            "term at most.",
            field="starts_on",
        )
    creating = term is None
    term = term or TermDates(organisation=organisation)
    term.academic_year = academic_year
    term.name = name
    term.starts_on = starts_on
    term.ends_on = ends_on
    term.full_clean(exclude=["organisation"])
    term.save()
    with request_context.bind(actor=actor):
        audit_event_record(
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            object_type="students.termdates",
            object_id=term.pk,
            learner_id=None,
            organisation_id=organisation.pk,
            changed_fields=("academic_year", "name", "starts_on", "ends_on"),
        )
    return term


@transaction.atomic
def term_dates_delete(*, actor: Any, term: TermDates) -> None:
    """Remove a term of a provider whose students `actor` manages (its days become vacation)."""
    require_actor(actor)
    _managed(actor, term.organisation)
    with request_context.bind(actor=actor):
        audit_event_record(
            action=AuditAction.DELETE,
            object_type="students.termdates",
            object_id=term.pk,
            learner_id=None,
            organisation_id=term.organisation_id,
        )
    term.delete()


def students_save_changed(*, actor: Any, applied: Sequence[StudentChanges]) -> int:
    """Save many students changed by `student_changes_apply` (one audited bulk update per set
    of fields changed) and write their history rows; for imports. Answers how many changed."""
    require_actor(actor)
    changed = [changes for changes in applied if changes.changed]
    by_fields: dict[tuple[str, ...], list[Student]] = {}
    now = timezone.now()
    for changes in changed:
        changes.student.updated_at = now
        by_fields.setdefault(tuple(sorted(changes.changed_fields)), []).append(changes.student)
    with transaction.atomic(), request_context.bind(actor=actor):
        for fields, students in by_fields.items():
            Student.objects.bulk_update(students, [*fields, "updated_at"])
        student_changes_record(applied=changed)
    return len(changed)
