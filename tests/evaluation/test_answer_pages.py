"""The public answering page and filling in at an event: no sign-in, once per link, wrong links
answer like missing ones, hostile input never gives a server error or stores what it should not,
and too many submissions get 429."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import signed_in_client
from tests.evaluation.support import activity_with_register, answers_for, officer, open_survey
from widen.accounts.models import Role
from widen.core.links import link_token_new
from widen.evaluation.models import Answer, SurveyInvitation, SurveyResponse, SurveyTiming
from widen.evaluation.services import invitations_send_for_session
from widen.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _links(world: World) -> tuple[object, list[str]]:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    given_links = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    return survey, [link.link for link in given_links]


def _form(answers: dict[str, object], consent: bool = False) -> dict[str, object]:
    data: dict[str, object] = {f"q-{key}": value for key, value in answers.items()}
    if consent:
        data["publication_consent"] = "yes"
    return data


def test_a_link_shows_the_questions_without_signing_in_and_answers_once(world: World) -> None:
    survey, links = _links(world)
    client = Client()
    page = client.get(links[0])
    assert page.status_code == 200
    body = page.content.decode()
    assert "I would feel out of place at university." in body
    assert "Strongly agree" in body
    assert 'name="publication_consent"' in body
    sent = client.post(links[0], _form(answers_for(survey), consent=True))  # type: ignore[arg-type]
    assert sent.status_code == 200
    assert "Thank you" in sent.content.decode()
    response = SurveyResponse.objects.get()
    assert response.publication_consent is True
    # The link now only says thank you, and a replayed submission stores nothing more.
    again = client.get(links[0])
    assert "Thank you" in again.content.decode()
    assert "Send my answers" not in again.content.decode()
    client.post(links[0], _form(answers_for(survey)))  # type: ignore[arg-type]
    assert SurveyResponse.objects.count() == 1


def test_a_wrong_or_made_up_link_is_the_same_not_found_as_a_missing_one(world: World) -> None:
    _, links = _links(world)
    client = Client()
    missing = client.get(reverse("evaluation:answer", kwargs={"token": "x" * 43}))
    token = links[0].rstrip("/").rsplit("/", 1)[1]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    wrong = client.get(reverse("evaluation:answer", kwargs={"token": changed}))
    overlong = client.get(reverse("evaluation:answer", kwargs={"token": token * 3}))
    assert missing.status_code == wrong.status_code == overlong.status_code == 404
    assert missing.content == wrong.content == overlong.content


def test_bad_answers_are_named_and_kept_on_the_page(world: World) -> None:
    survey, links = _links(world)
    answers = answers_for(survey)
    numeric = survey.questions.get(kind="numeric")  # type: ignore[attr-defined]
    likert = survey.questions.get(kind="likert")  # type: ignore[attr-defined]
    answers[str(numeric.pk)] = "ninety"
    del answers[str(likert.pk)]
    page = Client().post(links[0], _form(answers))
    assert page.status_code == 400
    body = page.content.decode()
    assert f"Question {numeric.position}: give a number" in body
    assert f"Question {likert.position}: please answer this question." in body
    assert f'href="#q-{numeric.pk}"' in body
    assert "It really helped me understand uni life." in body  # what they wrote is kept
    assert not SurveyResponse.objects.exists()


@override_settings(WIDEN_SURVEY_LINK_RATE="3/m", WIDEN_SURVEY_ANSWER_RATE="5/m")
def test_too_many_submissions_get_429_per_link_and_per_address(world: World) -> None:
    _, links = _links(world)
    client = Client()
    statuses = [client.post(links[0], {}).status_code for _ in range(4)]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3] == 429
    # The other link still works from this address until the address's own limit.
    assert client.post(links[1], {}).status_code == 400
    assert client.post(links[1], {}).status_code == 429
    assert "Too many attempts" in client.post(links[1], {}).content.decode()
    assert not SurveyResponse.objects.exists()
    # Reading the page is not limited.
    assert client.get(links[1]).status_code == 200


hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '=HYPERLINK("http://example.org")',
            "\x00\x01\x02",
            "' OR 1=1 --",
            "9" * 400,
            "1e400",
            "NaN",
            "-Infinity",
            "١٢٣",
        ]
    ),
)


def _fresh_link(world: World) -> tuple[Any, str, SurveyInvitation]:
    """The fuzzed survey (made once) and a new, unanswered link to it."""
    survey = world.__dict__.get("fuzz_survey")
    if survey is None:
        survey, _ = _links(world)
        world.__dict__["fuzz_survey"] = survey
    token = link_token_new()
    invitation = SurveyInvitation.objects.create(
        survey=survey, organisation=world.alpha, token_digest=token.digest
    )
    return survey, reverse("evaluation:answer", kwargs={"token": token.token}), invitation


def _answer_strategy(question: Any) -> st.SearchStrategy[object]:
    """Mostly a valid answer for the question (so that answers are stored too), else hostile."""
    options = [value for value, _ in question.options()] or ["3", "0", "20", "2.5", "A quote"]
    return st.one_of(
        st.sampled_from(options),
        st.sampled_from(options),
        st.lists(st.sampled_from(options), max_size=3),
        hostile_text,
        st.lists(hostile_text, max_size=3),
        st.none(),
    )


def test_hostile_answers_never_error_or_store_anything_invalid(
    world: World, record_property: Any
) -> None:
    """Hostile and valid answers mixed: never a server error; a refusal stores nothing; what is
    stored is only ever acceptable. Some examples must be stored, or the check proves little."""
    stored_ids: list[Any] = []

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        draw=st.data(),
        extra=st.dictionaries(hostile_text, hostile_text, max_size=3),
        consent=st.sampled_from(["yes", "no", "", "YES", "<b>yes</b>"]),
    )
    def submit(draw: st.DataObject, extra: dict[str, str], consent: str) -> None:
        record_property("bad_inputs_tried", 1)
        cache.clear()
        survey, url, invitation = _fresh_link(world)
        questions = list(survey.questions.order_by("position"))
        data: dict[str, object] = dict(extra)
        for question in questions:
            value = draw.draw(_answer_strategy(question), label=f"question {question.position}")
            if value is not None:
                data[f"q-{question.pk}"] = value
        data["publication_consent"] = consent
        try:
            response = Client().post(url, data)
        except ValueError:
            return  # the test client itself refuses values that cannot be sent in a form
        assert response.status_code in {200, 400}
        stored = SurveyResponse.objects.filter(invitation=invitation).first()
        invitation.refresh_from_db()
        if response.status_code == 400:
            assert stored is None
            assert invitation.answered_at is None
            return
        assert stored is not None
        stored_ids.append(stored.pk)
        assert invitation.answered_at is not None
        assert stored.publication_consent is (consent == "yes")
        for answer in stored.answers.select_related("question"):
            options = [value for value, _ in answer.question.options()]
            if answer.value_choices:
                assert set(answer.value_choices) <= set(options)
            if answer.question.kind in {"likert", "scale_item"}:
                assert str(int(answer.value_number)) in options
            if answer.question.kind == "numeric":
                assert 0 <= answer.value_number <= 20
            assert "\x00" not in answer.value_text
        for question in questions:
            if question.required:
                assert stored.answers.filter(question=question).exists()

    submit()
    assert stored_ids, "no example was acceptable: the fuzzing never reached the stored path"


def test_filling_in_at_the_event_is_for_staff_and_ready_for_the_next_person(world: World) -> None:
    survey = open_survey(world, timing=SurveyTiming.STANDALONE)
    url = reverse("evaluation:fill_in", kwargs={"survey_id": survey.pk})
    client = signed_in_client(officer(world))
    page = client.post(url, _form(answers_for(survey)))
    assert page.status_code == 302
    assert client.get(page["Location"]).status_code == 200
    assert SurveyResponse.objects.get().learner_id is None
    assert Answer.objects.count() == survey.questions.count()
    assert Client().get(url).status_code == 302  # sign in first
    reader = signed_in_client(world.users[Role.READ_ONLY])
    assert reader.post(url, _form(answers_for(survey))).status_code == 404
    assert SurveyResponse.objects.count() == 1
