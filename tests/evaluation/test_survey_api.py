"""The surveys, responses and scales API: the same rules as the pages; responses only for those
who run the survey and without learners' identities; published scales refuse changes (409)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import (
    activity_with_register,
    answers_for,
    belonging_scale,
    officer,
    open_survey,
)
from widen.accounts.models import Role
from widen.evaluation.services import invitations_send_for_session, response_submit
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _get(world: World, role: str, path: str) -> object:
    return Client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {world.tokens[role]}"})


def _patch(world: World, role: str, path: str, body: dict[str, object]) -> object:
    return Client().patch(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.tokens[role]}"},
    )


def test_surveys_and_their_response_rates(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    links = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    response_submit(survey=survey, raw_answers=answers_for(survey), invitation=links[0].invitation)
    listed = _get(world, Role.READ_ONLY, "/surveys").json()  # type: ignore[attr-defined]
    assert listed["count"] == 1
    assert [item["id"] for item in listed["results"]] == [str(survey.pk)]
    detail = _get(world, Role.READ_ONLY, f"/surveys/{survey.pk}").json()  # type: ignore[attr-defined]
    assert (detail["links_sent"], detail["links_answered"]) == (2, 1)
    assert detail["rates_by_school"] == [{"label": "Sixth Form School", "sent": 2, "answered": 1}]
    kinds = [question["kind"] for question in detail["questions"]]
    assert kinds.count("scale_item") == 3
    scale_question = detail["questions"][-1]
    assert scale_question["text"] == "I would feel out of place at university."
    assert [o["label"] for o in scale_question["options"]][0] == "Strongly disagree"


def test_responses_are_for_those_who_run_the_survey_and_carry_no_identity(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    links = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    response_submit(survey=survey, raw_answers=answers_for(survey), invitation=links[0].invitation)
    for role in (Role.READ_ONLY, Role.SCHOOL_STAFF):
        assert _get(world, role, f"/surveys/{survey.pk}/responses").status_code == 404  # type: ignore[attr-defined]
    answered = _get(world, Role.EVALUATOR, f"/surveys/{survey.pk}/responses")
    rows = answered.json()["results"]  # type: ignore[attr-defined]
    assert len(rows) == 1
    assert rows[0]["scores"][0]["score"] == pytest.approx((4 + 5 + 4) / 3)
    text = json.dumps(rows)
    for learner in (world.learner_alpha, world.learner_school):
        assert learner.last_name not in text
        assert str(learner.pk) not in text


def test_a_published_scale_cannot_be_changed_through_the_api(world: World) -> None:
    published = belonging_scale(world)
    before = list(published.items.values_list("text", flat=True))
    refused = _patch(
        world, Role.OUTREACH_OFFICER, f"/scales/{published.pk}", {"items": [{"text": "New"}]}
    )
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert "new version" in refused.json()["detail"]  # type: ignore[attr-defined]
    assert list(published.items.values_list("text", flat=True)) == before
    draft = belonging_scale(world, publish=False)
    changed = _patch(
        world,
        Role.OUTREACH_OFFICER,
        f"/scales/{draft.pk}",
        {"items": [{"text": "I belong here.", "reverse_scored": False}]},
    )
    assert changed.status_code == 200  # type: ignore[attr-defined]
    assert [i["text"] for i in changed.json()["items"]] == ["I belong here."]  # type: ignore[attr-defined]
    assert (
        _patch(world, Role.READ_ONLY, f"/scales/{draft.pk}", {"items": [{"text": "x"}]}).status_code
        == 404
    )  # type: ignore[attr-defined]


def _count_queries(path: str, world: World, role: str) -> int:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    _get(world, role, path)  # the first request of a token also records when it was used
    with CaptureQueriesContext(connection) as captured:
        assert _get(world, role, path).status_code == 200  # type: ignore[attr-defined]
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", ["/surveys", "/scales"])
def test_lists_read_the_database_as_often_for_many_as_for_one(world: World, path: str) -> None:
    open_survey(world, with_scale=True, timing="standalone")
    one = _count_queries(path, world, Role.OUTREACH_OFFICER)
    for _ in range(4):
        open_survey(world, with_scale=True, timing="standalone")
    assert _count_queries(path, world, Role.OUTREACH_OFFICER) == one


def test_responses_read_the_database_as_often_for_many_as_for_one(world: World) -> None:
    survey = open_survey(world, timing="standalone")
    response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))
    path = f"/surveys/{survey.pk}/responses"
    one = _count_queries(path, world, Role.OUTREACH_OFFICER)
    for _ in range(5):
        response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))
    assert _count_queries(path, world, Role.OUTREACH_OFFICER) == one


def test_a_response_from_a_small_group_does_not_say_its_school_or_session(world: World) -> None:
    """With the register, a school and session that fewer than 5 responses share would say
    whose answers they are: they are left out of the API and the responses page."""
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    links = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    response_submit(survey=survey, raw_answers=answers_for(survey), invitation=links[0].invitation)
    for _ in range(5):  # five filled in at the session share it (no school recorded)
        response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))
    rows = _get(world, Role.EVALUATOR, f"/surveys/{survey.pk}/responses").json()["results"]  # type: ignore[attr-defined]
    by_link = [row for row in rows if row["channel"] == "link"]
    at_session = [row for row in rows if row["channel"] != "link"]
    assert [(row["school_id"], row["session_id"]) for row in by_link] == [(None, None)]
    assert {row["session_id"] for row in at_session} == {str(session.pk)}
    page = signed_in_client(world.users[Role.EVALUATOR]).get(
        reverse("evaluation:responses", kwargs={"survey_id": survey.pk})
    )
    text = page.content.decode()
    assert text.count("school and session not shown") == 1
    assert world.school.name not in text


def test_lists_come_a_page_at_a_time_with_how_many_in_all(world: World) -> None:
    surveys = [open_survey(world, timing="standalone") for _ in range(3)]
    newest_first = [str(survey.pk) for survey in reversed(surveys)]
    first = _get(world, Role.READ_ONLY, "/surveys?limit=2").json()  # type: ignore[attr-defined]
    second = _get(world, Role.READ_ONLY, "/surveys?limit=2&offset=2").json()  # type: ignore[attr-defined]
    assert first["count"] == second["count"] == 3
    assert [row["id"] for row in first["results"] + second["results"]] == newest_first
    for _ in range(3):
        response_submit(
            survey=surveys[0], raw_answers=answers_for(surveys[0]), actor=officer(world)
        )
    path = f"/surveys/{surveys[0].pk}/responses?limit=2&offset=2"
    responses = _get(world, Role.EVALUATOR, path).json()  # type: ignore[attr-defined]
    assert (responses["count"], len(responses["results"])) == (3, 1)
    scales = _get(world, Role.READ_ONLY, "/scales?limit=1").json()  # type: ignore[attr-defined]
    assert (scales["count"], len(scales["results"])) == (3, 1)  # one scale per survey
    too_many = _get(world, Role.READ_ONLY, "/surveys?limit=201")
    assert too_many.status_code == 422  # type: ignore[attr-defined]


def test_a_scale_change_with_an_unknown_or_broken_field_is_refused_and_changes_nothing(
    world: World,
) -> None:
    draft = belonging_scale(world, publish=False)
    before = list(draft.items.values_list("text", flat=True))
    path = f"/scales/{draft.pk}"
    misspelt = _patch(world, Role.OUTREACH_OFFICER, path, {"items": [{"text": "New"}], "nmae": "X"})
    assert misspelt.status_code == 422  # type: ignore[attr-defined]
    assert "nmae" in json.dumps(misspelt.json())  # type: ignore[attr-defined]
    wordless = _patch(world, Role.OUTREACH_OFFICER, path, {"items": [{"text": "   "}]})
    assert wordless.status_code == 422  # type: ignore[attr-defined]
    assert wordless.json() == {"detail": "Item 1 has no words.", "field": "items"}  # type: ignore[attr-defined]
    assert list(draft.items.values_list("text", flat=True)) == before
