"""What the casework tests share: advisers at Alpha University (and one at Beta, its partner), a
student with an account, and cases opened through the services."""

from __future__ import annotations

from typing import Any

from tests.students.records import make_student
from widen.accounts.models import Role, User
from widen.core import request_context
from widen.students.models import Student
from widen.support.models import Case, CaseTopic
from widen.support.services.casework import case_open, note_add
from widen.testing.world import World, make_user

PRIVATE = "Private: the student disclosed <b>rent arrears</b> & a landlord dispute"
SHARED = "Agreed: apply to the hardship fund by Friday <script>alert(1)</script>"


def nadia(world: World) -> User:
    """Alpha University's student support adviser (the world's)."""
    return world.users[Role.STUDENT_SUPPORT_ADVISER]


def second_adviser(world: World) -> User:
    found = User.objects.filter(username="omar.adviser.alpha").first()
    if found is not None:
        return found
    user = make_user("omar.adviser.alpha", world.alpha, Role.STUDENT_SUPPORT_ADVISER)
    User.objects.filter(pk=user.pk).update(first_name="Omar", last_name="Haddad")
    user.refresh_from_db()
    return user


def beta_adviser(world: World) -> User:
    """A student support adviser at Beta University, Alpha's partner: not Alpha's adviser."""
    found = User.objects.filter(username="adviser.beta").first()
    return found or make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)


def student_with_account(world: World, number: str = "C1", first: str = "Cara") -> Student:
    """An Alpha University student signed in with an account linked to their record."""
    student = make_student(world.alpha, number, first, "Caseworth", care_experienced=True)
    user = make_user(f"student.{number.lower()}", None, None)
    Student.objects.filter(pk=student.pk).update(user=user)
    student.refresh_from_db()
    return student


def open_case(
    world: World,
    student: Student,
    *,
    actor: Any = None,
    topic: str = CaseTopic.ACCOMMODATION,
    summary: str = "Somewhere to live over the summer",
    notes: bool = True,
    **more: Any,
) -> Case:
    """A case opened by Alpha's adviser (assigned to them), with a private and a shared note."""
    actor = actor or nadia(world)
    with request_context.bind(source="test", actor=actor):
        case = case_open(
            actor=actor,
            organisation=world.alpha,
            student=student,
            topic=topic,
            summary=summary,
            assignee=more.pop("assignee", actor),
            **more,
        )
        if notes:
            note_add(actor=actor, case=case, body=PRIVATE)
            note_add(actor=actor, case=case, body=SHARED, shared_with_student=True)
    return case
