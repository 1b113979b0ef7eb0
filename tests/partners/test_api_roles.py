"""Roles and applications through the JSON API, with tokens: a student applies to an open role of
their own provider (a draft kept, changed, sent, withdrawn), another's application answers 404;
a coordinator adds and changes their providers' roles (a rate below the minimum refused with the
reason), reads the queue with the days to decide by and decides, each read logged; another
provider's coordinator gets 404."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from conftest import api_call
from tests.partners.factories import UK, make_partner, make_role, partner_account
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.accounts.services import api_token_create
from widen.accounts.sign_in_links import link_account_create
from widen.audit.models import AccessLogEntry
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import Application, ApplicationStatus, Partner, Role
from widen.students.models import Student
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

API = "/api/v1/partners"
NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)  # a Wednesday
ANSWERS = {
    "why_this_role": "I was the first in my family to go to university.",
    "what_you_bring": "Two years of running a youth club.",
    "adjustments": "I have dyslexia: written questions ahead help.",
}


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with freeze_time(NOW):
        yield


def coordinator(world: World) -> User:
    return world.users[StaffRole.OUTREACH_OFFICER]


def staff_token(world: World) -> str:
    return world.tokens[StaffRole.OUTREACH_OFFICER]


@pytest.fixture
def beta(world: World) -> str:
    """The token of a coordinator of another provider in the same partnership."""
    user = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    return api_token_create(user=user, name="Beta")[1]


def student_token(provider: Organisation, number: str, first_name: str = "Amara") -> str:
    """A student of `provider` (not a partner yet), signed in to their own account."""
    with request_context.bind(source="test"):
        student = Student.objects.create(
            organisation=provider,
            student_number=number,
            first_name=first_name,
            last_name="Osei",
            email=f"{number.lower()}@students.example.ac.uk",
        )
        user = link_account_create(email=student.email, first_name=first_name, last_name="Osei")
        student.user = user
        student.save(update_fields=["user"])
    return api_token_create(user=user, name="Phone")[1]


def call(token: str, method: str, path: str, body: Any = None) -> Any:
    return api_call(token, method, f"{API}{path}", body)


def sent_application(world: World, role: Role, number: str) -> tuple[str, str]:
    """A student's token and their application to `role`, sent today."""
    token = student_token(role.organisation, number)
    started = call(token, "POST", f"/roles/{role.pk}/applications", ANSWERS)
    assert started.status_code == 201, started.content
    application_id = started.json()["id"]
    assert call(token, "POST", f"/applications/{application_id}/submit").status_code == 200
    return token, application_id


def test_a_student_applies_saving_a_draft_then_sends_it(world: World) -> None:
    role = make_role(world.alpha, coordinator(world), title="Campus tour ambassador")
    make_role(world.alpha, coordinator(world), title="Closed role", is_open=False)
    make_role(world.beta, coordinator(world), title="Beta ambassador")
    token = student_token(world.alpha, "S1")

    roles = call(token, "GET", "/roles/open").json()
    assert [one["title"] for one in roles["results"]] == ["Campus tour ambassador"]
    assert roles["results"][0]["hourly_rate_pence"] == 1400
    assert roles["results"][0]["application_id"] is None
    assert "is_open" not in roles["results"][0]

    started = call(token, "POST", f"/roles/{role.pk}/applications", {"why_this_role": "Why"})
    assert started.status_code == 201, started.content
    draft = started.json()
    assert draft["status"] == ApplicationStatus.DRAFT
    again = call(token, "POST", f"/roles/{role.pk}/applications", {})
    assert again.status_code == 200
    assert again.json()["id"] == draft["id"]
    [listed] = call(token, "GET", "/roles/open").json()["results"]
    assert listed["application_id"] == draft["id"]

    missing = call(token, "POST", f"/applications/{draft['id']}/submit")
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": "Say what you would bring: from study, caring, work or anything else.",
        "field": "what_you_bring",
    }
    saved = call(token, "PATCH", f"/applications/{draft['id']}", {"what_you_bring": "Youth club"})
    assert saved.json()["why_this_role"] == "Why"  # the answer left out is kept
    assert saved.json()["what_you_bring"] == "Youth club"

    sent = call(token, "POST", f"/applications/{draft['id']}/submit")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == ApplicationStatus.SUBMITTED
    assert sent.json()["decide_by"] == "2026-11-18"  # ten working days
    changed = call(token, "PATCH", f"/applications/{draft['id']}", {"why_this_role": "Later"})
    assert changed.status_code == 422
    assert "submitted, so it cannot be changed" in changed.json()["detail"]
    assert Application.objects.get(pk=draft["id"]).why_this_role == "Why"
    [mine] = call(token, "GET", "/applications").json()["results"]
    assert mine["role"] == "Campus tour ambassador"
    assert mine["coordinator"] in {coordinator(world).get_full_name(), coordinator(world).username}


def test_another_students_application_and_a_closed_or_foreign_role_answer_404(
    world: World,
) -> None:
    role = make_role(world.alpha, coordinator(world))
    closed = make_role(world.alpha, coordinator(world), title="Closed", is_open=False)
    foreign = make_role(world.beta, coordinator(world), title="Beta ambassador")
    token = student_token(world.alpha, "S2")
    other = student_token(world.alpha, "S3", first_name="Ben")
    draft = call(token, "POST", f"/roles/{role.pk}/applications", ANSWERS).json()

    for method, path in (
        ("GET", f"/applications/{draft['id']}"),
        ("PATCH", f"/applications/{draft['id']}"),
        ("POST", f"/applications/{draft['id']}/submit"),
        ("POST", f"/applications/{draft['id']}/withdraw"),
    ):
        body = {} if method == "PATCH" else None
        assert call(other, method, path, body).status_code == 404, path
        assert call(staff_token(world), method, path, body).status_code == 404, path
    assert call(other, "GET", "/applications").json() == {"count": 0, "results": []}
    for refused in (closed, foreign):
        assert call(token, "GET", f"/roles/{refused.pk}").status_code == 404
        assert call(token, "POST", f"/roles/{refused.pk}/applications", {}).status_code == 404
    # A draft is not the coordinator's to read until it is sent.
    path = f"/approvals/applications/{draft['id']}"
    assert call(staff_token(world), "GET", path).status_code == 404
    assert call(token, "GET", "/roles").status_code == 404  # a student keeps no roles
    assert Application.objects.get(pk=draft["id"]).status == ApplicationStatus.DRAFT


def test_a_student_withdraws_a_sent_application_once(world: World) -> None:
    role = make_role(world.alpha, coordinator(world))
    token, application_id = sent_application(world, role, "S4")

    withdrawn = call(token, "POST", f"/applications/{application_id}/withdraw")
    again = call(token, "POST", f"/applications/{application_id}/withdraw")

    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == ApplicationStatus.WITHDRAWN
    assert again.status_code == 422
    assert again.json()["detail"] == "This application is withdrawn, so it cannot be withdrawn."


def test_a_coordinator_adds_a_role_refused_below_the_minimum_wage_and_changes_it(
    world: World, beta: str
) -> None:
    body = {
        "organisation_id": str(world.alpha.pk),
        "kind": "ambassador",
        "title": "Open day ambassador",
        "work_involved": "Campus tours.",
        "hourly_rate": "5.00",
        "coordinator_id": str(coordinator(world).pk),
    }

    low = call(staff_token(world), "POST", "/roles", body)
    made = call(staff_token(world), "POST", "/roles", body | {"hourly_rate": "13.50"})
    foreign = call(beta, "POST", "/roles", body | {"hourly_rate": "13.50"})

    assert low.status_code == 422
    assert low.json()["field"] == "hourly_rate"
    assert low.json()["detail"].startswith("£5.00 an hour is below")
    assert "4 November 2026" in low.json()["detail"]
    assert made.status_code == 201, made.content
    assert made.json()["hourly_rate_pence"] == 1350
    assert made.json()["is_open"] is True
    assert foreign.status_code == 404
    assert Role.objects.filter(title="Open day ambassador").count() == 1
    role_id = made.json()["id"]

    closed = call(staff_token(world), "PATCH", f"/roles/{role_id}", {"is_open": False})
    cut = call(staff_token(world), "PATCH", f"/roles/{role_id}", {"hourly_rate": "3"})
    stranger = call(
        staff_token(world),
        "PATCH",
        f"/roles/{role_id}",
        {"coordinator_id": str(make_user("c.beta2", world.beta, StaffRole.OUTREACH_OFFICER).pk)},
    )

    assert closed.status_code == 200, closed.content
    assert closed.json()["is_open"] is False
    assert closed.json()["title"] == "Open day ambassador"  # what was left out is kept
    assert cut.status_code == 422
    assert cut.json()["field"] == "hourly_rate"
    assert stranger.status_code == 422
    assert stranger.json()["field"] == "coordinator_id"
    role = Role.objects.get(pk=role_id)
    assert (role.hourly_rate_pence, role.is_open) == (1350, False)
    assert call(beta, "PATCH", f"/roles/{role_id}", {"is_open": True}).status_code == 404
    assert call(beta, "GET", f"/roles/{role_id}").status_code == 404
    listed = call(staff_token(world), "GET", "/roles").json()["results"]
    assert role_id in {one["id"] for one in listed}
    assert call(beta, "GET", "/roles").json()["results"] == []


def test_the_coordinator_reads_the_queue_and_an_application_each_read_logged(
    world: World, beta: str
) -> None:
    role = make_role(world.alpha, coordinator(world), title="Co-researcher")
    with freeze_time(datetime(2026, 10, 1, 9, tzinfo=UK)):
        _, late_id = sent_application(world, role, "S5")
    _, fresh_id = sent_application(world, role, "S6")

    queue = call(staff_token(world), "GET", "/approvals/applications")

    assert queue.status_code == 200
    rows = queue.json()["results"]
    assert [row["id"] for row in rows] == [late_id, fresh_id]  # overdue first
    assert rows[0]["overdue"] is True
    assert rows[1]["overdue"] is False
    assert rows[1]["decide_by"] == "2026-11-18"
    assert rows[1]["working_days_left"] == 10
    assert "adjustments" not in rows[0]
    logged = AccessLogEntry.objects.filter(
        subject_type="partners.application", actor_id=coordinator(world).pk
    )
    assert {entry.subject_id for entry in logged} == {late_id, fresh_id}
    assert call(beta, "GET", "/approvals/applications").json()["results"] == []

    read = call(staff_token(world), "GET", f"/approvals/applications/{fresh_id}")

    assert read.status_code == 200
    assert read.json()["adjustments"] == ANSWERS["adjustments"]
    assert read.json()["student_number"] == "S6"
    categories = [entry.data_categories for entry in logged.filter(subject_id=fresh_id)]
    assert sorted(categories) == [["identity"], ["identity", "special_category"]]
    assert call(beta, "GET", f"/approvals/applications/{fresh_id}").status_code == 404
    assert not AccessLogEntry.objects.exclude(actor_id=coordinator(world).pk).filter(
        subject_type="partners.application"
    )


def test_the_coordinator_declines_with_a_reason_and_offers_once(world: World, beta: str) -> None:
    role = make_role(world.alpha, coordinator(world))
    student, declined_id = sent_application(world, role, "S7")
    _, offered_id = sent_application(world, role, "S8")
    decide = f"/approvals/applications/{declined_id}/decision"

    silent = call(staff_token(world), "POST", decide, {"decision": "decline"})
    foreign = call(beta, "POST", decide, {"decision": "decline", "note": "No."})
    declined = call(
        staff_token(world), "POST", decide, {"decision": "decline", "note": "All places filled."}
    )
    offered = call(
        staff_token(world),
        "POST",
        f"/approvals/applications/{offered_id}/decision",
        {"decision": "offer"},
    )
    twice = call(staff_token(world), "POST", decide, {"decision": "offer"})

    assert silent.status_code == 422
    assert silent.json()["field"] == "note"
    assert foreign.status_code == 404
    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == ApplicationStatus.DECLINED
    assert declined.json()["partner_id"] is None
    assert twice.status_code == 422
    assert twice.json()["detail"] == "This application has already been decided."
    assert offered.json()["status"] == ApplicationStatus.OFFERED
    partner = Partner.objects.get(pk=offered.json()["partner_id"])
    assert role in partner.roles.all()
    seen = call(student, "GET", f"/applications/{declined_id}").json()
    assert seen["status"] == ApplicationStatus.DECLINED
    assert seen["decision_note"] == "All places filled."
    assert not Partner.objects.filter(student__student_number="S7").exists()


def test_a_partner_already_in_a_role_can_apply_to_another(world: World) -> None:
    partner = make_partner(world.alpha, "S9")
    role = make_role(world.alpha, coordinator(world), title="Co-presenter")
    token = api_token_create(user=partner_account(partner), name="Phone")[1]

    started = call(token, "POST", f"/roles/{role.pk}/applications", ANSWERS)

    assert started.status_code == 201
    assert started.json()["provider"] == world.alpha.name
    assert started.json()["decide_by"] is None  # a draft has no day to be decided by


def test_the_lists_ask_as_many_queries_for_many_applications_as_for_one(world: World) -> None:
    roles = [make_role(world.alpha, coordinator(world), title=f"Role {n}") for n in range(4)]
    student = student_token(world.alpha, "S10")

    def queries_with(count: int) -> list[int]:
        for role in roles[:count]:
            if not Application.objects.filter(role=role).exists():
                sent = call(student, "POST", f"/roles/{role.pk}/applications", ANSWERS)
                call(student, "POST", f"/applications/{sent.json()['id']}/submit")
        counted = []
        for token, path in (
            (student, "/roles/open"),
            (student, "/applications"),
            (staff_token(world), "/roles"),
            (staff_token(world), "/approvals/applications"),
        ):
            call(token, "GET", path)  # the token's first use of the minute is noted once
            with CaptureQueriesContext(connection) as queries:
                assert call(token, "GET", path).status_code == 200
            counted.append(len(queries))
        return counted

    assert queries_with(1) == queries_with(4)
