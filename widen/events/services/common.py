"""What the events services share: cleaning the text they are given, the booking link, dates."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from widen.core.exceptions import ApplicationError
from widen.events.models import Event

# Where the holder's booking page lives; the pages pass their absolute address instead.
BOOKING_LINK_PATH = "/events/booking/"
NAME_MAX = 160
TEXT_MAX = 2000


def clean_text(value: Any, field_name: str, label: str, *, maximum: int, required: bool) -> str:
    if not isinstance(value, str):
        raise ApplicationError(f"{label} must be text.", field=field_name)
    if "\x00" in value:
        raise ApplicationError(
            f"{label} contains a character that cannot be kept.", field=field_name
        )
    value = value.strip()
    if required and not value:
        raise ApplicationError(f"Enter {label.lower()}.", field=field_name)
    if len(value) > maximum:
        raise ApplicationError(
            f"{label} must be at most {maximum} characters (it has {len(value)}).",
            field=field_name,
        )
    return value


def booking_link(token: str, link_base: str | None) -> str:
    return f"{link_base or BOOKING_LINK_PATH}{token}/"


def event_when(event: Event) -> str:
    starts = timezone.localtime(event.starts_at)
    return f"{starts:%A %d %B %Y at %H:%M}"
