"""The check-in pages an organiser uses on a phone: the list with search and one button per
person, the count, undo, and the page a booking's QR code opens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in_client
from tests.events.conftest import booked
from tests.events.test_checkin import book, make_activity, make_event
from widen.accounts.models import Role
from widen.activities.models import Attendance, AttendanceStatus
from widen.audit.models import AccessLogEntry
from widen.events.checkin import checkin_code
from widen.events.checkin import views as checkin_views
from widen.events.models import AttendeeType, Booking, Event
from widen.events.services import BookingDetails, booking_create
from widen.testing.world import World

# Events start in an hour: at nine on a school morning, they end the same day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_morning")]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def organiser(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def check_in_url(event: Event, booking: Booking) -> str:
    return reverse("checkin:check_in", kwargs={"event_id": event.pk, "booking_id": booking.pk})


def checked_in_page(world: World, event: Event, booking: Booking) -> str:
    """The page the organiser lands on after the check-in button."""
    return organiser(world).post(check_in_url(event, booking), follow=True).content.decode()


def test_the_list_counts_searches_and_checks_in_with_one_button(world: World) -> None:
    event = make_event(world, capacity=3)
    asha = book(event, "Asha Patel")
    book(event, "Ben Okafor")
    book(event, "Cara Patel-Jones")
    waiting = book(event, "Dev Singh")
    client = organiser(world)
    url = reverse("checkin:list", kwargs={"event_id": event.pk})

    page = client.get(url).content.decode()
    assert "0 of 3</strong> booked checked in (1 on the waiting list)" in page
    assert "Dev Singh" not in page  # waiting: not on the list to check in
    # ...but found by a search, with the reason there is no button.
    searched = client.get(url, {"q": "singh"}).content.decode()
    assert "Dev Singh" in searched
    assert "On the waiting list, not booked: cannot be checked in." in searched
    assert "Check in</button>" not in searched

    found = client.get(url, {"q": "patel"}).content.decode()
    assert "Asha Patel" in found
    assert "Cara Patel-Jones" in found
    assert "Ben Okafor" not in found

    response = client.post(
        reverse("checkin:check_in", kwargs={"event_id": event.pk, "booking_id": asha.pk}),
        {"q": "patel"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{url}?q=patel#booking-{asha.pk}"
    page = response.content.decode()
    assert "Asha Patel is checked in." in page
    assert "1 of 3</strong> booked checked in" in page
    assert 'aria-label="Undo check-in for Asha Patel"' in page
    assert Booking.objects.get(pk=asha.pk).checked_in_at is not None

    again = client.post(
        reverse("checkin:check_in", kwargs={"event_id": event.pk, "booking_id": waiting.pk}),
        follow=True,
    ).content.decode()
    assert "Dev Singh is on the waiting list, not booked, so cannot be checked in." in again

    undone = client.post(
        reverse("checkin:undo", kwargs={"event_id": event.pk, "booking_id": asha.pk}), follow=True
    ).content.decode()
    assert "Asha Patel&#x27;s check-in is undone." in undone
    assert "0 of 3</strong> booked checked in" in undone


def test_a_learners_check_in_on_the_page_says_their_journey_has_it(world: World) -> None:
    event = make_event(world, activity=make_activity(world))
    booking = book(event, "Sami Schoolman", learner=world.learner_school)
    page = checked_in_page(world, event, booking)
    assert "Their attendance is recorded in their learner journey." in page
    assert Attendance.objects.get(learner=world.learner_school).status == AttendanceStatus.ATTENDED


def test_without_an_activity_the_page_asks_for_one(world: World) -> None:
    event = make_event(world)
    booking = book(event, "Sami Schoolman", learner=world.learner_school)
    page = checked_in_page(world, event, booking)
    assert "Sami Schoolman is checked in." in page
    assert "Link this event to an activity to record attendance in learners&#x27; journeys." in page


def test_the_qr_code_opens_the_confirmation_page_for_organisers_only(world: World) -> None:
    event = make_event(world)
    made = booking_create(
        event=event,
        details=BookingDetails(
            name="Asha Patel", email="asha@example.org", attendee_type=AttendeeType.TEACHER
        ),
    )
    # The holder's page shows the QR code, which carries the check-in code, not the link.
    holder = Client().get(reverse("checkin:agenda", kwargs={"token": made.token}))
    assert holder.status_code == 200
    assert 'src="data:image/svg+xml' in holder.content.decode()
    assert "Your check-in code" in holder.content.decode()

    scan = reverse(
        "checkin:scan", kwargs={"event_id": event.pk, "code": checkin_code(made.booking)}
    )
    assert made.token not in scan
    for role in (Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY):
        assert signed_in_client(world.users[role]).get(scan).status_code == 404
        assert signed_in_client(world.users[role]).post(scan).status_code == 404
    assert Client().get(scan).status_code == 302  # to sign in
    assert Booking.objects.get(pk=made.booking.pk).checked_in_at is None

    client = organiser(world)
    page = client.get(scan).content.decode()
    assert re.search(r"<button[^>]*>Check in Asha Patel</button>", page)
    done = client.post(scan, follow=True).content.decode()
    assert "Asha Patel is checked in." in done
    assert "Yes, at" in done
    wrong = scan.replace(checkin_code(made.booking)[-4:], "0000")
    assert client.get(wrong).status_code == 404


def test_other_organisations_staff_get_404_and_change_nothing(world: World) -> None:
    event = make_event(world, organiser=world.beta)
    booking = book(event, "Asha Patel")
    client = organiser(world)  # Alpha's officer: a partner of Beta, not the organiser
    assert client.get(reverse("checkin:list", kwargs={"event_id": event.pk})).status_code == 404
    response = client.post(check_in_url(event, booking))
    assert response.status_code == 404
    assert Booking.objects.get(pk=booking.pk).checked_in_at is None


def test_a_booking_of_another_event_is_not_reached_through_this_one(world: World) -> None:
    event = make_event(world)
    other = make_event(world, title="Another event")
    booking = book(other, "Asha Patel")
    response = organiser(world).post(check_in_url(event, booking))
    assert response.status_code == 404
    assert Booking.objects.get(pk=booking.pk).checked_in_at is None


# Counted per day, not per minute: a window boundary falling between the requests of a slow run
# would let the last one through.
@override_settings(WIDEN_EVENT_FEED_RATE="3/d", WIDEN_EVENT_LINK_WRITE_RATE="30/d")
def test_public_and_link_pages_are_rate_limited_per_connection(world: World) -> None:
    event = make_event(world)
    made = booked(event, "Asha Patel")
    feed = reverse("checkin:partnership_feed", kwargs={"partnership_id": world.north.pk})
    calendar = reverse("checkin:event_calendar", kwargs={"event_id": event.pk})
    client = Client()
    assert [client.get(feed).status_code for _ in range(2)] == [200, 200]
    assert client.get(calendar).status_code == 200  # the third calendar request
    refused = client.get(calendar)
    assert refused.status_code == 429
    assert "Too many requests from this connection" in refused.content.decode()
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get(calendar).status_code == 200  # another connection is not held back

    agenda = reverse("checkin:agenda", kwargs={"token": made.token})
    statuses = [client.post(agenda, {}).status_code for _ in range(31)]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429


def test_the_booking_page_shows_the_check_in_qr_code_and_later_the_certificate(
    world: World,
) -> None:
    event = make_event(world, kind="cpd")
    made = booking_create(
        event=event,
        details=BookingDetails(
            name="Tom Teacher", email="tom@example.org", attendee_type=AttendeeType.TEACHER
        ),
    )
    page = Client().get(f"/events/booking/{made.token}/").content.decode()
    assert "Your check-in code" in page
    assert 'alt="QR code for checking in Tom Teacher"' in page
    assert "certificate.pdf" not in page
    organiser(world).post(
        reverse("checkin:check_in", kwargs={"event_id": event.pk, "booking_id": made.booking.pk})
    )
    page = Client().get(f"/events/booking/{made.token}/").content.decode()
    assert reverse("checkin:certificate", kwargs={"token": made.token}) in page


def test_the_event_page_offers_check_in_to_its_organisers_only(world: World) -> None:
    own = make_event(world)
    partners = make_event(world, organiser=world.beta, title="Beta's event")
    link = reverse("checkin:list", kwargs={"event_id": own.pk})
    page = organiser(world).get(reverse("events:detail", kwargs={"event_id": own.pk}))
    assert f'href="{link}">Check people in</a>' in page.content.decode()
    # Alpha's officer sees Beta's event as a partner, but does not check its people in.
    other = organiser(world).get(reverse("events:detail", kwargs={"event_id": partners.pk}))
    assert other.status_code == 200
    assert "Check people in" not in other.content.decode()


def test_the_list_reads_the_same_number_of_times_for_few_or_many_bookings(
    world: World, django_assert_max_num_queries: Any
) -> None:
    event = make_event(world, capacity=None)
    client = organiser(world)
    url = reverse("checkin:list", kwargs={"event_id": event.pk})
    for number in range(3):
        book(event, f"Person Number{number}")
    client.get(url)  # the session and the person are loaded once per request either way
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(3, 40):
        book(event, f"Person Number{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("Check in</button>") == 40


def test_a_very_long_list_says_to_search(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkin_views, "LIST_SHOWN", 2)
    event = make_event(world, capacity=None)
    for name in ("Asha Patel", "Ben Okafor", "Cara Jones"):
        book(event, name)
    page = organiser(world).get(reverse("checkin:list", kwargs={"event_id": event.pk}))
    text = page.content.decode()
    assert text.count("Check in</button>") == 2
    assert "Only the first 2 are shown: search for a name to find others." in text


def test_the_qr_codes_page_shows_access_requirements_to_organisers_and_logs_it(
    world: World,
) -> None:
    event = make_event(world)
    made = booked(
        event,
        "Asha Patel",
        access_requirements="Step-free access to the hall",
        dietary_needs="Vegan",
    )
    plain = book(event, "Ben Okafor")
    scan = reverse(
        "checkin:scan", kwargs={"event_id": event.pk, "code": checkin_code(made.booking)}
    )
    page = organiser(world).get(scan).content.decode()
    assert "Step-free access to the hall" in page
    assert "Vegan" in page
    logged = AccessLogEntry.objects.filter(subject_id=str(made.booking.pk))
    assert logged.count() == 1
    assert logged.get().actor_id == world.users[Role.OUTREACH_OFFICER].pk
    assert "Check-in" in logged.get().purpose

    # Someone with nothing stated: nothing to show, nothing logged.
    other = reverse("checkin:scan", kwargs={"event_id": event.pk, "code": checkin_code(plain)})
    assert "Access requirements" not in organiser(world).get(other).content.decode()
    assert not AccessLogEntry.objects.filter(subject_id=str(plain.pk)).exists()
