"""Widen's daily work on bookings: tomorrow's reminders, and removing access requirements and
adjustments once an event is over (the retention rule)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from widen.events.models import ADJUSTMENT_FIELDS, Booking, BookingStatus, Event
from widen.events.permissions import event_policy
from widen.events.services.mail import send_reminder
from widen.learners.models import processable_condition

REMINDER_AHEAD = timedelta(days=1)


def reminders_send(*, actor: Any, now: datetime | None = None) -> int:
    """E-mail everyone booked onto an event starting within the next day, once per booking.
    Widen's own work: `actor` is a system actor (anyone else: `NotFound`)."""
    event_policy.require_system(actor)
    now = now or timezone.now()
    # A learner whose processing is restricted is not e-mailed about their booking.
    due = Booking.objects.filter(
        Q(learner__isnull=True) | processable_condition("learner"),
        status=BookingStatus.BOOKED,
        reminder_sent_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_AHEAD,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("event")
                .filter(pk=pk, status=BookingStatus.BOOKED, reminder_sent_at__isnull=True)
                .first()
            )
            if booking is None:
                continue
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at", "updated_at"])
            # Queued in the same transaction: marked as sent exactly when it is put in the outbox.
            send_reminder(booking)
        sent += 1
    return sent


def adjustments_purge(*, actor: Any, now: datetime | None = None) -> int:
    """Blank the special category data of bookings for events that have ended.

    The retention rule: access requirements, adjustments, dietary needs and attending as a
    care-experienced or disabled learner are kept only until the event is over. Returns the
    number of bookings blanked. Widen's own work: `actor` is a system actor.
    """
    event_policy.require_system(actor)
    now = now or timezone.now()
    blank: dict[str, Any] = {
        name: (False if name in ("care_experienced", "disabled") else "")
        for name in ADJUSTMENT_FIELDS
    }
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update()
            .filter(ends_at__lte=now, adjustments_purged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not events:
            return 0
        holding = Booking.objects.filter(event__in=events).exclude(**blank)
        count = holding.update(**blank)
        Event.objects.filter(pk__in=events).update(adjustments_purged_at=now)
    return count
