"""Booking an event without an account: places, the waiting list, the one-time link, e-mails."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.events.conftest import standalone_event
from widen.audit.models import AuditAction, AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.events.models import (
    AttendeeType,
    Booking,
    BookingStatus,
    Event,
    EventKind,
    Talk,
)
from widen.events.services import (
    BookingDetails,
    booking_cancel,
    booking_change,
    booking_create,
    booking_for_link,
    booking_link_renew,
)

pytestmark = pytest.mark.django_db


def _event(capacity: int | None = 2) -> Event:
    return standalone_event(
        title="Finding out about university: evening for parents and carers",
        kind=EventKind.PARENTS_CARERS,
        hours=2,
        capacity=capacity,
    )


def _details(name: str, **changes: Any) -> BookingDetails:
    values: dict[str, Any] = {
        "name": name,
        "email": f"{name.split()[0].lower()}@example.org",
        "attendee_type": AttendeeType.PARENT_CARER,
    }
    values.update(changes)
    return BookingDetails(**values)


def test_bookings_beyond_capacity_go_on_the_waiting_list_in_order() -> None:
    event = _event(capacity=2)
    made = [
        booking_create(event=event, details=_details(name))
        for name in ("Asha Patel", "Ben Okafor", "Cara Jones", "Dev Singh")
    ]
    statuses = [m.booking.status for m in made]
    assert statuses == [
        BookingStatus.BOOKED,
        BookingStatus.BOOKED,
        BookingStatus.WAITING,
        BookingStatus.WAITING,
    ]
    assert event.bookings.filter(status=BookingStatus.BOOKED).count() == 2


def test_no_capacity_means_everyone_gets_a_place() -> None:
    event = _event(capacity=None)
    made = [booking_create(event=event, details=_details(f"Person {n}")) for n in range(5)]
    assert {m.booking.status for m in made} == {BookingStatus.BOOKED}


def test_cancelling_gives_the_place_to_the_first_waiting_and_emails_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event(capacity=1)
    first = booking_create(event=event, details=_details("Asha Patel"))
    second = booking_create(event=event, details=_details("Ben Okafor"))
    third = booking_create(event=event, details=_details("Cara Jones"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = booking_cancel(booking=first.booking)

    assert promoted is not None
    assert promoted.pk == second.booking.pk
    statuses = dict(event.bookings.values_list("name", "status"))
    assert statuses == {
        "Asha Patel": BookingStatus.CANCELLED,
        "Ben Okafor": BookingStatus.BOOKED,
        "Cara Jones": BookingStatus.WAITING,
    }
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    assert mail.outbox[0].subject == f"You have a place at {event.title}"

    # Cancelling someone on the waiting list frees no place: nobody is promoted.
    assert booking_cancel(booking=third.booking) is None
    assert Booking.objects.get(pk=third.booking.pk).status == BookingStatus.CANCELLED


def test_cancelling_twice_is_refused_and_changes_nothing() -> None:
    event = _event(capacity=1)
    first = booking_create(event=event, details=_details("Asha Patel"))
    booking_create(event=event, details=_details("Ben Okafor"))
    booking_create(event=event, details=_details("Cara Jones"))
    booking_cancel(booking=first.booking)
    with pytest.raises(ApplicationError, match="already cancelled") as caught:
        booking_cancel(booking=booking_for_link(first.token))
    assert caught.value.field == "status"
    booked = event.bookings.filter(status=BookingStatus.BOOKED)
    assert list(booked.values_list("name", flat=True)) == ["Ben Okafor"]


def test_confirmation_email_carries_the_link_and_says_whether_waiting(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        booked = booking_create(
            event=event, details=_details("Asha Patel"), link_base="https://widen.example/b/"
        )
        waiting = booking_create(event=event, details=_details("Ben Okafor"))
    assert [m.to for m in mail.outbox] == [["asha@example.org"], ["ben@example.org"]]
    assert booked.link == f"https://widen.example/b/{booked.token}/"
    assert booked.link in mail.outbox[0].body
    assert "is booked" in mail.outbox[0].body
    assert waiting.token in mail.outbox[1].body
    assert "waiting list" in mail.outbox[1].subject


def test_a_link_reaches_exactly_its_booking_and_only_its_digest_is_stored() -> None:
    event = _event(capacity=5)
    made = [booking_create(event=event, details=_details(n)) for n in ("Asha Patel", "Ben Okafor")]
    for m in made:
        assert booking_for_link(m.token).pk == m.booking.pk
    stored = Booking.objects.get(pk=made[0].booking.pk)
    assert made[0].token not in stored.token_digest
    assert len(stored.token_digest) == 64


@pytest.mark.parametrize(
    "wrong", ["", "not-a-token", "x" * 5000, "a\x00b", "%00", "'; DROP TABLE events_booking; --"]
)
def test_wrong_tokens_answer_as_missing(wrong: str) -> None:
    event = _event()
    made = booking_create(event=event, details=_details("Asha Patel"))
    with pytest.raises(NotFound, match="This link is not valid."):
        booking_for_link(wrong)
    with pytest.raises(NotFound, match="This link is not valid."):
        booking_for_link(made.booking.token_digest)
    assert Booking.objects.count() == 1


def test_a_replaced_link_stops_working_and_the_new_one_is_emailed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event()
    made = booking_create(event=event, details=_details("Asha Patel"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new_link = booking_link_renew(booking=made.booking)
    with pytest.raises(NotFound, match="This link is not valid."):
        booking_for_link(made.token)
    new_token = new_link.rstrip("/").rsplit("/", 1)[-1]
    assert booking_for_link(new_token).pk == made.booking.pk
    assert new_link in mail.outbox[0].body


def test_changing_adjustments_and_agenda_keeps_the_place() -> None:
    event = _event(capacity=1)
    talk = Talk.objects.create(
        event=event,
        title="Student finance explained",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=30),
    )
    made = booking_create(event=event, details=_details("Asha Patel"))
    booking_create(event=event, details=_details("Ben Okafor"))
    changed = booking_change(
        booking=made.booking,
        details=_details(
            "Asha Patel",
            access_requirements="Step-free access",
            reasonable_adjustments="Seat near the front",
            dietary_needs="Vegetarian",
            disabled=True,
            talk_ids=[talk.pk],
        ),
    )
    assert changed.status == BookingStatus.BOOKED
    stored = Booking.objects.get(pk=made.booking.pk)
    assert (stored.access_requirements, stored.dietary_needs, stored.disabled) == (
        "Step-free access",
        "Vegetarian",
        True,
    )
    assert list(stored.agenda.all()) == [talk]


def test_a_cancelled_booking_cannot_be_changed() -> None:
    event = _event()
    made = booking_create(event=event, details=_details("Asha Patel"))
    booking_cancel(booking=made.booking)
    with pytest.raises(ApplicationError, match="cancelled"):
        booking_change(booking=made.booking, details=_details("Asha Patel", dietary_needs="Vegan"))
    assert Booking.objects.get(pk=made.booking.pk).dietary_needs == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter your name"),
        ({"name": "A" * 161}, "name", "at most 160"),
        ({"email": "not an address"}, "email", "is not an e-mail address"),
        ({"attendee_type": "alien"}, "attendee_type", "Choose who you are"),
        ({"dietary_needs": "nuts\x00"}, "dietary_needs", "cannot be kept"),
        ({"access_requirements": "x" * 2001}, "access_requirements", "at most 2000"),
    ],
)
def test_bad_details_are_refused_naming_the_field(
    changes: dict[str, Any], field: str, message: str, django_capture_on_commit_callbacks: Any
) -> None:
    event = _event()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ApplicationError, match=message) as caught,
    ):
        booking_create(event=event, details=replace(_details("Asha Patel"), **changes))
    assert caught.value.field == field
    assert Booking.objects.count() == 0
    assert mail.outbox == []


def test_talks_from_another_event_are_refused() -> None:
    event = _event()
    other = Event.objects.create(
        partnership=event.partnership,
        organiser=event.organiser,
        title="Another day",
        kind=EventKind.CONFERENCE,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
    talk = Talk.objects.create(
        event=other, title="Elsewhere", starts_at=other.starts_at, ends_at=other.ends_at
    )
    with pytest.raises(ApplicationError) as caught:
        booking_create(event=event, details=_details("Asha Patel", talk_ids=[talk.pk]))
    assert caught.value.field == "agenda"


def test_booking_closes_when_the_event_has_started() -> None:
    event = _event()
    event.starts_at = timezone.now() - timedelta(minutes=5)
    event.save()
    with pytest.raises(ApplicationError, match="closed"):
        booking_create(event=event, details=_details("Asha Patel"))
    assert Booking.objects.count() == 0


def test_every_booking_write_is_audited() -> None:
    event = _event(capacity=1)
    first = booking_create(event=event, details=_details("Asha Patel"))
    second = booking_create(event=event, details=_details("Ben Okafor"))
    booking_cancel(booking=first.booking)
    trail = AuditEvent.objects.filter(object_type="events.booking")
    assert trail.filter(action=AuditAction.CREATE).count() == 2
    updates = {
        (e.object_id, tuple(e.changed_fields)) for e in trail.filter(action=AuditAction.UPDATE)
    }
    assert (str(first.booking.pk), ("cancelled_at", "status")) in updates
    assert (str(second.booking.pk), ("promoted_at", "status")) in updates
    assert set(trail.values_list("organisation_id", flat=True)) == {event.organiser_id}
