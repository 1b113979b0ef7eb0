"""The public booking and change forms under hostile input (SECURITY: bad inputs tried): never a
server error; a refused form stores nothing; an accepted one stores exactly what was typed,
stripped of surrounding white space."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events.conftest import make_event
from widen.events.models import AttendeeType, Booking
from widen.events.services import BookingDetails, booking_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "Robert\x00'); DROP TABLE events_booking;--",
    "\u202egnp.exe",  # right-to-left override
    "\u200f\u202b\u2066مرحبا\u2069",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil")',
    "{{ 7*7 }}{% debug %}",
    "\r\n\r\nBcc: everyone@example.org",
    " " * 50,
    "\ufeff\u200b",
    "😀" * 300,
    "a" * 2001,
    "é" * 161,
    "%s%n%x",
    "../../etc/passwd",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=200),
    st.text(max_size=60),
    st.text(min_size=150, max_size=2500),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=40)),
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHOICE = st.sampled_from(["yes", "no", "", "maybe", "\x00", "yes" * 1000])


def _outcome(before: int, response: Any) -> str:
    assert response.status_code < 500, response.status_code
    return "accepted" if Booking.objects.count() > before else "refused"


def _assert_stored_as_typed(stored: Mapping[str, object], typed: dict[str, str]) -> None:
    """Each answer both forms ask is stored as typed: text without surrounding white space,
    a choice true only for "yes"."""
    for text in ("name", "access_requirements", "reasonable_adjustments", "dietary_needs"):
        assert stored[text] == typed[text].strip()
    for choice in ("care_experienced", "disabled"):
        assert stored[choice] is (typed[choice] == "yes")


# Half the examples keep the choices valid, so the free text decides (and some are accepted).
VALID_CHOICE = st.sampled_from(["yes", "no"])
NAME = st.one_of(TEXT, st.text(min_size=1, max_size=150).filter(str.strip))
# What both the booking form and the change form ask, by the forms' field names.
ASKED_BY_BOTH = {
    "name": NAME,
    "access_requirements": TEXT,
    "reasonable_adjustments": TEXT,
    "dietary_needs": TEXT,
    "care_experienced": st.one_of(VALID_CHOICE, CHOICE),
    "disabled": st.one_of(VALID_CHOICE, CHOICE),
}


@FUZZ
@given(
    typed=st.fixed_dictionaries(
        {
            **ASKED_BY_BOTH,
            "email": st.one_of(
                st.just("pat@example.org"), st.just("  pat@example.org "), TEXT, st.emails()
            ),
            "attendee_type": st.one_of(st.sampled_from(AttendeeType.values), TEXT),
        }
    )
)
def test_the_booking_form_never_fails_and_stores_exactly_what_was_typed(
    world: World, record_property: Any, typed: dict[str, str]
) -> None:
    cache.clear()  # each example is a fresh visitor as far as the rate limit goes
    event = make_event(world, capacity=None).event
    before = Booking.objects.count()
    response = Client().post(f"/events/public/{event.pk}/", typed)
    record_property("bad_inputs_tried", 1)
    if _outcome(before, response) == "refused":
        assert Booking.objects.count() == before
        assert "There is a problem" in response.content.decode()
        return
    booking = Booking.objects.values().latest("created_at")
    _assert_stored_as_typed(booking, typed)
    assert booking["email"] == typed["email"].strip()
    assert booking["attendee_type"] == typed["attendee_type"]


@FUZZ
@given(typed=st.fixed_dictionaries(ASKED_BY_BOTH))
def test_the_change_form_never_fails_and_changes_exactly_what_was_typed(
    world: World, record_property: Any, typed: dict[str, str]
) -> None:
    cache.clear()
    event = make_event(world, capacity=None).event
    made = booking_create(
        event=event,
        details=BookingDetails(
            name="Ben Okafor",
            email="ben@example.org",
            attendee_type=AttendeeType.PARENT_CARER,
            access_requirements="Hearing loop",
        ),
    )
    before = Booking.objects.values().get(pk=made.booking.pk)
    response = Client().post(f"/events/booking/{made.token}/", typed)
    record_property("bad_inputs_tried", 1)
    assert response.status_code < 500
    after = Booking.objects.values().get(pk=made.booking.pk)
    if response.status_code != 302:
        assert after == before
        assert "There is a problem" in response.content.decode()
        return
    _assert_stored_as_typed(after, typed)
    assert after["email"] == before["email"]
    assert after["token_digest"] == before["token_digest"]


@pytest.mark.parametrize("path", ["booking", "booking-cancel", "invitation"])
@FUZZ
@given(token=st.one_of(TEXT, st.binary(max_size=80).map(lambda b: b.hex())))
def test_any_link_token_answers_like_a_missing_page(
    world: World, record_property: Any, path: str, token: str
) -> None:
    cache.clear()
    url = {
        "booking": "/events/booking/{}/",
        "booking-cancel": "/events/booking/{}/cancel/",
        "invitation": "/events/invitation/{}/",
    }[path]
    from urllib.parse import quote  # noqa: PLC0415

    response = Client().get(url.format(quote(token, safe="")))
    record_property("bad_inputs_tried", 1)
    assert response.status_code == 404
