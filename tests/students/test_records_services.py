"""Student records' services: who may add and change students, which fields, and the history
kept of their status and of what they declared."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.students.records import DEMO, make_student
from widen.accounts import models as account_models
from widen.accounts.models import Role, RoleCapabilities
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import DataCategory
from widen.students.models import Declaration, Student, StudentStatusChange
from widen.students.services import (
    student_changes_apply,
    student_create,
    student_status_change,
    student_update,
    students_save_changed,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_new_student_starts_their_status_history_and_declarations(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    student = student_create(
        actor=officer,
        organisation=world.alpha,
        details={
            "student_number": "A100",
            "first_name": "Kerry",
            "last_name": "Adams",
            "care_experienced": True,
            "first_in_family": None,
        },
        status="offer_holder",
        status_since=date(2025, 8, 14),
    )
    (first,) = StudentStatusChange.objects.filter(student=student)
    assert (first.status, first.previous_status, first.changed_on) == (
        "offer_holder",
        "",
        date(2025, 8, 14),
    )
    assert first.recorded_by == officer
    # Only what was declared: "not declared" makes no declaration.
    assert list(
        Declaration.objects.filter(student=student).values_list("characteristic", "value")
    ) == [("care_experienced", "yes")]
    assert AuditEvent.objects.filter(object_id=str(student.pk), action="create").exists()


def test_only_managers_of_the_provider_add_students(world: World) -> None:
    details = {"student_number": "X1", "first_name": "A", "last_name": "B"}
    with pytest.raises(NotFound):
        student_create(
            actor=world.users[Role.OUTREACH_OFFICER], organisation=world.beta, details=details
        )
    with pytest.raises(NotFound):
        student_create(actor=world.users[Role.READ_ONLY], organisation=world.alpha, details=details)
    with pytest.raises(TypeError):
        student_create(actor=None, organisation=world.alpha, details=details)
    assert not Student.objects.exists()


def test_a_student_number_is_used_once_per_provider(world: World) -> None:
    make_student(world.alpha, "A1")
    with pytest.raises(ApplicationError) as refused:
        make_student(world.alpha, "A1", "Other")
    assert refused.value.message == "Another student of Alpha University has the student number A1."
    make_student(world.beta, "A1")  # another provider's numbering


def test_a_missing_name_is_refused_on_its_field(world: World) -> None:
    with pytest.raises(ApplicationError) as refused:
        make_student(world.alpha, "A2", "Kim", "")
    assert (refused.value.message, refused.value.field) == ("Last name is required.", "last_name")


def test_a_changed_characteristic_is_recorded_as_declared_by_whom(world: World) -> None:
    student = make_student(world.alpha, "A3", disabled=False)
    officer = world.users[Role.OUTREACH_OFFICER]
    student_update(
        actor=officer,
        student=student,
        changes={"disabled": True, "course": "History", "estranged": None, "sex": ""},
    )
    student.refresh_from_db()
    assert student.disabled is True
    assert student.course == "History"
    latest = Declaration.objects.filter(student=student, characteristic="disabled").latest(
        "created_at"
    )
    assert (latest.value, latest.recorded_by, latest.source) == ("yes", officer, "page")
    # An unchanged value (not declared before, not declared now) records nothing new.
    assert not Declaration.objects.filter(student=student, characteristic="estranged").exists()
    assert not Declaration.objects.filter(student=student, characteristic="course").exists()


def test_special_category_fields_only_with_that_category(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = make_student(world.alpha, "A4")
    school_staff = world.users[Role.SCHOOL_STAFF]  # no students.manage
    with pytest.raises(NotFound):
        student_update(actor=school_staff, student=student, changes={"course": "Law"})
    # A role that manages students but reads no special category data may not set it.
    monkeypatch.setitem(
        account_models.ROLE_CAPABILITIES,
        Role.OUTREACH_OFFICER,
        RoleCapabilities(
            frozenset({DataCategory.IDENTITY, DataCategory.CHARACTERISTICS}), edits_learners=True
        ),
    )
    with pytest.raises(ApplicationError) as refused:
        student_update(
            actor=world.users[Role.OUTREACH_OFFICER],
            student=student,
            changes={"ethnicity": "white"},
        )
    assert refused.value.message == "You may not set these fields: ethnicity."
    student.refresh_from_db()
    assert student.ethnicity == ""


def test_a_partner_never_changes_another_providers_student(world: World) -> None:
    world.agreement.covers_students = True
    world.agreement.save()
    student = make_student(world.beta, "B1")
    with pytest.raises(NotFound):
        student_update(
            actor=world.users[Role.OUTREACH_OFFICER], student=student, changes={"course": "X"}
        )
    with pytest.raises(NotFound):
        student_status_change(
            actor=world.users[Role.OUTREACH_OFFICER],
            student=student,
            status="withdrawn",
            changed_on=date(2025, 10, 1),
        )
    student.refresh_from_db()
    assert (student.course, student.status) == ("", "enrolled")


def test_a_status_change_keeps_the_status_before(world: World) -> None:
    student = make_student(world.alpha, "A5", status_since=date(2025, 9, 22))
    officer = world.users[Role.OUTREACH_OFFICER]
    change = student_status_change(
        actor=officer, student=student, status="interrupted", changed_on=date(2025, 11, 3)
    )
    student.refresh_from_db()
    assert (student.status, student.status_since) == ("interrupted", date(2025, 11, 3))
    assert (change.previous_status, change.status, change.recorded_by) == (
        "enrolled",
        "interrupted",
        officer,
    )
    assert list(student.status_history.values_list("status", flat=True)) == [
        "enrolled",
        "interrupted",
    ]


def test_a_status_change_in_the_future_or_before_the_current_one_is_refused(
    world: World,
) -> None:
    student = make_student(world.alpha, "A6", status_since=date(2025, 9, 22))
    officer = world.users[Role.OUTREACH_OFFICER]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as future:
        student_status_change(
            actor=officer, student=student, status="withdrawn", changed_on=tomorrow
        )
    assert future.value.message == "The date the status took effect cannot be in the future."
    with pytest.raises(ApplicationError) as earlier:
        student_status_change(
            actor=officer, student=student, status="withdrawn", changed_on=date(2025, 9, 1)
        )
    assert earlier.value.message == (
        "The change cannot take effect before 22 September 2025, when the current status "
        "(Enrolled) began."
    )
    with pytest.raises(ApplicationError) as same:
        student_status_change(
            actor=officer, student=student, status="enrolled", changed_on=date(2025, 10, 1)
        )
    assert same.value.message == "Sam Student is already enrolled."
    student.refresh_from_db()
    assert student.status == "enrolled"
    assert student.status_history.count() == 1


def test_changes_in_bulk_keep_history_and_audit(world: World) -> None:
    """As an import uses them: many students changed, their history written in bulk."""
    students = [make_student(world.alpha, f"B{n}", status_since=date(2025, 9, 1)) for n in range(3)]
    applied = [
        student_changes_apply(
            student=student,
            changes={"status": "withdrawn", "first_in_family": True, "course": "Maths"},
            recorded_by=DEMO,
            source="student list upload",
            status_changed_on=date(2025, 10, 6),
        )
        for student in students
    ]
    before = AuditEvent.objects.filter(action="update").count()
    assert students_save_changed(actor=DEMO, applied=applied) == 3
    for student in students:
        student.refresh_from_db()
        assert (student.status, student.status_since, student.course) == (
            "withdrawn",
            date(2025, 10, 6),
            "Maths",
        )
        assert student.status_history.filter(
            previous_status="enrolled", status="withdrawn", source="student list upload"
        ).exists()
        assert student.declarations.filter(characteristic="first_in_family", value="yes").exists()
    assert AuditEvent.objects.filter(action="update").count() == before + 3
