"""Support records' pages and API: an adviser opens a record for a student the enrolment import
found, keeps it (named contact, personal adviser only with consent, halls, plan), records when a
characteristic became known and a local authority bursary expected, chased and received; every
read is in the access log. The student sees their own record and asks not to be contacted about
it; another student's record, and anyone but the provider's advisers, get nothing. Hostile input
is shown back harmlessly or refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.students.mine.support import signed_in_by_link, student_at
from tests.students.records import make_student
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.audit.models import AccessLogEntry
from widen.core import request_context
from widen.students.models import Student
from widen.students.selectors import SUBJECT_TYPE
from widen.support.models import (
    CareStatus,
    IdentificationStage,
    LocalAuthorityBursary,
    SupportRecord,
)
from widen.support.services.records import bursary_expect, record_open, record_update
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/support/records"
HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil")'


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def adviser(world: World) -> User:
    return world.users[Role.STUDENT_SUPPORT_ADVISER]


def logged_reads(student: Student) -> int:
    return AccessLogEntry.objects.filter(
        subject_type=SUBJECT_TYPE, subject_id=str(student.pk)
    ).count()


@pytest.fixture
def found(world: World) -> Student:
    """A student the enrolment import says is care experienced."""
    return make_student(world.alpha, "E1", "Erin", "Enrolled", care_experienced=True)


def test_an_adviser_opens_a_record_for_a_student_found_in_the_records_and_keeps_it(
    world: World, found: Student
) -> None:
    client = signed_in_client(adviser(world))
    listing = page_text(client.get(reverse("support:records")))
    assert "Found in the student records" in listing
    assert "Erin Enrolled" in listing
    opened = client.post(reverse("support:record_open"), {"student_id": str(found.pk)})
    record = SupportRecord.objects.get(student=found)
    assert opened["Location"] == reverse("support:record", args=[record.pk])

    before = logged_reads(found)
    page = page_text(client.get(opened["Location"]))
    assert logged_reads(found) == before + 1
    assert "Declared at enrolment" in page
    assert "student records import" in page
    assert "Care experienced" in page

    edit = reverse("support:record_edit", args=[record.pk])
    refused = client.post(edit, {"personal_adviser": "Jo Bloggs, 020 7946 0000", "care_status": ""})
    assert refused.status_code == 200
    assert "kept only with the student&#x27;s consent" in refused.content.decode()
    saved = client.post(
        edit,
        {
            "named_contact": str(adviser(world).pk),
            "care_status": CareStatus.CARE_LEAVER,
            "personal_adviser_consent": "on",
            "personal_adviser": "Jo Bloggs, 020 7946 0000",
            "pathway_review_due": (timezone.localdate() + timedelta(days=300)).isoformat(),
            "halls_from": "2026-09-20",
            "halls_until": "2027-09-19",
            "halls_year_round": "on",
            "support_plan": HOSTILE,
        },
        follow=True,
    )
    text = saved.content.decode()
    assert "more than six months after the last" in text
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text
    assert "Jo Bloggs" in text

    identification = client.post(
        reverse("support:record_identification", args=[record.pk]),
        {
            "characteristic": "estranged",
            "stage": IdentificationStage.ADVISER,
            "identified_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
        },
    )
    assert "cannot be in the future" in identification.content.decode()
    record.refresh_from_db()
    assert not record.estranged


def test_a_bursary_is_expected_chased_and_received_on_the_page(
    world: World, found: Student
) -> None:
    record = record_open(actor=adviser(world), student=found)
    client = signed_in_client(adviser(world))
    late = (timezone.localdate() - timedelta(days=20)).isoformat()
    client.post(
        reverse("support:record_bursary", args=[record.pk]),
        {"local_authority": "Newham", "amount": "2000", "expected_on": late},
    )
    bursary = LocalAuthorityBursary.objects.get()
    assert bursary.amount_pence == 200_000
    assert "Newham" in page_text(client.get(reverse("support:records") + "?bursary_to_chase=on"))
    client.post(reverse("support:record_bursary_chase", args=[record.pk, bursary.pk]))
    bursary.refresh_from_db()
    assert bursary.chased_on == timezone.localdate()
    assert "Nothing to chase." in page_text(client.get(reverse("support:records")))
    client.post(
        reverse("support:record_bursary_receive", args=[record.pk, bursary.pk]),
        {"received_on": timezone.localdate().isoformat()},
    )
    bursary.refresh_from_db()
    assert bursary.received_on == timezone.localdate()
    assert not bursary.is_expected


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER])
def test_nobody_but_an_adviser_sees_the_records(world: World, found: Student, role: str) -> None:
    record = record_open(actor=adviser(world), student=found)
    client = signed_in_client(world.users[role])
    assert client.get(reverse("support:records")).status_code == 404
    assert client.get(reverse("support:record", args=[record.pk])).status_code == 404
    assert api_call(world.tokens[role], "GET", f"{RECORDS}/{record.pk}").status_code == 404


def test_the_student_sees_their_own_record_and_asks_not_to_be_contacted(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ann = student_at(world.alpha, "S1", "ann.first@example.ac.uk", first_name="Ann")
    ben = student_at(world.alpha, "S2", "ben.second@example.ac.uk", first_name="Ben")
    with request_context.bind(source="test"):
        record = record_open(actor=adviser(world), student=ann)
        record_update(
            actor=adviser(world),
            record=record,
            changes={"support_plan": "Meet every month.", "halls_year_round": True},
        )
        record_open(actor=adviser(world), student=ben)
    client = signed_in_by_link("ann.first@example.ac.uk", django_capture_on_commit_callbacks)
    page = page_text(client.get(reverse("support:my_record")))
    assert "Meet every month." in page
    assert "a 365-day place" not in page  # no halls dates yet
    assert (adviser(world).get_full_name() or adviser(world).username) in page
    client.post(reverse("support:my_record_contact"), {"do_not_contact": "1"})
    record.refresh_from_db()
    assert record.do_not_contact
    assert "You asked us not to contact you" in page_text(client.get(reverse("support:my_record")))
    # Another student's record is never theirs.
    assert client.get(reverse("support:record", args=[record.pk])).status_code == 404
    assert SupportRecord.objects.get(student=ben).do_not_contact is False


def test_the_api_keeps_a_record_and_logs_each_read(world: World, found: Student) -> None:
    token = world.tokens[Role.STUDENT_SUPPORT_ADVISER]
    opened = api_call(token, "POST", RECORDS, {"student_id": str(found.pk), "from_records": True})
    assert opened.status_code == 201, opened.content
    record_id = opened.json()["id"]
    assert opened.json()["care_status"] == CareStatus.CARE_EXPERIENCED
    reads = logged_reads(found)
    assert api_call(token, "GET", f"{RECORDS}/{record_id}").status_code == 200
    assert logged_reads(found) == reads + 1

    refused = api_call(
        token, "PATCH", f"{RECORDS}/{record_id}", {"personal_adviser": "Jo, 020 7946 0000"}
    )
    assert refused.status_code == 422
    assert "consent" in refused.content.decode()
    hostile = api_call(token, "PATCH", f"{RECORDS}/{record_id}", {"status": "received"})
    assert hostile.status_code == 422
    changed = api_call(
        token,
        "PATCH",
        f"{RECORDS}/{record_id}",
        {"personal_adviser": "Jo", "personal_adviser_consent": True, "support_plan": HOSTILE},
    )
    assert changed.json()["support_plan"] == HOSTILE
    assert changed.json()["personal_adviser_consent_on"] == timezone.localdate().isoformat()

    bursary = api_call(
        token,
        "POST",
        f"{RECORDS}/{record_id}/bursaries",
        {"local_authority": "Newham", "expected_on": "2025-01-05"},
    )
    assert bursary.status_code == 201
    assert bursary.json()["amount_pence"] == 200_000
    to_chase = api_call(token, "GET", "/api/v1/support/bursaries/to-chase").json()
    assert [row["id"] for row in to_chase["results"]] == [bursary.json()["id"]]
    too_much = api_call(
        token,
        "POST",
        f"{RECORDS}/{record_id}/bursaries",
        {"local_authority": "Newham", "expected_on": "2025-01-05", "amount_pence": -5},
    )
    assert too_much.status_code == 422
    identifications = api_call(token, "GET", f"{RECORDS}/{record_id}/identifications").json()
    assert [row["stage"] for row in identifications["results"]] == [IdentificationStage.ENROLMENT]


def test_another_providers_adviser_gets_404_from_the_api(world: World, found: Student) -> None:
    record = record_open(actor=adviser(world), student=found)
    with request_context.bind(source="test"):
        bursary_expect(
            actor=adviser(world),
            record=record,
            local_authority="Newham",
            expected_on=timezone.localdate(),
        )
    beta = make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)
    token = api_token_create(user=beta, name="test")[1]
    assert api_call(token, "GET", f"{RECORDS}/{record.pk}").status_code == 404
    assert api_call(token, "GET", RECORDS).json()["count"] == 0
    assert api_call(token, "POST", RECORDS, {"student_id": str(found.pk)}).status_code == 422
    assert api_call(token, "GET", "/api/v1/support/mine/record").status_code == 404


def test_an_adviser_opens_a_record_by_student_number_and_only_for_their_own_students(
    world: World,
) -> None:
    make_student(world.beta, "B7", "Bea", "Beta")
    told = make_student(world.alpha, "A7", "Tia", "Told")
    client = signed_in_client(adviser(world))
    unknown = client.post(reverse("support:record_open"), {"student_number": "B7"}, follow=True)
    assert "No student of yours has that student number." in page_text(unknown)
    assert not SupportRecord.objects.exists()
    opened = client.post(reverse("support:record_open"), {"student_number": " A7 "})
    record = SupportRecord.objects.get(student=told)
    assert opened["Location"] == reverse("support:record", args=[record.pk])
    again = client.post(reverse("support:record_open"), {"student_number": "A7"}, follow=True)
    assert "Tia Told already has a support record." in page_text(again)
    assert SupportRecord.objects.count() == 1
