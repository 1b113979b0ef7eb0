"""`{% checkin_qr booking %}`: the booking's check-in QR code, for the holder's booking page;
`{% checkin_allowed event as can_check_in %}`: whether to offer the organisers' check-in page.

The code opens the organisers' check-in page for this booking; it carries a check-in code, never
the one-time link's token. Nothing is shown for a booking without a place or an event that has
ended.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from widen.events.checkin.services import may_check_in
from widen.events.checkin.views import checkin_qr_uri
from widen.events.models import Booking, BookingStatus, Event

register = template.Library()


@register.inclusion_tag("events/checkin_qr.html", takes_context=True)
def checkin_qr(context: dict[str, Any], booking: Booking) -> dict[str, Any]:
    showing = booking.status == BookingStatus.BOOKED and booking.event.ends_at > timezone.now()
    return {
        "qr_data_uri": checkin_qr_uri(context["request"], booking) if showing else "",
        "booking_name": booking.name,
    }


@register.simple_tag(takes_context=True)
def checkin_allowed(context: dict[str, Any], event: Event) -> bool:
    """`{% checkin_allowed event as can_check_in %}`: whether the person may check people in."""
    request = context.get("request")
    return may_check_in(getattr(request, "user", None), event)
