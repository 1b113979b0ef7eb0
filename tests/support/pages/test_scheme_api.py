"""Support schemes through the JSON API: a provider's scheme manager sets one up, previews and
saves who it is for, works it out and pages through the eligible students with the reasons;
special category data without a lawful condition is refused and nothing saved; another
provider's manager is answered 404."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_call
from tests.support.schemes import FIRST_IN_FAMILY, alpha_students, condition
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.audit.models import AccessLogEntry
from widen.support.models import Scheme, SchemeRuleVersion, StudentEligibility
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
SCHEMES = "/api/v1/support/schemes"


def officer(world: World) -> str:
    return world.tokens[Role.OUTREACH_OFFICER]


def create(world: World, token: str, **more: Any) -> Any:
    body = {
        "organisation_id": str(world.alpha.pk),
        "name": "Hardship fund",
        "purpose": "Help with costs.",
        "period_starts": "2026-09-01",
        "period_ends": "2027-07-31",
        "definition": FIRST_IN_FAMILY,
        **more,
    }
    return api_call(token, "POST", SCHEMES, body)


def test_a_manager_sets_up_previews_saves_and_works_out_a_scheme(world: World) -> None:
    alpha_students(world)
    token = officer(world)
    created = create(world, token)
    assert created.status_code == 201, created.json()
    scheme = created.json()
    assert scheme["current_version"]["number"] == 1
    assert scheme["eligible"] == "0"
    path = f"{SCHEMES}/{scheme['id']}"

    income = {"definition": condition("household_income_band", values=["up_to_25000"])}
    preview = api_call(token, "POST", f"{path}/preview", income)
    assert preview.status_code == 200
    assert preview.json()["courses"] == [
        {"course": "BSc Mathematics", "gained": "fewer than 5", "lost": "fewer than 5"}
    ]
    assert SchemeRuleVersion.objects.count() == 1

    saved = api_call(token, "POST", f"{path}/rules", income)
    assert saved.status_code == 201
    assert saved.json()["current_version"]["number"] == 2
    run = api_call(token, "POST", f"{path}/work-out")
    assert run.json()["eligible"] == 1
    assert run.json()["students"] == 3

    eligible = api_call(token, "GET", f"{path}/eligible").json()
    assert eligible["count"] == 1
    (ann,) = eligible["results"]
    assert ann["name"] == "Ann Student"
    assert ann["version"] == 2
    assert "income" in ann["explanation"].lower()
    (logged,) = AccessLogEntry.objects.filter(purpose__startswith="API eligible students")
    assert logged.subject_id == ann["student_id"]
    listed = api_call(token, "GET", SCHEMES).json()
    assert [row["name"] for row in listed["results"]] == ["Hardship fund"]
    assert listed["results"][0]["eligible"] == "fewer than 5"


def test_special_category_without_a_lawful_condition_saves_nothing(world: World) -> None:
    token = officer(world)
    care = condition("care_experienced")
    refused = create(world, token, purpose="", definition=care)
    assert refused.status_code == 422
    assert refused.json()["field"] == "definition"
    assert not Scheme.objects.exists()
    scheme = create(world, token).json()
    again = api_call(token, "POST", f"{SCHEMES}/{scheme['id']}/rules", {"definition": care})
    assert again.status_code == 422
    assert SchemeRuleVersion.objects.count() == 1
    backwards = create(world, token, name="Other", period_starts="2027-09-01")
    assert backwards.status_code == 422
    assert backwards.json()["field"] == "period_ends"


def test_another_providers_manager_gets_404(world: World) -> None:
    alpha_students(world)
    scheme = create(world, officer(world)).json()
    beta = make_user("beta.officer", world.beta, Role.OUTREACH_OFFICER)
    token = api_token_create(user=beta, name="test")[1]
    path = f"{SCHEMES}/{scheme['id']}"
    for method, url in [
        ("GET", path),
        ("GET", f"{path}/eligible"),
        ("POST", f"{path}/work-out"),
        ("POST", f"{path}/rules"),
        ("POST", f"{path}/preview"),
    ]:
        body = {"definition": FIRST_IN_FAMILY} if url.endswith(("rules", "preview")) else None
        assert api_call(token, method, url, body).status_code == 404, url
    assert api_call(token, "GET", SCHEMES).json()["count"] == 0
    refused = create(world, token)  # Alpha is not theirs to set a scheme up for
    assert refused.status_code == 422
    assert refused.json()["field"] == "organisation_id"
    assert SchemeRuleVersion.objects.count() == 1
    assert not StudentEligibility.objects.exists()
    read_only = world.tokens[Role.READ_ONLY]
    assert api_call(read_only, "GET", SCHEMES).status_code == 404
