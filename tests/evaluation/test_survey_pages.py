"""The survey pages as staff use them: add a survey, its questions and a scale, open it, send
links from a register, see response rates and responses, and mark a quote for publication."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import activity_with_register, belonging_scale, officer
from widen.accounts.models import Role
from widen.evaluation.models import Answer, Survey, SurveyStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_survey_from_start_to_quotes(world: World) -> None:
    cache.clear()
    session = activity_with_register(world)
    scale = belonging_scale(world)
    client = signed_in_client(officer(world))
    created = client.post(
        reverse("evaluation:survey_create", kwargs={"partnership_id": world.north.pk}),
        {
            "organisation": str(world.alpha.pk),
            "title": "After the campus day",
            "timing": "post",
            "session": str(session.pk),
            "asks_publication_consent": "on",
        },
    )
    assert created.status_code == 302
    survey = Survey.objects.get()
    assert survey.activity_id == session.activity_id
    questions_url = reverse("evaluation:questions", kwargs={"survey_id": survey.pk})
    for data in (
        {"action": "question", "kind": "free_text", "text": "What would you tell a friend?"},
        {
            "action": "question",
            "kind": "single_choice",
            "text": "Which year are you in?",
            "choices": "Year 10\nYear 11",
            "required": "on",
        },
        {"action": "scale", "scale": str(scale.pk)},
    ):
        assert client.post(questions_url, data).status_code == 302
    refused = client.post(
        questions_url, {"action": "question", "kind": "single_choice", "text": "Pick one"}
    )
    assert "Give at least two choices" in refused.content.decode()
    assert survey.questions.count() == 5

    client.post(reverse("evaluation:survey_status", kwargs={"survey_id": survey.pk}), {})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    sent = client.post(
        reverse("evaluation:send", kwargs={"survey_id": survey.pk}),
        {"target": f"session:{session.pk}"},
    )
    body = sent.content.decode()
    links = re.findall(r"<code>(http[^<]+)</code>", body)
    assert len(links) == 2
    assert "Amara Alphason" in body
    assert "Bea Betterton" not in body  # marked absent

    learner = Client()
    page = learner.get(links[0])
    answers = {
        "q-" + str(q.pk): (
            "Year 10"
            if q.kind == "single_choice"
            else "Great day"
            if q.kind == "free_text"
            else "4"
        )
        for q in survey.questions.all()
    }
    learner.post(links[0], {**answers, "publication_consent": "yes"})
    assert page.status_code == 200

    detail = client.get(reverse("evaluation:survey", kwargs={"survey_id": survey.pk}))
    text = detail.content.decode()
    assert "Sixth Form School" in text
    assert "50%" in text

    responses = client.get(reverse("evaluation:responses", kwargs={"survey_id": survey.pk}))
    text = responses.content.decode()
    assert "Great day" in text
    assert "Amara" not in text  # responses are shown without names
    assert "Sense of belonging: 3.33" in text  # 4, 4 and a reverse-scored 4 (= 2)
    quote = Answer.objects.get(question__kind="free_text")
    client.post(reverse("evaluation:publish", kwargs={"answer_id": quote.pk}), {"publish": "yes"})
    quote.refresh_from_db()
    assert quote.published_at is not None
    # Others in the partnership see the survey and its rates, not the responses.
    reader = signed_in_client(world.users[Role.READ_ONLY])
    assert (
        reader.get(reverse("evaluation:survey", kwargs={"survey_id": survey.pk})).status_code == 200
    )
    assert (
        reader.get(reverse("evaluation:responses", kwargs={"survey_id": survey.pk})).status_code
        == 404
    )


def test_writing_and_publishing_a_scale_then_a_new_version(world: World) -> None:
    client = signed_in_client(world.users[Role.EVALUATOR])
    made = client.post(
        reverse("evaluation:scale_create", kwargs={"partnership_id": world.north.pk}),
        {
            "name": "Hope for the future",
            "scoring": "mean",
            "items": "I expect good things ahead.\nI worry about my future. (R)",
        },
    )
    assert made.status_code == 302
    from widen.evaluation.models import Scale  # noqa: PLC0415

    scale = Scale.objects.get(name="Hope for the future")
    assert [i.reverse_scored for i in scale.items.all()] == [False, True]
    client.post(reverse("evaluation:scale_publish", kwargs={"scale_id": scale.pk}))
    scale.refresh_from_db()
    assert scale.is_published
    edit = client.get(reverse("evaluation:scale_edit", kwargs={"scale_id": scale.pk}))
    assert edit.status_code == 302  # published: no editing, only a new version
    new = client.post(reverse("evaluation:scale_new_version", kwargs={"scale_id": scale.pk}))
    version_two = Scale.objects.get(name="Hope for the future", version=2)
    assert new["Location"].endswith(
        reverse("evaluation:scale_edit", kwargs={"scale_id": version_two.pk})
    )
