"""Casework in the JSON API: an adviser lists, opens, reads (logged), adds to, closes and
re-opens cases and books appointments, as on the pages; a filter on notes is refused; nobody
else reaches a case; a student reads their own cases with what was agreed (never a private
note) and asks for an appointment."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import api_call
from tests.support.cases import (
    PRIVATE,
    SHARED,
    beta_adviser,
    nadia,
    open_case,
    student_with_account,
)
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.audit.models import AccessLogEntry
from widen.students.models import Student
from widen.support.models import Appointment, Case, CaseStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def adviser_token(world: World) -> str:
    return world.tokens[Role.STUDENT_SUPPORT_ADVISER]


def token_of(user: object, name: str = "test") -> str:
    return api_token_create(user=user, name=name)[1]


def test_an_adviser_reads_a_case_with_its_timeline_and_the_read_is_logged(world: World) -> None:
    case = open_case(world, student_with_account(world))
    token = adviser_token(world)
    listed = api_call(token, "GET", "/api/v1/support/cases?topic=accommodation").json()
    assert [row["id"] for row in listed["results"]] == [str(case.pk)]
    assert api_call(token, "GET", "/api/v1/support/cases?topic=funding").json()["count"] == 0
    got = api_call(token, "GET", f"/api/v1/support/cases/{case.pk}")
    assert got.status_code == 200
    texts = [entry["text"] for entry in got.json()["timeline"]]
    assert PRIVATE in texts
    assert SHARED in texts
    assert AccessLogEntry.objects.filter(
        actor_id=nadia(world).pk, subject_id=str(case.student_id), purpose="API support case"
    ).exists()


def test_a_filter_on_notes_is_refused_with_why(world: World) -> None:
    open_case(world, student_with_account(world))
    for query in ("notes__body__icontains=rent", "note=rent", "q=landlord"):
        response = api_call(adviser_token(world), "GET", f"/api/v1/support/cases?{query}")
        assert response.status_code == 422, query
        assert "cannot be searched or filtered by what their notes say" in response.content.decode()


@pytest.mark.parametrize("who", [Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER, "beta"])
def test_nobody_else_reaches_a_case(world: World, who: str) -> None:
    case = open_case(world, student_with_account(world))
    token = token_of(beta_adviser(world)) if who == "beta" else world.tokens[who]
    assert api_call(token, "GET", f"/api/v1/support/cases/{case.pk}").status_code == 404
    answer = api_call(token, "POST", f"/api/v1/support/cases/{case.pk}/notes", {"body": "Hi"})
    assert answer.status_code == 404
    assert case.notes.count() == 2
    if who == "beta":
        assert api_call(token, "GET", "/api/v1/support/cases").json()["count"] == 0


def test_an_adviser_opens_refers_closes_and_reopens_a_case(world: World) -> None:
    student = student_with_account(world)
    token = adviser_token(world)
    opened = api_call(
        token,
        "POST",
        "/api/v1/support/cases",
        {"student_id": str(student.pk), "topic": "funding", "summary": "Rent due"},
    )
    assert opened.status_code == 201, opened.content
    case_id = opened.json()["id"]
    note = api_call(
        token,
        "POST",
        f"/api/v1/support/cases/{case_id}/notes",
        {"body": "Agreed to apply", "shared_with_student": True},
    )
    assert note.status_code == 201
    no_consent = api_call(
        token,
        "POST",
        f"/api/v1/support/cases/{case_id}/referrals",
        {"service": "money_advice", "consent_how": "in person"},
    )
    assert no_consent.status_code == 422
    assert "consent" in no_consent.content.decode()
    referred = api_call(
        token,
        "POST",
        f"/api/v1/support/cases/{case_id}/referrals",
        {
            "service": "money_advice",
            "consent_given_on": timezone.localdate().isoformat(),
            "consent_how": "in person",
        },
    )
    assert referred.status_code == 201
    referral_id = Case.objects.get(pk=case_id).referrals.get().pk
    referral_closed = api_call(
        token,
        "POST",
        f"/api/v1/support/cases/{case_id}/referrals/{referral_id}/close",
        {"outcome": "Budget agreed with money advice"},
    )
    assert referral_closed.status_code == 200, referral_closed.content
    assert "referral closed" in [entry["kind"] for entry in referral_closed.json()["timeline"]]
    twice = api_call(
        token,
        "POST",
        f"/api/v1/support/cases/{case_id}/referrals/{referral_id}/close",
        {"outcome": "Again"},
    )
    assert twice.status_code == 422
    closed = api_call(
        token, "POST", f"/api/v1/support/cases/{case_id}/close", {"outcome": "Rent paid"}
    )
    assert closed.json()["status"] == CaseStatus.CLOSED
    reopened = api_call(token, "POST", f"/api/v1/support/cases/{case_id}/reopen", {})
    kinds = [entry["kind"] for entry in reopened.json()["timeline"]]
    assert kinds.count("closed") == 1
    assert kinds.count("reopened") == 1
    assert "referral" in kinds
    assert Case.objects.get(pk=case_id).status == CaseStatus.OPEN


def test_a_student_reads_their_own_cases_without_private_notes_and_asks_for_an_appointment(
    world: World,
) -> None:
    student = student_with_account(world)
    case = open_case(world, student)
    token = token_of(student.user)
    answer = api_call(token, "GET", "/api/v1/support/my-cases")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert json.dumps(SHARED)[1:-1] in body
    assert "rent arrears" not in body
    assert "landlord" not in body
    (mine,) = answer.json()["results"]
    assert mine["id"] == str(case.pk)
    assert mine["adviser"] == nadia(world).get_full_name()
    asked = api_call(
        token,
        "POST",
        "/api/v1/support/my-appointments",
        {"topic": "wellbeing", "request": "Exams", "mode": "phone", "status": "booked"},
    )
    assert asked.status_code == 422, "a body cannot set an appointment's status"
    asked = api_call(
        token,
        "POST",
        "/api/v1/support/my-appointments",
        {"topic": "wellbeing", "request": "Exams", "mode": "phone"},
    )
    assert asked.status_code == 201
    appointment = Appointment.objects.get(pk=asked.json()["id"])
    assert appointment.student == student
    other = Student.objects.create(
        organisation=world.alpha, student_number="C9", first_name="Oli", last_name="Other"
    )
    other_token = token_of(student_with_account(world, "C8", "Eve").user, "eve")
    assert api_call(other_token, "GET", "/api/v1/support/my-cases").json()["count"] == 0
    assert other.support_cases.count() == 0
    starts = (timezone.localtime() + timedelta(days=1)).replace(tzinfo=None).isoformat()
    booked = api_call(
        adviser_token(world),
        "POST",
        f"/api/v1/support/appointments/{appointment.pk}/book",
        {"starts_at": starts, "where": "By phone", "adviser_id": str(nadia(world).pk)},
    )
    assert booked.status_code == 200, booked.content
    mine_now = api_call(token, "GET", "/api/v1/support/my-appointments").json()["results"]
    assert {row["status"] for row in mine_now} == {"booked"}
    held = api_call(
        adviser_token(world), "POST", f"/api/v1/support/appointments/{appointment.pk}/held"
    )
    assert held.status_code == 200, held.content
    assert held.json()["status"] == "held"
    refused = api_call(
        adviser_token(world),
        "POST",
        f"/api/v1/support/appointments/{appointment.pk}/cancel",
        {"reason": "Too late: it took place"},
    )
    assert refused.status_code == 422  # a held appointment can no longer be cancelled
