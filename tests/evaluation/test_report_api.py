"""The evaluation report in the API: the page's figures, its small-number rule and its rule for
who may read it."""

from __future__ import annotations

import math

import pytest
from django.test import Client

from tests.evaluation.report_world import OTHERS, PARTICIPANTS, evaluated_activity, with_pairs
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def _get(token: str, path: str) -> dict:  # type: ignore[type-arg]
    response = Client().get(
        f"/api/v1/evaluation-reports/{path}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    return {"status": response.status_code, "body": response.json()}


def test_the_api_gives_the_reports_figures(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS, OTHERS)
    answer = _get(world.tokens[Role.READ_ONLY], f"activities/{evaluated.activity.pk}")
    assert answer["status"] == 200
    body = answer["body"]
    assert body["kind"] == "activity"
    assert body["participants_answered"] == "6"
    (scale,) = body["scales"]
    sd = math.sqrt(0.4)  # changes 1, 1, 0, 1, 2, 1
    assert scale["paired"]["learners_paired"] == "6"
    assert scale["paired"]["mean_change"] == pytest.approx(1.0)
    assert scale["paired"]["sd_change"] == pytest.approx(sd)
    assert scale["paired"]["effect_size"] == pytest.approx(1 / sd)
    assert scale["paired"]["degrees_of_freedom"] == 5
    assert scale["difference_in_differences"]["estimate"] == pytest.approx(1 - 1 / 6)
    assert body["comparison"]["participants_matched"] == "6"
    assert body["comparison"]["balanced"] is True
    assert body["evidence"]["label"] == "Type 3: causality"
    assert body["evidence"]["reasons"][-1].startswith("no theory of change recorded")
    assert body["theory_of_change"] is False


def test_the_api_hides_figures_from_fewer_than_five_learners(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS[:4])
    body = _get(world.tokens[Role.EVALUATOR], f"activities/{evaluated.activity.pk}")["body"]
    paired = body["scales"][0]["paired"]
    assert paired["learners_paired"] == "fewer than 5"
    assert paired["mean_change"] is None
    assert paired["ci_low"] is None


def test_another_partnerships_report_is_not_found_in_the_api(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    stranger = make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER)
    token = api_token_create(user=stranger, name="test")[1]
    answer = _get(token, f"activities/{evaluated.activity.pk}")
    assert answer["status"] == 404
    assert "Campus visit day" not in str(answer["body"])
