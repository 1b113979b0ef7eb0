"""The student records' pages' and endpoints' cells of the authorisation matrix
(tests/authz_matrix.yaml).

Rules:
  student_create    adding a student: those who manage students (`students.manage`) at an HE
                    provider
  student_view      a student the person sees: own: held by the person's organisation (Alpha
                    University); partner: held by another party to an agreement in force that
                    covers students (Beta University: the world's agreement is made to cover
                    them); unrelated: a stranger partnership's student (Gamma University)
  student_change    changing a student (their record, their status): own only, for those who
                    manage students; a partner's student answers as if missing
  provider_terms    an HE provider's term dates: own (Alpha) or partner (Beta), anyone; a
                    stranger partnership's provider (Gamma) is not theirs
  provider_terms_manage  adding a term: own provider only, for those who manage students
  term_manage       changing or removing a term: a term of the person's own provider, for those
                    who manage students
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tests.students.records import make_student
from widen.organisations.models import Organisation
from widen.students.models import Student, StudentStatus, TermDates
from widen.testing.world import World

RULES = {
    "student_create",
    "student_view",
    "student_change",
    "provider_terms",
    "provider_terms_manage",
    "term_manage",
}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]


def matrix_student(world: World, relation: str) -> Student:
    """The student a cell asks about (the world's agreement covering students)."""
    if not world.agreement.covers_students:
        world.agreement.covers_students = True
        world.agreement.save()
    organisation = _provider(world, relation)
    number = f"M-{relation.upper()}"
    existing = Student.objects.filter(organisation=organisation, student_number=number).first()
    return existing or make_student(organisation, number, "Matrix", f"{relation.title()}son")


def _term(world: World, relation: str) -> TermDates:
    # A fresh term each time (a removed term is gone): each in a year of its own.
    year = 2000 + TermDates.objects.count()
    return TermDates.objects.create(
        organisation=_provider(world, relation),
        academic_year=f"{year}/{(year + 1) % 100:02d}",
        name="Autumn term",
        starts_on=date(year, 9, 20),
        ends_on=date(year, 12, 10),
    )


def student_records_kwargs(world: World, rule: str, relation: str) -> dict[str, Any] | None:
    """The URL kwargs for a cell of one of the student records' rules (None: not one)."""
    if rule not in RULES:
        return None
    if rule in {"student_view", "student_change"}:
        return {"student_id": matrix_student(world, relation).pk}
    if rule in {"provider_terms", "provider_terms_manage"}:
        return {"organisation_id": _provider(world, relation).pk}
    if rule == "term_manage":
        return {"term_id": _term(world, relation).pk}
    return {}


def student_records_body(
    world: World, name: str, counter: int, relation: str
) -> dict[str, Any] | None:
    """A valid body for the student records' writes (None: not one of theirs)."""
    if name == "students:create":
        return {
            "organisation": str(world.alpha.pk),
            "status": "enrolled",
            "student_number": f"NEW{counter}",
            "first_name": "Nadia",
            "last_name": f"Newstudent{counter}",
            "student_visa": "false",
        }
    if name == "students:edit":
        return {
            "student_number": f"M-{relation.upper()}",
            "first_name": "Matrix",
            "last_name": f"Edited{counter}",
            "student_visa": "false",
        }
    if name in {"students:status", "api:student_status_change_api"}:
        student = matrix_student(world, relation if relation != "-" else "own")
        status = (
            StudentStatus.INTERRUPTED
            if student.status != StudentStatus.INTERRUPTED
            else StudentStatus.ENROLLED
        )
        return {"status": str(status), "changed_on": timezone.localdate().isoformat()}
    if name == "students:term_add":
        year = 2050 + counter
        return {
            "academic_year": f"{year}/{(year + 1) % 100:02d}",
            "name": "Spring term",
            "starts_on": f"{year + 1}-01-10",
            "ends_on": f"{year + 1}-03-20",
        }
    if name == "students:term_edit":
        term = TermDates.objects.order_by("-created_at").first()
        assert term is not None
        return {
            "academic_year": term.academic_year,
            "name": f"Edited term {counter}",
            "starts_on": term.starts_on.isoformat(),
            "ends_on": term.ends_on.isoformat(),
        }
    return None
