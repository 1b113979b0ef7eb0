"""The students' own pages' cells of the authorisation matrix (tests/authz_matrix.yaml).

Rule:
  student_own   one of the person's own student records ("My record": correcting their details);
                only a student signed in as themselves holds one, so every staff role gets 404
                whatever the record's relation to them (own: held by their organisation;
                partner: held by a partner under an agreement; unrelated: a stranger's)
  passkeys_mine "Your passkeys": no staff role keeps passkeys there (404)
  passkey_own   removing a passkey: a student's (of the relation's organisation), which no staff
                role may reach (404)
"""

from __future__ import annotations

import secrets
from typing import Any

from django_otp_webauthn.models import WebAuthnCredential

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


def matrix_passkey(student: Student) -> WebAuthnCredential:
    """A passkey of `student`'s account (its key material made up: it is never used)."""
    found = WebAuthnCredential.objects.filter(user=student.user).first()
    if found is not None:
        return found
    return WebAuthnCredential.objects.create(
        user=student.user,
        name="Matrix passkey",
        confirmed=True,
        credential_id=secrets.token_bytes(32),
        public_key=secrets.token_bytes(77),
    )


def my_student_kwargs(world: World, rule: str, relation: str) -> dict[str, Any] | None:
    if rule == "passkeys_mine":
        return {}
    if rule not in {"student_own", "passkey_own"}:
        return None
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    student = matrix_student(organisation, f"M{relation[:3].upper()}")
    if rule == "passkey_own":
        return {"passkey_id": matrix_passkey(student).pk}
    return {"student_id": student.pk}
