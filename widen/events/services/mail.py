"""The e-mails the events services send: to a booking's holder (confirmation, a place given,
cancelled by the organisers, tomorrow's reminder) and to the contact of a group booking.

Each goes through `widen.notifications`: written by the templates under
`notifications/events/`, queued once the calling transaction commits (call these inside it), and
sent with retries. Those holding a one-time link are wiped once e-mailed (`secret`).
"""

from __future__ import annotations

from typing import Any

from widen.events.models import Booking, BookingStatus, Event
from widen.events.services.common import event_when
from widen.notifications.models import Category
from widen.notifications.services import notify


def _to_holder(
    booking: Booking,
    template: str,
    *,
    category: Category = Category.BOOKINGS,
    secret: bool = False,
    **context: Any,
) -> None:
    """An e-mail to the booking's holder, with their name, the event and when it is."""
    event = booking.event
    notify(
        template=template,
        category=category,
        email=booking.email,
        context={"name": booking.name, "event": event, "when": event_when(event), **context},
        secret=secret,
    )


def send_confirmation(booking: Booking, link: str) -> None:
    booked = booking.status == BookingStatus.BOOKED
    template = "events/booking_confirmed" if booked else "events/booking_waiting"
    _to_holder(booking, template, link=link, secret=True)


def send_promotion(booking: Booking) -> None:
    _to_holder(booking, "events/place_given")


def send_cancelled_by_organiser(booking: Booking) -> None:
    _to_holder(booking, "events/booking_cancelled")


def send_reminder(booking: Booking) -> None:
    event = booking.event
    _to_holder(
        booking,
        "events/reminder",
        category=Category.REMINDERS,
        where=event.venue or event.online_link,
    )


def send_group_confirmation(event: Event, contact: str, links: list[tuple[Booking, str]]) -> None:
    """One e-mail to the group's contact: each learner's place and their own link."""
    rows = [
        {"name": booking.name, "booked": booking.status == BookingStatus.BOOKED, "link": link}
        for booking, link in links
    ]
    notify(
        template="events/group_booking",
        category=Category.BOOKINGS,
        email=contact,
        context={"event": event, "when": event_when(event), "rows": rows},
        secret=True,
    )
