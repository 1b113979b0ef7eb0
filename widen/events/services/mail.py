"""The e-mails the events services send: to a booking's holder (confirmation, a place given,
cancelled by the organisers, tomorrow's reminder) and to the contact of a group booking."""

from __future__ import annotations

from django.core.mail import send_mail

from widen.events.models import Booking, BookingStatus, Event
from widen.events.services.common import event_when


def send_confirmation(booking: Booking, link: str) -> None:
    event = booking.event
    if booking.status == BookingStatus.BOOKED:
        subject = f"Your place at {event.title}"
        opening = f"Your place at {event.title} on {event_when(event)} is booked."
    else:
        subject = f"You are on the waiting list for {event.title}"
        opening = (
            f"{event.title} on {event_when(event)} is full, so you are on the waiting list. "
            "If a place becomes free it is given to the first person waiting, "
            "and we will e-mail you."
        )
    body = (
        f"Dear {booking.name},\n\n{opening}\n\n"
        "To view, change or cancel your booking, use this link. Keep this e-mail: the link is "
        f"yours alone and is not shown again.\n\n{link}\n"
    )
    send_mail(subject, body, None, [booking.email])


def send_promotion(booking: Booking) -> None:
    event = booking.event
    body = (
        f"Dear {booking.name},\n\nA place has become free at {event.title} on {event_when(event)}, "
        "and it is yours: you are now booked.\n\n"
        "Use the link in your first e-mail to view, change or cancel your booking.\n"
    )
    send_mail(f"You have a place at {event.title}", body, None, [booking.email])


def send_cancelled_by_organiser(booking: Booking) -> None:
    event = booking.event
    body = (
        f"Dear {booking.name},\n\nThe organisers of {event.title} on {event_when(event)} have "
        "cancelled your booking. If you think this is a mistake, please reply to the organisers "
        "or book again.\n"
    )
    send_mail(f"Your booking for {event.title} is cancelled", body, None, [booking.email])


def send_reminder(booking: Booking) -> None:
    event = booking.event
    where = event.venue or event.online_link
    body = (
        f"Dear {booking.name},\n\nA reminder that {event.title} is on {event_when(event)}"
        f"{f', at {where}' if where else ''}.\n\n"
        "If you can no longer come, please cancel using the link in your first e-mail, so your "
        "place can go to someone on the waiting list.\n"
    )
    send_mail(f"Reminder: {event.title} is tomorrow", body, None, [booking.email])


def send_group_confirmation(event: Event, contact: str, links: list[tuple[Booking, str]]) -> None:
    """One e-mail to the group's contact: each learner's place and their own link."""
    lines = [
        f"{booking.name}: "
        + ("booked" if booking.status == BookingStatus.BOOKED else "on the waiting list")
        + f"\n  {link}"
        for booking, link in links
    ]
    body = (
        f"These learners are booked onto {event.title} on {event_when(event)}. "
        "Learners on the waiting list are given a place, in order, if one becomes free.\n\n"
        "Each learner has a link of their own to view, change or cancel their booking. Keep "
        "this e-mail: the links are not shown again. Pass each learner's link on only to them "
        "or their parent or carer.\n\n" + "\n".join(lines) + "\n"
    )
    send_mail(f"Group booking: {event.title}", body, None, [contact])
