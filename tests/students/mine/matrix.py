"""The students' own pages' cells of the authorisation matrix (tests/authz_matrix.yaml).

Rule:
  student_own   one of the person's own student records ("My record": correcting their details);
                only a student signed in as themselves holds one, so every staff role gets 404
                whatever the record's relation to them (own: held by their organisation;
                partner: held by a partner under an agreement; unrelated: a stranger's)
"""

from __future__ import annotations

from typing import Any

from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.testing.world import World


def matrix_student(organisation: Organisation, number: str) -> Student:
    """A student of `organisation`, signed in once (their record linked to their account)."""
    found = Student.objects.filter(organisation=organisation, student_number=number).first()
    if found is not None:
        return found
    email = f"student.{number}@example.ac.uk"
    with request_context.bind(source="test"):
        user = link_account_create(email=email, first_name="Matrix", last_name=number)
        return Student.objects.create(
            organisation=organisation,
            student_number=number,
            first_name="Matrix",
            last_name=f"Student{number}",
            email=email,
            user=user,
        )


def my_student_kwargs(world: World, rule: str, relation: str) -> dict[str, Any] | None:
    if rule != "student_own":
        return None
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    return {"student_id": matrix_student(organisation, f"M{relation[:3].upper()}").pk}
