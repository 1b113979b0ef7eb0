"""Flexibility plans through the JSON API, with tokens: a student reads and replaces their own
plan (another student's answers 404); their coordinator reads it without the reasons unless the
student shares them; another provider's coordinator gets 404."""

from __future__ import annotations

import pytest

from conftest import api_call
from tests.partners.factories import make_partner, partner_account
from widen.accounts.models import Role as StaffRole
from widen.accounts.services import api_token_create
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]
API = "/api/v1/partners"
PLAN = {
    "windows": [{"weekday": 0, "starts_at": "12:00", "ends_at": "18:00"}],
    "max_weekly_hours": "10",
    "modes": ["online"],
    "what_helps": "No early starts on Mondays.",
    "reasons": "I care for my mum in the mornings.",
    "share_reasons": False,
}


def test_a_student_sets_their_plan_and_only_they_see_the_reasons(world: World) -> None:
    partner = make_partner(world.alpha, "P1", first_name="Aisha")
    student = api_token_create(user=partner_account(partner), name="Phone")[1]
    other = api_token_create(user=partner_account(make_partner(world.alpha, "P2")), name="P")[1]
    coordinator = world.tokens[StaffRole.OUTREACH_OFFICER]
    beta = api_token_create(
        user=make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER), name="Beta"
    )[1]

    saved = api_call(student, "PUT", f"{API}/plans/{partner.pk}", PLAN)
    assert saved.status_code == 200, saved.content
    assert saved.json()["windows"] == [
        {"weekday": 0, "starts_at": "12:00:00", "ends_at": "18:00:00"}
    ]
    assert saved.json()["reasons"] == "I care for my mum in the mornings."
    assert saved.json()["max_weekly_minutes"] == 600
    [mine] = api_call(student, "GET", f"{API}/plans").json()["results"]
    assert mine["reasons"] == "I care for my mum in the mornings."

    assert api_call(other, "PUT", f"{API}/plans/{partner.pk}", PLAN).status_code == 404
    for token in (other, beta, student):
        assert api_call(token, "GET", f"{API}/partners/{partner.pk}/plan").status_code == 404

    seen = api_call(coordinator, "GET", f"{API}/partners/{partner.pk}/plan").json()
    assert seen["what_helps"] == "No early starts on Mondays."
    assert "reasons" not in seen
    assert "mum" not in str(seen)

    api_call(student, "PUT", f"{API}/plans/{partner.pk}", PLAN | {"share_reasons": True})
    shared = api_call(coordinator, "GET", f"{API}/partners/{partner.pk}/plan").json()
    assert shared["reasons"] == "I care for my mum in the mornings."
