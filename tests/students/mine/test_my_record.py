"""My record: a student sees their own records (every provider's) and nobody else's, and
corrects their preferred name, phone and term-time postcode, audited as done by them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.students.mine.support import signed_in_by_link, student_at
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core import request_context
from widen.students.models import Declaration, Student, StudentStatus, StudentStatusChange
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SAM = "sam@example.ac.uk"
ALEX = "alex@example.ac.uk"


@pytest.fixture
def two_students(world: World) -> tuple[Student, Student]:
    sam = student_at(
        world.alpha,
        "S1",
        SAM,
        first_name="Samira",
        last_name="Okafor",
        phone="07700 900001",
        course="BSc Nursing",
        status=StudentStatus.ENROLLED,
    )
    alex = student_at(
        world.alpha, "S2", ALEX, first_name="Alex", last_name="Brennan", phone="07700 900002"
    )
    return sam, alex


def test_a_student_sees_their_own_record_and_nobody_else_s(
    world: World, two_students: tuple[Student, Student], django_capture_on_commit_callbacks: Any
) -> None:
    sam, alex = two_students
    officer = world.users[Role.OUTREACH_OFFICER]
    with request_context.bind(actor=officer, source="test"):
        StudentStatusChange.objects.create(
            student=sam,
            status=StudentStatus.ENROLLED,
            previous_status=StudentStatus.OFFER_HOLDER,
            changed_on=date(2026, 9, 21),
            recorded_by=officer,
            source="Student record system export",
        )
        Declaration.objects.create(
            student=sam,
            characteristic="young_adult_carer",
            value="True",
            recorded_by=officer,
            source="Enrolment form",
        )
    client = signed_in_by_link(SAM, django_capture_on_commit_callbacks)
    page = client.get(reverse("my_student:record"))
    text = page.content.decode()
    assert page.status_code == 200
    for shown in ("Samira", "Okafor", "07700 900001", "BSc Nursing", "Alpha University"):
        assert shown in text
    assert "Enrolled" in text
    assert "21 Sep 2026" in text
    assert "Young adult carer" in text
    assert (officer.get_full_name() or officer.username) in text
    assert "Enrolment form" in text
    for hidden in ("Alex", "Brennan", "07700 900002", ALEX):
        assert hidden not in text
    # Alex's record is reached by no URL of Sam's.
    assert client.get(reverse("my_student:details", args=[alex.pk])).status_code == 404
    refused = client.post(
        reverse("my_student:details", args=[alex.pk]), {"preferred_name": "Hacked"}
    )
    assert refused.status_code == 404
    alex.refresh_from_db()
    assert alex.preferred_name == ""
    # Nor is anything of theirs on the staff pages.
    assert client.get(reverse("students:detail", args=[alex.pk])).status_code == 404
    assert client.get(reverse("students:detail", args=[sam.pk])).status_code == 404
    assert "Brennan" not in client.get(reverse("students:list")).content.decode()
    # Sam's view of their record is in the access log, as theirs.
    entry = AccessLogEntry.objects.get(subject_type="students.student", subject_id=str(sam.pk))
    assert entry.actor_username == SAM


def test_a_student_at_two_providers_sees_both_records(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "S1", SAM, course="BSc Nursing")
    student_at(world.beta, "B7", SAM.upper(), course="MSc Public Health")
    student_at(world.beta, "B8", ALEX, course="MA History")
    client = signed_in_by_link(SAM, django_capture_on_commit_callbacks)
    text = client.get(reverse("my_student:record")).content.decode()
    assert "At Alpha University" in text
    assert "At Beta University" in text
    assert "MSc Public Health" in text
    assert "MA History" not in text


def test_a_student_corrects_their_preferred_name_phone_and_term_postcode_as_themselves(
    two_students: tuple[Student, Student], django_capture_on_commit_callbacks: Any
) -> None:
    sam, _alex = two_students
    client = signed_in_by_link(SAM, django_capture_on_commit_callbacks)
    url = reverse("my_student:details", args=[sam.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "preferred_name": "Sami",
            "phone": "07700 900123",
            "term_postcode": "e1 4ns",
            # Not the student's to change: ignored.
            "first_name": "Someone",
            "course": "Law",
        },
    )
    assert response.status_code == 302
    sam.refresh_from_db()
    assert (sam.preferred_name, sam.phone, sam.term_postcode) == ("Sami", "07700 900123", "E1 4NS")
    assert (sam.first_name, sam.course) == ("Samira", "BSc Nursing")
    event = AuditEvent.objects.filter(object_id=str(sam.pk)).order_by("occurred_at").last()
    assert event is not None
    assert event.actor_username == SAM
    assert set(event.changed_fields) == {"preferred_name", "phone", "term_postcode"}
    assert "<dd>Sami</dd>" in client.get(reverse("my_student:record")).content.decode()


def test_a_postcode_that_is_not_one_is_refused_and_nothing_is_saved(
    two_students: tuple[Student, Student], django_capture_on_commit_callbacks: Any
) -> None:
    sam, _alex = two_students
    client = signed_in_by_link(SAM, django_capture_on_commit_callbacks)
    url = reverse("my_student:details", args=[sam.pk])
    response = client.post(
        url, {"preferred_name": "Sami", "phone": "07700 900001", "term_postcode": "not a postcode"}
    )
    assert response.status_code == 200
    assert "postcode" in response.content.decode().lower()
    assert "not a postcode" in response.content.decode()  # what was typed is kept
    sam.refresh_from_db()
    assert sam.preferred_name == ""
    assert sam.term_postcode == ""


def test_a_staff_member_has_no_record_and_reaches_nobody_s(
    world: World, client_for: Any, two_students: tuple[Student, Student]
) -> None:
    sam, _alex = two_students
    officer = client_for(world.users[Role.ORGANISATION_ADMIN])
    page = officer.get(reverse("my_student:record"))
    assert page.status_code == 200
    assert "No student record is linked" in page.content.decode()
    assert officer.get(reverse("my_student:details", args=[sam.pk])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(two_students: tuple[Student, Student]) -> None:
    sam, _alex = two_students
    for url in (reverse("my_student:record"), reverse("my_student:details", args=[sam.pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
