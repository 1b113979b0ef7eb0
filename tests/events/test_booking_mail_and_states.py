"""Events' e-mails go through notifications (written by templates, queued only once the change
commits, a one-time link wiped once sent, reminders stoppable), and a booking's status moves only
by its workflow, each move recorded with who made it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from tests.events.conftest import booked, make_event
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import StateChange
from widen.events.models import BOOKING_WORKFLOW, Booking, BookingStatus
from widen.events.services import (
    booking_cancel,
    booking_cancel_by_organiser,
    reminders_send,
)
from widen.notifications.models import Notification
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_confirmation_is_queued_once_the_booking_commits_and_its_link_wiped_once_sent(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world).event
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = booked(event, "Asha Patel")
    (sent,) = mail.outbox
    assert sent.subject == f"Your place at {event.title}"
    assert made.link in sent.body
    assert made.link in sent.alternatives[0][0]  # type: ignore[attr-defined]
    row = Notification.objects.get(template="events/booking_confirmed")
    assert row.email == "asha@example.org"
    assert made.token not in row.body_text  # the one-time link is not kept


def test_a_booking_rolled_back_sends_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world).event
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                booked(event, "Asha Patel")
                raise RuntimeError("the page failed after booking")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Booking.objects.exists()
    assert not Notification.objects.exists()


def test_a_reminder_may_be_stopped_but_a_confirmation_may_not(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world, days=1).event
    with django_capture_on_commit_callbacks(execute=True):
        booked(event, "Asha Patel")
    confirmation = mail.outbox[-1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(actor=system_actor("test"), now=event.starts_at - timedelta(hours=12))
    (reminder,) = mail.outbox
    assert reminder.subject == f"Reminder: {event.title} is tomorrow"
    assert "/notifications/" in reminder.body  # the link to stop e-mails like this
    assert "/notifications/" not in confirmation.body


def test_cancelling_and_giving_a_place_are_recorded_with_who_moved_the_booking(
    world: World,
) -> None:
    event = make_event(world, capacity=1).event
    first = booked(event, "Asha Patel").booking
    second = booked(event, "Ben Okafor").booking
    officer = world.users[Role.OUTREACH_OFFICER]
    booking_cancel_by_organiser(actor=officer, booking=first)
    cancelled = StateChange.objects.get(object_id=str(first.pk))
    assert (cancelled.transition, cancelled.from_state, cancelled.to_state) == (
        "cancel",
        BookingStatus.BOOKED,
        BookingStatus.CANCELLED,
    )
    assert cancelled.actor_id == officer.pk
    given = StateChange.objects.get(object_id=str(second.pk))
    assert (given.transition, given.from_state, given.to_state) == (
        "give_place",
        BookingStatus.WAITING,
        BookingStatus.BOOKED,
    )
    assert given.actor_id is None
    assert "waiting list" in given.system_reason
    second.refresh_from_db()
    assert second.promoted_at is not None


def test_a_holder_cancelling_through_their_link_is_recorded_as_such(world: World) -> None:
    event = make_event(world).event
    booking = booked(event, "Asha Patel").booking
    booking_cancel(booking=booking)
    change = StateChange.objects.get(object_id=str(booking.pk))
    assert change.to_state == BookingStatus.CANCELLED
    assert "one-time link" in change.system_reason


def test_a_cancelled_booking_offers_no_further_move(world: World) -> None:
    event = make_event(world).event
    booking = booked(event, "Asha Patel").booking
    assert [t.name for t in BOOKING_WORKFLOW.allowed(booking)] == ["cancel"]
    booking_cancel(booking=booking)
    booking.refresh_from_db()
    assert BOOKING_WORKFLOW.allowed(booking) == []
