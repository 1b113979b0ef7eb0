"""Students for the tests of student records: made through the service, as an import would."""

from __future__ import annotations

from datetime import date
from typing import Any

from widen.accounts.capabilities import system_actor
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.students.services import student_create

DEMO = system_actor("tests")


def make_student(
    organisation: Organisation,
    number: str,
    first: str = "Sam",
    last: str = "Student",
    *,
    status: str = "enrolled",
    status_since: date | None = None,
    **details: Any,
) -> Student:
    return student_create(
        actor=DEMO,
        organisation=organisation,
        details={"student_number": number, "first_name": first, "last_name": last, **details},
        status=status,
        status_since=status_since or date(2025, 9, 22),
        source="test",
    )
