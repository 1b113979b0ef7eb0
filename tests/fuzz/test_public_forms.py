"""Every public form and link under generated bad input (SECURITY 15, "bad inputs tried").

The pages anyone can reach without an account (authz matrix rules public, sign_in,
public_event_page, invitation_link, booking_link, booking_holder, survey_link,
notification_stop): signing in, booking a public event or through an invitation, changing and
cancelling a booking, a booking holder's agenda, answering a survey by its link, stopping e-mails.

Two layers. The checks behind the forms (the form classes and the services' validation, no page)
take thousands of hostile values cheaply and may refuse them only with the project's own error and
a message. Each page then takes hostile posts through the test client: never a server error.
Run once per CI run, in the SQLite pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.evaluation.support import activity_with_register, officer, open_survey
from tests.events.conftest import make_event
from tests.fuzz.conftest import FIXED_INPUTS, counting_server_errors, scaled
from tests.fuzz.hostile import EXTRA_FIELDS, POSTED, TEXT, TOKENS
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.services import invitations_send_for_session
from widen.evaluation.services.answers import AnswersInvalidError, answer_values
from widen.evaluation.services.sending import invitation_for_link
from widen.events.forms import BookingForm, CancelForm
from widen.events.models import AttendeeType, Event
from widen.events.services import BookingDetails, booking_create
from widen.events.services.bookings import booking_details_clean, booking_for_link
from widen.events.services.organising import event_for_invitation
from widen.notifications.stop_links import stop_read, stop_token
from widen.testing.world import World

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


def _fuzz(examples: int) -> settings:
    return settings(
        max_examples=scaled(examples),
        deadline=None,
        derandomize=FIXED_INPUTS,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


BOOKING_FIELDS = {
    "name": st.one_of(TEXT, st.just("Pat Parent")),
    "email": st.one_of(TEXT, st.emails(), st.just("pat@example.org")),
    "attendee_type": st.one_of(TEXT, st.sampled_from(AttendeeType.values)),
    "access_requirements": TEXT,
    "reasonable_adjustments": TEXT,
    "dietary_needs": TEXT,
    "care_experienced": st.one_of(TEXT, st.sampled_from(["yes", "no"])),
    "disabled": st.one_of(TEXT, st.sampled_from(["yes", "no"])),
}
TALK_IDS = st.lists(st.one_of(st.uuids(), TEXT), max_size=4)


# --- The checks behind the forms ---------------------------------------------------------------


def test_the_booking_checks_refuse_bad_input_only_with_a_message(
    world: World, record_property: Any
) -> None:
    """The booking form (new, and changing a booking) and the booking service's own checks."""
    event = make_event(world, capacity=None).event

    @_fuzz(800)
    @given(typed=st.fixed_dictionaries(BOOKING_FIELDS), changing=st.booleans(), talks=TALK_IDS)
    def checked(typed: dict[str, str], changing: bool, talks: list[Any]) -> None:
        record_property("bad_inputs_tried", 1)
        form = BookingForm(typed, changing=changing)
        if not form.is_valid():
            assert form.errors
            return
        data = {"email": "pat@example.org", "attendee_type": "parent_carer", **form.cleaned_data}
        refusal = ""
        try:
            booking_details_clean(event, BookingDetails(**data, talk_ids=talks))
        except ApplicationError as error:
            refusal = error.message or "(no message)"
        assert refusal != "(no message)"

    checked()


def test_the_cancel_form_refuses_anything_but_yes_or_no(record_property: Any) -> None:
    @_fuzz(300)
    @given(typed=st.fixed_dictionaries({"confirm": POSTED}))
    def checked(typed: dict[str, Any]) -> None:
        record_property("bad_inputs_tried", 1)
        form = CancelForm(typed)
        assert form.is_valid() == (typed["confirm"] in ("yes", "no"))

    checked()


def test_survey_answers_are_refused_only_with_a_message_naming_the_question(
    world: World, record_property: Any
) -> None:
    survey = open_survey(world, session=activity_with_register(world))
    questions = list(survey.questions.order_by("position"))
    keys = [str(question.pk) for question in questions]
    answer = st.one_of(
        POSTED,
        st.none(),
        st.integers(),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.lists(st.integers(min_value=-2, max_value=9).map(str), max_size=4),
    )

    @_fuzz(600)
    @given(raw=st.fixed_dictionaries({}, optional=dict.fromkeys(keys, answer)), extra=EXTRA_FIELDS)
    def checked(raw: dict[str, Any], extra: dict[str, Any]) -> None:
        record_property("bad_inputs_tried", 1)
        problems: dict[str, str] | None = None
        try:
            answer_values(questions, {**extra, **raw})
        except AnswersInvalidError as error:
            problems = error.errors
        if problems is not None:  # each problem names a question asked, and says what is wrong
            assert problems
            assert set(problems) <= set(keys)
            assert all(problems.values())

    checked()


LINK_LOOKUPS: dict[str, Callable[[str], Any]] = {
    "e-mail stop link": stop_read,
    "booking link": booking_for_link,
    "invitation link": event_for_invitation,
    "survey link": invitation_for_link,
}


@pytest.mark.parametrize("kind", LINK_LOOKUPS)
def test_a_wrong_link_is_only_ever_not_found(world: World, record_property: Any, kind: str) -> None:
    lookup = LINK_LOOKUPS[kind]

    @_fuzz(500 if kind == "e-mail stop link" else 200)
    @given(token=TOKENS)
    def checked(token: str) -> None:
        record_property("bad_inputs_tried", 1)
        with pytest.raises(NotFound):
            lookup(token)

    checked()


# --- The pages ----------------------------------------------------------------------------------


def _booking_token(world: World) -> str:
    event = make_event(world, capacity=None).event
    details = BookingDetails(
        name="Ben Okafor", email="ben@example.org", attendee_type="parent_carer"
    )
    return booking_create(event=event, details=details).token


def _pages(world: World) -> dict[str, tuple[str, list[str]]]:
    """Each public page that takes a post: its address and the fields its form asks."""
    booking_fields = list(BOOKING_FIELDS)
    invited = make_event(world, capacity=None, is_public=False)
    survey_session = activity_with_register(world, learners=1)
    survey = open_survey(world, session=survey_session)
    survey_link = invitations_send_for_session(
        actor=officer(world), survey=survey, session=survey_session
    )[0].link
    questions = [f"q-{pk}" for pk in survey.questions.values_list("pk", flat=True)]
    stop = stop_token(email="pat@example.org", category="reminders")
    public_event: Event = make_event(world, capacity=None).event
    return {
        "sign in": (reverse("accounts:login"), ["username", "password", "next"]),
        "public event booking": (
            reverse("events:public_event", kwargs={"event_id": public_event.pk}),
            booking_fields,
        ),
        "invitation booking": (
            reverse("events:invitation", kwargs={"token": invited.invitation_token}),
            booking_fields,
        ),
        "booking change": (
            reverse("events:booking", kwargs={"token": _booking_token(world)}),
            booking_fields,
        ),
        "booking cancel": (
            reverse("events:booking_cancel", kwargs={"token": _booking_token(world)}),
            ["confirm"],
        ),
        "agenda": (reverse("checkin:agenda", kwargs={"token": _booking_token(world)}), ["talk"]),
        "survey answer": (survey_link, [*questions, "publication_consent"]),
        "e-mail stop": (reverse("notifications:stop", kwargs={"token": stop}), ["stop"]),
    }


PAGES = [
    "sign in",
    "public event booking",
    "invitation booking",
    "booking change",
    "booking cancel",
    "agenda",
    "survey answer",
    "e-mail stop",
]


@pytest.mark.parametrize("page", PAGES)
def test_hostile_posts_to_a_public_page_are_never_a_server_error(
    world: World, record_property: Any, page: str
) -> None:
    url, asked = _pages(world)[page]

    @_fuzz(25)
    @given(
        typed=st.fixed_dictionaries({}, optional=dict.fromkeys(asked, POSTED)), extra=EXTRA_FIELDS
    )
    def posted(typed: dict[str, Any], extra: dict[str, Any]) -> None:
        cache.clear()  # each example is a new visitor as far as the rate limits go
        response = errors.answer(lambda: Client().post(url, {**extra, **typed}))
        record_property("bad_inputs_tried", 1)
        assert response.status_code < 500

    with counting_server_errors(record_property) as errors:
        posted()


@pytest.mark.parametrize(
    "name",
    [
        "events:invitation",
        "events:booking",
        "events:booking_cancel",
        "checkin:agenda",
        "notifications:stop",
    ],
)
def test_a_hostile_link_posted_to_is_only_ever_not_found(
    world: World, record_property: Any, name: str
) -> None:
    path = reverse(name, kwargs={"token": "TOKEN"}).replace("TOKEN", "{}")

    @_fuzz(20)
    @given(token=TOKENS, typed=EXTRA_FIELDS)
    def posted(token: str, typed: dict[str, Any]) -> None:
        cache.clear()
        response = errors.answer(lambda: Client().post(path.format(quote(token, safe="")), typed))
        record_property("bad_inputs_tried", 1)
        assert response.status_code == 404

    with counting_server_errors(record_property) as errors:
        posted()
