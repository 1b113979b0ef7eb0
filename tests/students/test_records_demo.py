"""The demo's universities have students, some with a status history, and term dates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from widen.demo.mentoring import MENTEES
from widen.demo.support import ADDED
from widen.organisations.models import OrganisationType
from widen.students.models import Declaration, Student, StudentStatusChange, TermDates

pytestmark = pytest.mark.django_db


def test_the_demo_universities_have_students_and_terms() -> None:
    call_command("demo", learners=300, stdout=StringIO())
    students = Student.objects.select_related("organisation")
    # And two of QMUL's learners who went on to study there, QMUL's students the student
    # support demo adds, and its mentoring demo's mentees (and one accepted late, one who only
    # applied).
    mentoring = len(MENTEES) + 2
    assert students.count() == 8 * 6 + 2 + len(ADDED) + mentoring
    added_care = sum(1 for *_, declared in ADDED if declared.get("care_experienced"))
    assert {s.organisation.organisation_type for s in students} == {OrganisationType.HE_PROVIDER}
    moved = StudentStatusChange.objects.exclude(previous_status="")
    assert moved.filter(previous_status="enrolled", status="interrupted").count() == 8
    care = Declaration.objects.filter(characteristic="care_experienced", value="yes")
    assert care.count() == 8 + added_care
    assert TermDates.objects.count() == 8 * 3
    call_command("demo", learners=300, reset=True, stdout=StringIO())
    assert Student.objects.count() == 8 * 6 + 2 + len(ADDED) + mentoring
