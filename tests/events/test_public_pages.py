"""The public pages, without an account: the events list, an event's page and booking form, the
invitation link, the confirmation with the one-time link, and the link's page to change or cancel.
A link reaches exactly one booking; wrong and old links answer exactly like a missing page."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tests.events.conftest import make_event
from widen.events.models import AttendeeType, Booking, BookingStatus, Event
from widen.events.services import BookingDetails, booking_create, booking_link_renew
from widen.testing.world import World

pytestmark = pytest.mark.django_db

FORM = {
    "name": "  Pat Parent ",
    "email": "pat@example.org",
    "attendee_type": "parent_carer",
    "access_requirements": "Step-free access, please",
    "reasonable_adjustments": "",
    "dietary_needs": "Vegetarian",
    "care_experienced": "no",
    "disabled": "yes",
}


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _book(event: Event, name: str = "Ben Okafor") -> tuple[Booking, str]:
    made = booking_create(
        event=event,
        details=BookingDetails(
            name=name, email="ben@example.org", attendee_type=AttendeeType.PARENT_CARER
        ),
    )
    return made.booking, made.token


def test_the_public_list_shows_public_events_only(world: World) -> None:
    public = make_event(world).event
    hidden = make_event(world, is_public=False, title="Care leavers' residential").event
    html = Client().get("/events/public/").content.decode()
    assert public.title in html
    assert hidden.title not in html
    assert "Places available." in html


def test_a_parent_books_gets_the_link_once_and_by_email(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world).event
    client = Client()
    page = client.get(f"/events/public/{event.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_name">Your name' in html
    assert "<legend>Are you attending as a disabled learner?" in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/public/{event.pk}/", FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your place is booked" in html
    link = re.search(r'id="booking-link" href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    booking = Booking.objects.get()
    assert booking.name == "Pat Parent"
    assert booking.access_requirements == "Step-free access, please"
    assert booking.disabled is True
    assert booking.care_experienced is False
    assert booking.status == BookingStatus.BOOKED
    assert link.split("/")[-2] not in booking.token_digest
    (sent,) = mail.outbox
    assert link in sent.body
    # The link page shows the booking and nothing else.
    path = link.split("testserver")[1]
    own = Client().get(path).content.decode()
    assert "You have a place." in own
    assert 'value="Pat Parent"' in own
    assert "Step-free access, please" in own


def test_a_refused_booking_lists_each_problem_linked_to_its_field_and_stores_nothing(
    world: World,
) -> None:
    event = make_event(world).event
    response = Client().post(
        f"/events/public/{event.pk}/",
        {**FORM, "name": "   ", "email": "not an address", "disabled": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_disabled"' in html
    assert 'id="id_disabled"' in html  # the fieldset the summary links to
    assert not Booking.objects.exists()
    response = Client().post(f"/events/public/{event.pk}/", {**FORM, "email": "not an address"})
    html = response.content.decode()
    assert 'href="#id_email"' in html
    assert "is not an e-mail address" in html
    assert not Booking.objects.exists()


def test_a_full_event_offers_the_waiting_list_without_counting_bookings(world: World) -> None:
    event = make_event(world, capacity=3).event
    _book(event, "Asha Patel")
    first = _without_csrf(Client().get(f"/events/public/{event.pk}/").content.decode())
    _book(event, "Cara Jones")
    second = _without_csrf(Client().get(f"/events/public/{event.pk}/").content.decode())
    # One more booking changes nothing a visitor can see while places remain.
    assert first == second
    _book(event, "Dev Singh")
    full = Client().get(f"/events/public/{event.pk}/").content.decode()
    assert "fully booked" in full
    assert "Join the waiting list" in full
    response = Client().post(f"/events/public/{event.pk}/", FORM)
    assert "You are on the waiting list" in response.content.decode()
    assert Booking.objects.get(name="Pat Parent").status == BookingStatus.WAITING


def test_an_invitation_only_event_is_reached_only_by_its_link(world: World) -> None:
    made = make_event(world, is_public=False, title="Care leavers' residential")
    missing = Client().get(f"/events/public/{uuid.uuid4()}/")
    by_id = Client().get(f"/events/public/{made.event.pk}/")
    wrong = Client().get(f"/events/invitation/{secrets.token_urlsafe(32)}/")
    assert missing.status_code == by_id.status_code == wrong.status_code == 404
    assert missing.content == by_id.content == wrong.content
    page = Client().get(f"/events/invitation/{made.invitation_token}/")
    assert page.status_code == 200
    assert "Care leavers" in page.content.decode()
    response = Client().post(f"/events/invitation/{made.invitation_token}/", FORM)
    assert "Your place is booked" in response.content.decode()
    assert made.event.bookings.count() == 1


def test_a_link_reaches_one_booking_and_wrong_or_old_links_look_missing(world: World) -> None:
    event = make_event(world).event
    booking, token = _book(event)
    _other, other_token = _book(event, "Cara Jones")
    mine = Client().get(f"/events/booking/{token}/").content.decode()
    assert "Ben Okafor" in mine
    assert "Cara Jones" not in mine
    booking_link_renew(booking=booking)
    answers = [
        Client().get(f"/events/booking/{candidate}/")
        for candidate in (
            token,  # replaced
            secrets.token_urlsafe(32),
            token[:-1],
            "x" * 300,
            "%00",
        )
    ]
    missing = Client().get(f"/events/public/{uuid.uuid4()}/")
    for answer in answers:
        assert answer.status_code == 404
        assert answer.content == missing.content
    assert Client().get(f"/events/booking/{other_token}/cancel/").status_code == 200


def test_the_holder_changes_their_name_and_adjustments(world: World) -> None:
    event = make_event(world).event
    booking, token = _book(event)
    client = Client()
    response = client.post(
        f"/events/booking/{token}/",
        {
            "name": " Benjamin Okafor ",
            "access_requirements": "Hearing loop",
            "reasonable_adjustments": "",
            "dietary_needs": "",
            "care_experienced": "no",
            "disabled": "no",
        },
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.name == "Benjamin Okafor"
    assert booking.access_requirements == "Hearing loop"
    assert booking.email == "ben@example.org"
    assert "Your booking has been changed." in client.get(response["Location"]).content.decode()


def test_cancelling_asks_first_then_frees_the_place_for_the_first_waiting(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world, capacity=1).event
    booking, token = _book(event)
    waiting, _ = _book(event, "Cara Jones")
    client = Client()
    page = client.get(f"/events/booking/{token}/cancel/").content.decode()
    assert "<legend>Are you sure you want to cancel your booking?" in page
    refused = client.post(f"/events/booking/{token}/cancel/", {})
    assert "Choose whether to cancel your booking." in refused.content.decode()
    kept = client.post(f"/events/booking/{token}/cancel/", {"confirm": "no"})
    assert kept.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/events/booking/{token}/cancel/", {"confirm": "yes"}, follow=True)
    html = done.content.decode()
    assert "Your booking has been cancelled." in html
    assert "This booking is cancelled." in html
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert waiting.status == BookingStatus.BOOKED
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    # A cancelled booking cannot be changed.
    client.post(f"/events/booking/{token}/", {**FORM, "name": "Changed"})
    booking.refresh_from_db()
    assert booking.name == "Ben Okafor"


def test_bookings_are_rate_limited_per_connection(world: World) -> None:
    event = make_event(world, capacity=None).event
    client = Client(REMOTE_ADDR="203.0.113.7")
    for index in range(10):
        response = client.post(f"/events/public/{event.pk}/", {**FORM, "name": f"Parent {index}"})
        assert response.status_code == 200
    refused = client.post(f"/events/public/{event.pk}/", {**FORM, "name": "Parent 11"})
    assert refused.status_code == 429
    assert "Too many bookings from this connection" in refused.content.decode()
    assert not Booking.objects.filter(name="Parent 11").exists()
    assert event.bookings.count() == 10
    # Someone on another connection can still book.
    other = Client(REMOTE_ADDR="198.51.100.20").post(f"/events/public/{event.pk}/", FORM)
    assert other.status_code == 200
    assert event.bookings.count() == 11


def test_changes_and_cancellations_are_rate_limited_per_connection(world: World) -> None:
    event = make_event(world).event
    booking, token = _book(event)
    client = Client(REMOTE_ADDR="203.0.113.9")
    change = {**FORM, "name": "Ben"}
    for _ in range(30):
        assert client.post(f"/events/booking/{token}/", change).status_code == 302
    refused = client.post(f"/events/booking/{token}/cancel/", {"confirm": "yes"})
    assert refused.status_code == 429
    assert "Too many changes" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_the_online_link_is_given_to_those_with_a_place_only(world: World) -> None:
    event = make_event(world, capacity=1).event
    Event.objects.filter(pk=event.pk).update(online_link="https://meet.example.org/evening")
    public = Client().get(f"/events/public/{event.pk}/").content.decode()
    assert "meet.example.org" not in public
    _booked, token = _book(event)
    _waiting, waiting_token = _book(event, "Cara Jones")
    page = Client().get(f"/events/booking/{token}/").content.decode()
    assert 'href="https://meet.example.org/evening" rel="noreferrer"' in page
    assert (
        "meet.example.org" not in Client().get(f"/events/booking/{waiting_token}/").content.decode()
    )
