"""Casework's pages: an adviser opens a case, reads its timeline (private and shared notes, a
handover, a referral with consent, closing and re-opening), books an appointment a student asked
for and opens a case from it; every read of a case is in the access log with who read it. The
student sees their cases, what was agreed and their appointments, never a private note, and asks
for an appointment. Nobody else sees any of it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.students.mine.support import signed_in_by_link, student_at
from tests.support.cases import beta_adviser, nadia, open_case, second_adviser
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.students.models import Student
from widen.support.models import Appointment, AppointmentStatus, Case, CaseNote, CaseStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db

CARA = "cara.caseworth@example.ac.uk"
DEE = "dee.other@example.ac.uk"


def text(response: Any) -> str:
    """The page's words, without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def cara(world: World) -> Student:
    return student_at(world.alpha, "C1", CARA, first_name="Cara", last_name="Caseworth")


@pytest.fixture
def case(world: World, cara: Student) -> Case:
    return open_case(world, cara)


def adviser_client(world: World) -> Client:
    return signed_in_client(nadia(world))


def test_the_case_page_shows_the_whole_timeline_escaped_and_logs_who_read_it(
    world: World, case: Case
) -> None:
    reader = second_adviser(world)
    response = signed_in_client(reader).get(reverse("support:case", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Somewhere to live over the summer" in page
    assert "&lt;b&gt;rent arrears&lt;/b&gt; &amp; a landlord dispute" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Private note" in page
    assert "Shared with the student" in page
    entry = AccessLogEntry.objects.get(actor_id=reader.pk, subject_id=str(case.student_id))
    assert "special_category" in entry.data_categories


@pytest.mark.parametrize(
    "who", [Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER, Role.PARTNERSHIP_ADMIN, "beta"]
)
def test_nobody_but_the_providers_advisers_reaches_a_case(
    world: World, case: Case, who: str
) -> None:
    person = beta_adviser(world) if who == "beta" else world.users[who]
    client = signed_in_client(person)
    for url in (
        reverse("support:case", args=[case.pk]),
        reverse("support:cases"),
        reverse("support:case_caseload"),
        reverse("support:appointments"),
    ):
        if who == "beta" and str(case.pk) not in url:
            # Beta's adviser has lists of their own: Beta's cases, none of Alpha's.
            assert "Caseworth" not in text(client.get(url)), url
            continue
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("support:case_note", args=[case.pk]), {"body": "Snooping"})
    assert response.status_code == 404
    assert case.notes.count() == 2
    if who == "beta":
        assert "Caseworth" not in text(client.get(reverse("support:cases") + "?view=all"))


def test_the_student_sees_their_case_and_what_was_agreed_never_a_private_note(
    world: World, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in_by_link(CARA, django_capture_on_commit_callbacks)
    response = client.get(reverse("support:cases_mine"))
    assert response.status_code == 200
    page = text(response)
    assert "Accommodation: Somewhere to live over the summer" in page
    assert "Open" in page
    assert "Alpha" in page  # the adviser's provider
    assert nadia(world).get_full_name() in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
    assert "rent arrears" not in page
    assert "landlord" not in page
    for url in (
        reverse("support:case", args=[case.pk]),
        reverse("support:cases"),
        reverse("support:appointments"),
    ):
        assert client.get(url).status_code == 404


def test_another_student_sees_none_of_it(
    world: World, case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "C2", DEE, first_name="Dee")
    client = signed_in_by_link(DEE, django_capture_on_commit_callbacks)
    page = text(client.get(reverse("support:cases_mine")))
    assert "Somewhere to live" not in page
    assert "hardship fund" not in page
    assert "You have no support cases" in page


def test_an_adviser_opens_a_case_writes_notes_refers_closes_and_reopens_it(
    world: World, cara: Student
) -> None:
    client = adviser_client(world)
    response = client.post(
        reverse("support:case_create"),
        {
            "organisation": str(world.alpha.pk),
            "student_number": "c1",
            "topic": "funding",
            "summary": "Rent due before the bursary",
            "assignee": str(nadia(world).pk),
        },
    )
    case = Case.objects.get(student=cara)
    assert response.url == reverse("support:case", args=[case.pk])
    missing = client.post(
        reverse("support:case_create"),
        {
            "organisation": str(world.alpha.pk),
            "student_number": "NOPE",
            "topic": "funding",
            "summary": "x",
        },
    )
    assert "No student of Alpha University has that number." in text(missing)
    client.post(reverse("support:case_note", args=[case.pk]), {"body": "Only for advisers"})
    client.post(
        reverse("support:case_note", args=[case.pk]),
        {"body": "We agreed to apply for the hardship fund", "shared_with_student": "on"},
    )
    assert [n.shared_with_student for n in case.notes.order_by("written_at")] == [False, True]
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM support_casenote")
        stored = " ".join(str(row[0]) for row in cursor.fetchall())
    assert "Only for advisers" not in stored
    assert "hardship fund" not in stored
    refused = client.post(
        reverse("support:case_referral", args=[case.pk]),
        {"service": "money_advice", "consent_how": "in person"},
    )
    assert refused.status_code == 200
    assert "Enter the day the student agreed to the referral." in text(refused)
    assert not case.referrals.exists()
    client.post(
        reverse("support:case_referral", args=[case.pk]),
        {
            "service": "money_advice",
            "service_name": "The money advice team",
            "consent_given_on": timezone.localdate().isoformat(),
            "consent_how": "in person at the appointment",
        },
    )
    assert case.referrals.count() == 1
    no_outcome = client.post(reverse("support:case_close", args=[case.pk]), {"outcome": ""})
    assert "Error:" in text(no_outcome)
    assert "Say how the case ended: the student sees it." in text(no_outcome)
    client.post(reverse("support:case_close", args=[case.pk]), {"outcome": "Fund paid the rent"})
    client.post(reverse("support:case_reopen", args=[case.pk]), {"reason": "Rent due again"})
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    page = text(client.get(reverse("support:case", args=[case.pk])))
    assert page.index("Case closed") < page.index("Case re-opened")
    assert "Fund paid the rent" in page
    assert "Referred to Money advice: The money advice team" in page
    assert "Only for advisers" in page


def test_a_handover_moves_the_case_to_the_other_advisers_list(world: World, case: Case) -> None:
    omar = second_adviser(world)
    adviser_client(world).post(
        reverse("support:case_handover", args=[case.pk]), {"to_adviser": str(omar.pk)}
    )
    mine = text(signed_in_client(omar).get(reverse("support:cases")))
    assert "Cara Caseworth" in mine
    assert "Cara Caseworth" not in text(adviser_client(world).get(reverse("support:cases")))


def test_lists_filter_by_topic_and_status_but_never_by_note_text(world: World, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(follow_up_on=timezone.localdate() - timedelta(days=2))
    client = adviser_client(world)
    for view in ("mine", "follow_ups", "overdue", "all"):
        assert "Cara Caseworth" in text(client.get(reverse("support:cases") + f"?view={view}"))
    assert "(overdue)" in text(client.get(reverse("support:cases")))
    other_topic = client.get(reverse("support:cases") + "?view=all&topic=funding")
    assert "Cara Caseworth" not in text(other_topic)
    for asked in ("?note=rent", "?notes__body__icontains=rent", "?q=landlord"):
        refused = client.get(reverse("support:cases") + asked)
        assert refused.status_code == 400
        assert "cannot be searched or filtered by what their notes say" in text(refused)
        assert "Cara Caseworth" not in text(refused)
    load = text(client.get(reverse("support:case_caseload")))
    assert "Accommodation 1" in load


def test_a_student_asks_for_an_appointment_which_an_adviser_books_and_opens_a_case_from(
    world: World, cara: Student, django_capture_on_commit_callbacks: Any
) -> None:
    student = signed_in_by_link(CARA, django_capture_on_commit_callbacks)
    empty = student.post(reverse("support:cases_mine_appointment"), {"mode": "online"})
    assert "Say a little about what you would like help with." in text(empty)
    student.post(
        reverse("support:cases_mine_appointment"),
        {
            "topic": "accommodation",
            "request": "My halls contract ends in June",
            "preferred_times": "Tuesday afternoons",
            "mode": "online",
        },
    )
    appointment = Appointment.objects.get(student=cara)
    adviser = adviser_client(world)
    listed = text(adviser.get(reverse("support:appointments")))
    assert "Cara Caseworth" in listed
    assert "Tuesday afternoons" in listed
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        adviser.post(
            reverse("support:appointment_book", args=[appointment.pk]),
            {"starts_at": starts, "where": "Room 2.14", "adviser": str(nadia(world).pk)},
        )
        response = adviser.post(
            reverse("support:appointment_open_case", args=[appointment.pk]),
            {"summary": "A place to live over the summer", "assignee": str(nadia(world).pk)},
        )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.case is not None
    assert response.url == reverse("support:case", args=[appointment.case.pk])
    mine = text(student.get(reverse("support:cases_mine")))
    assert "A place to live over the summer" in mine
    assert "Room 2.14" in mine
    assert CaseNote.objects.count() == 0
