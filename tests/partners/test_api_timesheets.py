"""Timesheets through the student partners' JSON API, with tokens: a student confirms or corrects
their own (another student's answers 404), sees what they will be paid and when; a coordinator
approves or queries their own provider's (another provider's coordinator gets 404)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from conftest import api_call
from tests.partners.factories import make_partner, make_role, make_shift, partner_account
from widen.accounts.models import Role as StaffRole
from widen.accounts.services import api_token_create
from widen.core import request_context
from widen.partners.models import Partner, PayPeriod, ShiftAssignment, Timesheet, TimesheetStatus
from widen.partners.services.timesheets import pay_period_create, timesheets_draft
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]
API = "/api/v1/partners"


def token_of(partner: Partner) -> str:
    return api_token_create(user=partner_account(partner), name="My phone")[1]


@pytest.fixture
def drafted(world: World, django_capture_on_commit_callbacks: Any) -> Timesheet:
    """Aisha's November timesheet, drafted from a three-hour tour at £14 an hour."""
    coordinator = world.users[StaffRole.OUTREACH_OFFICER]
    role = make_role(world.alpha, coordinator, hourly_rate_pence=1400)
    partner = make_partner(world.alpha, "T1", first_name="Aisha", last_name="Khan", roles=(role,))
    period: PayPeriod = pay_period_create(
        actor=coordinator,
        organisation=world.alpha,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        pay_date=date(2026, 12, 18),
    )
    with request_context.bind(source="test"):
        ShiftAssignment.objects.create(
            shift=make_shift(role, date(2026, 11, 3), title="Campus tour"),
            partner=partner,
            status="worked",
        )
    with django_capture_on_commit_callbacks(execute=True):
        timesheets_draft(actor=coordinator, pay_period=period)
    return Timesheet.objects.get(partner=partner)


def test_a_student_corrects_a_line_with_a_note_and_confirms_their_timesheet(
    drafted: Timesheet,
) -> None:
    token = token_of(drafted.partner)
    [listed] = api_call(token, "GET", f"{API}/timesheets").json()["results"]
    assert (listed["id"], listed["total_minutes"], listed["total_pence"]) == (
        str(drafted.pk),
        180,
        4200,
    )
    [line] = listed["lines"]
    assert (line["description"], line["from_shift"]) == ("Campus tour", True)
    path = f"{API}/timesheets/{drafted.pk}/lines/{line['id']}"

    no_note = api_call(token, "POST", path, {"minutes": 240})
    assert no_note.status_code == 422
    assert no_note.json()["field"] == "note"
    corrected = api_call(token, "POST", path, {"minutes": 240, "note": "The tour ran late."})
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["correction_note"] == "The tour ran late."

    confirmed = api_call(token, "POST", f"{API}/timesheets/{drafted.pk}/confirm", {"note": ""})
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["status"], confirmed.json()["total_pence"]) == (
        TimesheetStatus.CONFIRMED,
        5600,
    )
    [pay] = api_call(token, "GET", f"{API}/pay").json()["results"]
    assert pay["when"] == "£56.00 on 18 December 2026, once approved"


def test_another_student_and_staff_cannot_reach_a_students_timesheet(
    world: World, drafted: Timesheet
) -> None:
    other = token_of(make_partner(world.alpha, "T2", first_name="Ben"))
    line = drafted.lines.get()
    for token in (other, world.tokens[StaffRole.OUTREACH_OFFICER]):
        assert api_call(token, "GET", f"{API}/timesheets").json()["results"] == []
        assert api_call(token, "GET", f"{API}/timesheets/{drafted.pk}").status_code == 404
        confirm = api_call(token, "POST", f"{API}/timesheets/{drafted.pk}/confirm", {})
        assert confirm.status_code == 404
        path = f"{API}/timesheets/{drafted.pk}/lines/{line.pk}"
        assert api_call(token, "POST", path, {"minutes": 1, "note": "x"}).status_code == 404
    drafted.refresh_from_db()
    assert drafted.status == TimesheetStatus.DRAFT


def test_a_coordinator_queries_then_approves_and_another_provider_gets_404(
    world: World, drafted: Timesheet
) -> None:
    coordinator = world.tokens[StaffRole.OUTREACH_OFFICER]
    student = token_of(drafted.partner)
    review = f"{API}/approvals/timesheets/{drafted.pk}"
    beta = api_token_create(
        user=make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER), name="Beta"
    )[1]
    for token in (beta, student):
        assert api_call(token, "GET", review).status_code == 404
        assert api_call(token, "POST", f"{review}/approve").status_code == 404
        period = f"{API}/pay-periods/{drafted.pay_period_id}/timesheets"
        assert api_call(token, "GET", period).status_code == 404

    api_call(student, "POST", f"{API}/timesheets/{drafted.pk}/confirm", {})
    [listed] = api_call(
        coordinator, "GET", f"{API}/pay-periods/{drafted.pay_period_id}/timesheets"
    ).json()["results"]
    assert (listed["partner_name"], listed["status"]) == ("Aisha Khan", TimesheetStatus.CONFIRMED)

    queried = api_call(coordinator, "POST", f"{review}/query", {"note": "Was it three hours?"})
    assert queried.status_code == 200, queried.content
    assert queried.json()["status"] == TimesheetStatus.QUERIED
    # Only a timesheet the student confirmed may be approved (the policy answers as missing).
    assert api_call(coordinator, "POST", f"{review}/approve").status_code == 404
    api_call(student, "POST", f"{API}/timesheets/{drafted.pk}/confirm", {"note": "Yes, three."})
    approved = api_call(coordinator, "POST", f"{review}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == TimesheetStatus.APPROVED
    assert api_call(student, "GET", f"{API}/pay").json()["results"][0]["approved"] is True
