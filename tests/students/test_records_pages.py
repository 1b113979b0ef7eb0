"""Student records' pages for staff: the list, a student's page, adding, editing, changing
status, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import signed_in_client
from tests.students.records import make_student
from tests.targeting.support import english_areas_loaded
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.students.models import Declaration, Student
from widen.students.selectors import student_pseudonym
from widen.students.services import student_status_change
from widen.targeting.lookup import postcodes_look_up
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def client(world: World, role: str) -> Client:
    return signed_in_client(world.users[role])


def covering_students(world: World) -> None:
    world.agreement.covers_students = True
    world.agreement.save()


def test_the_list_shows_the_providers_students_and_finds_them(world: World) -> None:
    make_student(world.alpha, "A1", "Kerry", "Adams", course="History", year_of_study=2)
    make_student(world.alpha, "A2", "Lee", "Brown", status="withdrawn")
    make_student(world.gamma, "G1", "Gina", "Gammage")  # a stranger partnership's
    page = client(world, Role.OUTREACH_OFFICER).get("/students/").content.decode()
    assert "Kerry Adams" in page
    assert "Lee Brown" in page
    assert "Gammage" not in page
    found = client(world, Role.OUTREACH_OFFICER).get("/students/", {"q": "A2"}).content.decode()
    assert "Lee Brown" in found
    assert "Kerry Adams" not in found
    enrolled = client(world, Role.OUTREACH_OFFICER).get("/students/", {"status": "enrolled"})
    assert "Kerry Adams" in enrolled.content.decode()
    assert "Lee Brown" not in enrolled.content.decode()
    year_two = client(world, Role.OUTREACH_OFFICER).get("/students/", {"year_of_study": "2"})
    assert "Lee Brown" not in year_two.content.decode()
    assert "Kerry Adams" in year_two.content.decode()


def test_a_characteristic_filter_only_with_that_category(world: World) -> None:
    make_student(world.alpha, "A1", "Kerry", "Adams", care_experienced=True)
    make_student(world.alpha, "A2", "Lee", "Brown", care_experienced=False)
    officer = client(world, Role.OUTREACH_OFFICER)
    page = officer.get("/students/", {"characteristic": "care_experienced"}).content.decode()
    assert "Kerry Adams" in page
    assert "Lee Brown" not in page
    assert 'value="care_experienced"' in page
    # Read-only people see no special category data: no such filter, and asking finds nobody.
    read_only = client(world, Role.READ_ONLY)
    listed = read_only.get("/students/").content.decode()
    assert 'value="care_experienced"' not in listed
    assert 'value="first_in_family"' in listed
    asked = read_only.get("/students/", {"characteristic": "care_experienced"}).content.decode()
    assert "Kerry Adams" not in asked
    assert "No students match these filters." in asked


def test_the_list_pages_like_the_learners_list(world: World) -> None:
    for number in range(52):
        make_student(world.alpha, f"P{number:03d}", "Pat", f"Pager{number:03d}")
    officer = client(world, Role.OUTREACH_OFFICER)
    first = officer.get("/students/").content.decode()
    assert "52 students" in first
    assert "Pager049" in first
    assert "Pager050" not in first
    second = officer.get("/students/", {"page": "2"}).content.decode()
    assert "Pager050" in second
    assert "Pager049" not in second


def test_the_list_asks_the_same_number_of_queries_for_a_page_of_any_length(
    world: World,
) -> None:
    covering_students(world)  # the officer sees Beta's students by a partner's route too

    def queries() -> int:
        officer = client(world, Role.OUTREACH_OFFICER)
        with CaptureQueriesContext(connection) as captured:
            assert officer.get("/students/").status_code == 200
        return len(captured)

    make_student(world.alpha, "Q0")
    make_student(world.beta, "Q1")
    few = queries()
    for number in range(2, 40):
        make_student(world.alpha if number % 2 else world.beta, f"Q{number}")
    assert queries() == few


def test_the_detail_shows_history_declarations_and_who_recorded_them(world: World) -> None:
    student = make_student(
        world.alpha, "A1", "Kerry", "Adams", disabled=True, status_since=date(2025, 9, 22)
    )
    officer = world.users[Role.OUTREACH_OFFICER]
    officer.first_name, officer.last_name = "Olu", "Officer"
    officer.save()
    student_status_change(
        actor=officer, student=student, status="interrupted", changed_on=date(2025, 11, 3)
    )
    signed_in = client(world, Role.OUTREACH_OFFICER)
    signed_in.post(
        f"/students/{student.id}/edit/",
        {
            "student_number": "A1",
            "first_name": "Kerry",
            "last_name": "Adams",
            "student_visa": "true",
            "disabled": "true",
            "first_in_family": "true",
        },
    )
    page = signed_in.get(f"/students/{student.id}/").content.decode()
    assert "Interrupted since 3 November 2025" in page
    assert "3 Nov 2025" in page
    assert "22 Sep 2025" in page
    # Declarations with who recorded them: the import (Widen) and the officer on the page.
    assert "<td>First in family</td><td>Yes</td><td>Olu Officer</td>" in page
    assert "<td>Disabled</td><td>Yes</td><td>Widen</td>" in page
    assert "<td>Interrupted</td><td>3 Nov 2025</td><td>Enrolled</td><td>Olu Officer, page," in page
    assert "Holds a Student visa" in page
    assert "Disabled" in page


def test_every_view_of_a_record_is_in_the_access_log(world: World) -> None:
    student = make_student(world.alpha, "A1")
    client(world, Role.OUTREACH_OFFICER).get(f"/students/{student.id}/")
    entry = AccessLogEntry.objects.get(subject_type="students.student", subject_id=str(student.id))
    assert entry.actor_id == world.users[Role.OUTREACH_OFFICER].id
    assert "special_category" in entry.data_categories
    assert entry.purpose == "student record viewed"


def test_special_category_data_only_with_that_category(world: World) -> None:
    student = make_student(world.alpha, "A1", "Kerry", "Adams", ethnicity="white_british")
    student = Student.objects.get(pk=student.pk)
    page = client(world, Role.READ_ONLY).get(f"/students/{student.id}/").content.decode()
    assert "Kerry Adams" in page
    assert "Special category data" not in page
    assert "Ethnicity" not in page
    assert "Special category" not in page
    officer_page = client(world, Role.OUTREACH_OFFICER).get(f"/students/{student.id}/")
    assert "Ethnicity" in officer_page.content.decode()
    # The evaluator sees characteristics but no names.
    evaluator = client(world, Role.EVALUATOR).get(f"/students/{student.id}/").content.decode()
    assert "Kerry" not in evaluator
    assert "You see this student pseudonymised" in evaluator


def test_someone_who_reads_no_identity_sees_students_under_a_pseudonym(world: World) -> None:
    student = make_student(world.alpha, "ZQ81", "Kerry", "Adams", care_experienced=True)
    evaluator = client(world, Role.EVALUATOR)
    page = evaluator.get("/students/").content.decode()
    assert "Kerry" not in page
    assert "ZQ81" not in page
    assert f"Student {student_pseudonym(student.id)}" in page
    # A search by name reads names: it finds nobody for them.
    assert "No students match" in evaluator.get("/students/", {"q": "Kerry"}).content.decode()


def test_a_partner_under_an_agreement_covering_students_reads_only(world: World) -> None:
    student = make_student(world.beta, "B1", "Bea", "Beta")
    officer = client(world, Role.OUTREACH_OFFICER)
    # An agreement that does not cover students shows nothing of them.
    assert officer.get(f"/students/{student.id}/").status_code == 404
    assert "Bea Beta" not in officer.get("/students/").content.decode()
    covering_students(world)
    page = officer.get(f"/students/{student.id}/").content.decode()
    assert "Bea Beta" in page
    assert "under a data-sharing agreement that covers students" in page
    assert "Edit student" not in page
    assert officer.get(f"/students/{student.id}/edit/").status_code == 404
    refused = officer.post(
        f"/students/{student.id}/status/", {"status": "withdrawn", "changed_on": "2025-10-01"}
    )
    assert refused.status_code == 404
    student.refresh_from_db()
    assert student.status == "enrolled"


def test_a_signed_in_student_sees_nothing_of_the_staff_pages(world: World) -> None:
    student = make_student(world.alpha, "A1")
    person = make_user("student.person", None, None)
    signed_in = signed_in_client(person)
    assert signed_in.get("/students/").status_code == 404
    assert signed_in.get(f"/students/{student.id}/").status_code == 404
    assert signed_in.get(f"/students/providers/{world.alpha.id}/terms/").status_code == 404
    home = signed_in.get("/notifications/").content.decode()
    assert 'href="/students/"' not in home
    assert (
        'href="/students/"' in client(world, Role.READ_ONLY).get("/notifications/").content.decode()
    )


def test_adding_a_student(world: World) -> None:
    officer = client(world, Role.OUTREACH_OFFICER)
    response = officer.post(
        "/students/new/",
        {
            "organisation": str(world.alpha.id),
            "status": "offer_holder",
            "student_number": "N1",
            "first_name": "Nadia",
            "last_name": "New",
            "level": "undergraduate",
            "student_visa": "true",
            "young_adult_carer": "true",
        },
    )
    student = Student.objects.get(student_number="N1")
    assert response.status_code == 302
    assert response["Location"] == f"/students/{student.id}/"
    assert (student.status, student.student_visa, student.level) == (
        "offer_holder",
        True,
        "undergraduate",
    )
    assert Declaration.objects.filter(
        student=student, characteristic="young_adult_carer", value="yes"
    ).exists()


def test_adding_a_student_with_bad_input_says_what_and_keeps_it(world: World) -> None:
    make_student(world.alpha, "N1")
    officer = client(world, Role.OUTREACH_OFFICER)
    response = officer.post(
        "/students/new/",
        {
            "organisation": str(world.alpha.id),
            "status": "enrolled",
            "student_number": "N1",
            "first_name": "Nadia",
            "last_name": "Second",
            "student_visa": "false",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Another student of Alpha University has the student number N1." in page
    assert 'value="Second"' in page
    dates = officer.post(
        "/students/new/",
        {
            "organisation": str(world.alpha.id),
            "status": "enrolled",
            "student_number": "N2",
            "first_name": "Nadia",
            "last_name": "Third",
            "student_visa": "false",
            "starts_on": "2025-09-22",
            "expected_end_on": "2025-06-30",
        },
    )
    assert "The expected end must be on or after the course start." in dates.content.decode()
    assert Student.objects.count() == 1


def test_a_role_that_may_not_add_students_cannot(world: World) -> None:
    assert client(world, Role.READ_ONLY).get("/students/new/").status_code == 404
    assert client(world, Role.DATA_PROTECTION_OFFICER).get("/students/new/").status_code == 404


def test_changing_the_status_on_its_page(world: World) -> None:
    student = make_student(world.alpha, "A1", "Kerry", "Adams", status_since=date(2025, 9, 22))
    officer = client(world, Role.OUTREACH_OFFICER)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = officer.post(
        f"/students/{student.id}/status/", {"status": "withdrawn", "changed_on": future}
    )
    assert "The date the status took effect cannot be in the future." in refused.content.decode()
    student.refresh_from_db()
    assert student.status == "enrolled"
    done = officer.post(
        f"/students/{student.id}/status/", {"status": "withdrawn", "changed_on": "2025-12-01"}
    )
    assert done.status_code == 302
    student.refresh_from_db()
    assert (student.status, student.status_since) == ("withdrawn", date(2025, 12, 1))
    page = officer.get(f"/students/{student.id}/").content.decode()
    assert "Kerry Adams is now withdrawn (from 1 December 2025)." in page


def test_the_home_areas_measures_come_from_the_targeting_look_up(world: World) -> None:
    student = make_student(world.alpha, "A1", home_postcode="E15 4LZ")
    officer = client(world, Role.OUTREACH_OFFICER)
    # No open data loaded: the page says so rather than inventing figures.
    assert (
        "Postcode directory not loaded" in officer.get(f"/students/{student.id}/").content.decode()
    )
    english_areas_loaded()
    (answer,) = postcodes_look_up(["E15 4LZ"])
    assert answer.imd_decile is not None
    page = officer.get(f"/students/{student.id}/").content.decode()
    assert f"<dt>IMD decile</dt><dd>{answer.imd_decile}</dd>" in page
    assert f"<dt>IDACI decile</dt><dd>{answer.idaci_decile}</dd>" in page
