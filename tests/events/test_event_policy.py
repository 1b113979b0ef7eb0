"""One policy decides who sees, organises and runs an event: a role without `events.organise`, and
a person of another organisation, meet "not found" on every organiser page and endpoint and
change nothing; Widen's own work names a system actor; a service called without an actor is a
mistake in the code (TypeError), never a silent pass."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from tests.events.conftest import event_details, make_event
from widen.accounts.capabilities import Capability, roles_granting, system_actor
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.core.exceptions import NotFound
from widen.events.checkin import booking_check_in, checkin_code
from widen.events.models import AttendeeType, Booking, BookingStatus, Event
from widen.events.permissions import CHECK_IN, MANAGE, ORGANISE, SEE_ADJUSTMENTS, event_policy
from widen.events.services import (
    BookingDetails,
    adjustments_purge,
    booking_cancel_by_organiser,
    booking_create,
    event_create,
    event_update,
    group_booking_create,
    reminders_send,
    strand_create,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

NOT_ORGANISING = sorted(set(Role.values) - roles_granting(Capability.EVENTS_ORGANISE))


def _book(event: Event, name: str = "Asha Patel") -> Booking:
    return booking_create(
        event=event,
        details=BookingDetails(
            name=name, email="asha@example.org", attendee_type=AttendeeType.PARENT_CARER
        ),
    ).booking


def _gamma_officer(world: World) -> User:
    """An outreach officer of Gamma University, in another partnership altogether."""
    return make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER)


def _organiser_pages(event: Event, booking: Booking) -> list[tuple[str, str]]:
    base = f"/events/{event.pk}"
    return [
        ("GET", f"{base}/"),
        ("GET", f"{base}/edit/"),
        ("POST", f"{base}/edit/"),
        ("POST", f"{base}/invitation/"),
        ("GET", f"{base}/talks/"),
        ("POST", f"{base}/talks/"),
        ("GET", f"{base}/bookings/"),
        ("POST", f"{base}/bookings/"),
        ("GET", f"{base}/bookings/group/"),
        ("POST", f"{base}/bookings/group/"),
        ("GET", f"{base}/check-in/"),
        ("POST", f"{base}/check-in/{booking.pk}/"),
        ("POST", f"{base}/check-in/{booking.pk}/undo/"),
        ("GET", f"{base}/check-in/scan/{checkin_code(booking)}/"),
        ("GET", f"{base}/check-in/{booking.pk}/certificate.pdf"),
        ("GET", f"/events/partnerships/{event.partnership_id}/new/"),
        ("POST", f"/events/partnerships/{event.partnership_id}/new/"),
    ]


def _snapshot(event: Event) -> tuple[Any, ...]:
    event.refresh_from_db()
    return (
        event.title,
        event.invitation_token_digest,
        event.strands.count(),
        list(event.bookings.order_by("pk").values_list("status", "checked_in_at")),
        Event.objects.count(),
    )


def _outsider(world: World, role: str) -> User:
    """Someone of `role` at Alpha, without events.organise there, or ("gamma") an organiser of
    another organisation."""
    return _gamma_officer(world) if role == "gamma" else world.users[role]


def _booked_event(world: World) -> tuple[Event, Booking, tuple[Any, ...]]:
    """An event of Alpha's with one booking, and how they stand before anyone tries anything."""
    event = make_event(world).event
    booking = _book(event)
    return event, booking, _snapshot(event)


@pytest.mark.parametrize("role", [*NOT_ORGANISING, "gamma"])
def test_those_who_do_not_organise_the_event_meet_not_found_on_every_organiser_page(
    world: World, role: str
) -> None:
    event, booking, before = _booked_event(world)
    client = signed_in_client(_outsider(world, role))
    for method, path in _organiser_pages(event, booking):
        response = client.get(path) if method == "GET" else client.post(path, {"booking": ""})
        assert response.status_code == 404, (method, path)
    assert _snapshot(event) == before


def _api_paths(event: Event, booking: Booking) -> list[tuple[str, str]]:
    return [
        ("GET", f"/api/v1/events/{event.pk}"),
        ("GET", f"/api/v1/events/{event.pk}/bookings"),
        ("GET", f"/api/v1/check-in/events/{event.pk}"),
        ("POST", f"/api/v1/check-in/events/{event.pk}/bookings/{booking.pk}"),
        ("POST", f"/api/v1/check-in/events/{event.pk}/bookings/{booking.pk}/undo"),
        ("POST", f"/api/v1/check-in/events/{event.pk}/codes/{checkin_code(booking)}"),
    ]


def _create_body(event: Event) -> dict[str, Any]:
    starts = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    return {
        "partnership_id": str(event.partnership_id),
        "organiser_id": str(event.organiser_id),
        "title": "Taken over",
        "kind": "parents_carers",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "venue": "Main Hall",
    }


@pytest.mark.parametrize("role", [*NOT_ORGANISING, "gamma"])
def test_the_api_answers_not_found_to_those_who_do_not_organise(world: World, role: str) -> None:
    event, booking, before = _booked_event(world)
    token = api_token_create(user=_outsider(world, role), name="test")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    for method, path in _api_paths(event, booking):
        response = client.get(path) if method == "GET" else client.post(path)
        assert response.status_code == 404, (method, path)
    created = client.post("/api/v1/events", _create_body(event), content_type="application/json")
    assert created.status_code == 404
    assert _snapshot(event) == before


def test_those_who_run_the_event_reach_every_organiser_page(world: World) -> None:
    event = make_event(world).event
    booking = _book(event)
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    for method, path in _organiser_pages(event, booking):
        if method == "GET" and not path.endswith("certificate.pdf"):
            assert client.get(path).status_code == 200, path


def test_the_policy_tells_organising_from_running(world: World) -> None:
    # Beta runs the event; Alpha's officer, in the same partnership, organises but does not run.
    event = make_event(world, organiser=world.beta).event
    officer = world.users[Role.OUTREACH_OFFICER]
    assert event_policy.may(officer, ORGANISE, event)
    for action in (MANAGE, CHECK_IN, SEE_ADJUSTMENTS):
        assert not event_policy.may(officer, action, event)
    with pytest.raises(NotFound):
        event_policy.get(officer, event.pk, action=MANAGE)
    with pytest.raises(NotFound):
        event_policy.get(officer, "not-an-id", action=ORGANISE)


def test_a_system_actor_passes_every_check(world: World) -> None:
    widen = system_actor("tests of the events policy")
    made = event_create(
        actor=widen, partnership=world.south, organiser=world.gamma, details=event_details()
    )
    event = made.event
    for action in sorted(event_policy.actions):
        assert event_policy.may(widen, action, event), action
    assert event_policy.get(widen, event.pk, action=MANAGE) == event
    strand_create(actor=widen, event=event, title="Student voice")
    booking = _book(event)
    booking_check_in(actor=widen, booking=booking)
    assert Booking.objects.get(pk=booking.pk).checked_in_at is not None
    promoted = booking_cancel_by_organiser(actor=widen, booking=booking)
    assert promoted is None
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_a_service_called_without_an_actor_is_a_type_error(world: World) -> None:
    event = make_event(world).event
    booking = _book(event)
    calls = [
        lambda: event_create(
            partnership=world.north, organiser=world.alpha, details=event_details()
        ),  # type: ignore[call-arg]
        lambda: event_update(event=event, details=event_details()),  # type: ignore[call-arg]
        lambda: strand_create(event=event, title="Anyone's"),  # type: ignore[call-arg]
        lambda: group_booking_create(  # type: ignore[call-arg]
            event=event, learners=[world.learner_alpha], contact_email="trips@example.org"
        ),
        lambda: booking_check_in(booking=booking),  # type: ignore[call-arg]
        lambda: booking_cancel_by_organiser(booking=booking),  # type: ignore[call-arg]
        lambda: reminders_send(),  # type: ignore[call-arg]
        lambda: adjustments_purge(),  # type: ignore[call-arg]
    ]
    before = _snapshot(event)
    for call in calls:
        with pytest.raises(TypeError, match="actor"):
            call()
    assert _snapshot(event) == before


def test_no_actor_is_refused_not_waved_through(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event, booking, before = _booked_event(world)
    mail.outbox.clear()
    for call in (
        lambda: event_update(actor=None, event=event, details=event_details(title="Taken over")),
        lambda: strand_create(actor=None, event=event, title="Anyone's"),
        lambda: booking_check_in(actor=None, booking=booking),
        lambda: booking_cancel_by_organiser(actor=None, booking=booking),
        lambda: group_booking_create(
            actor=None, event=event, learners=[world.learner_alpha], contact_email="t@example.org"
        ),
        lambda: booking_create(
            actor=None,
            event=event,
            details=BookingDetails(
                name="Amara Alphason", email="t@example.org", attendee_type=AttendeeType.LEARNER
            ),
            learner=world.learner_alpha,
        ),
    ):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotFound):
            call()
    assert _snapshot(event) == before
    assert mail.outbox == []


def test_reminders_and_the_retention_rule_are_widens_own_work(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world, days=1).event
    _book(event)
    mail.outbox.clear()
    now = event.starts_at - timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotFound):
        reminders_send(actor=world.users[Role.PARTNERSHIP_ADMIN], now=now)
    with pytest.raises(NotFound):
        adjustments_purge(actor=world.users[Role.PARTNERSHIP_ADMIN])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(actor=system_actor("daily event reminders"), now=now) == 1
    (reminder,) = mail.outbox
    assert reminder.to == ["asha@example.org"]
