"""The daily jobs: reminders the day before, and blanking adjustments after the event."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.events.test_bookings import _details, _event
from widen.accounts.capabilities import system_actor
from widen.audit.models import AuditAction, AuditEvent
from widen.events.models import Booking, BookingStatus
from widen.events.services import adjustments_purge, booking_create, reminders_send

pytestmark = pytest.mark.django_db


def test_reminders_go_the_day_before_once_to_those_booked(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event(capacity=1)
    booked = booking_create(event=event, details=_details("Asha Patel"))
    booking_create(event=event, details=_details("Ben Okafor"))  # waiting: no reminder
    mail.outbox.clear()

    two_days_before = event.starts_at - timedelta(days=2)
    assert reminders_send(actor=system_actor("test"), now=two_days_before) == 0

    day_before = event.starts_at - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(actor=system_actor("test"), now=day_before) == 1
    assert [m.to for m in mail.outbox] == [["asha@example.org"]]
    assert mail.outbox[0].subject == f"Reminder: {event.title} is tomorrow"
    assert Booking.objects.get(pk=booked.booking.pk).reminder_sent_at == day_before

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(actor=system_actor("test"), now=day_before + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_send_reminders_command_reports_what_it_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event()
    event.starts_at = timezone.now() + timedelta(hours=12)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    booking_create(event=event, details=_details("Asha Patel"))
    mail.outbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("events", "send-reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 1 reminder."
    assert len(mail.outbox) == 1


def test_adjustments_are_blanked_after_the_event_and_the_rest_kept() -> None:
    event = _event()
    made = booking_create(
        event=event,
        details=_details(
            "Asha Patel",
            access_requirements="Step-free access",
            reasonable_adjustments="Extra time between talks",
            dietary_needs="Halal",
            care_experienced=True,
            disabled=True,
        ),
    )
    booking_create(event=event, details=_details("Ben Okafor"))

    assert (
        adjustments_purge(actor=system_actor("test"), now=event.ends_at - timedelta(minutes=1)) == 0
    )
    kept = Booking.objects.get(pk=made.booking.pk)
    assert kept.dietary_needs == "Halal"

    assert (
        adjustments_purge(actor=system_actor("test"), now=event.ends_at + timedelta(hours=1)) == 1
    )
    purged = Booking.objects.get(pk=made.booking.pk)
    assert (
        purged.access_requirements,
        purged.reasonable_adjustments,
        purged.dietary_needs,
        purged.care_experienced,
        purged.disabled,
    ) == ("", "", "", False, False)
    assert (purged.name, purged.status) == ("Asha Patel", BookingStatus.BOOKED)
    assert AuditEvent.objects.filter(
        object_id=str(made.booking.pk), action=AuditAction.UPDATE
    ).exists()
    # Done once per event.
    assert adjustments_purge(actor=system_actor("test"), now=event.ends_at + timedelta(days=1)) == 0


def test_purge_adjustments_command_leaves_future_events_alone() -> None:
    event = _event()
    made = booking_create(event=event, details=_details("Asha Patel", dietary_needs="Vegan"))
    out = StringIO()
    call_command("events", "purge-adjustments", stdout=out)
    assert "0 bookings" in out.getvalue()
    assert Booking.objects.get(pk=made.booking.pk).dietary_needs == "Vegan"
