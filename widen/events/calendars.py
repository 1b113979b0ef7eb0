"""Calendar feeds (iCalendar, RFC 5545): one public event, a booking's own, a partnership's.

Times are in Europe/London with its VTIMEZONE; each event's UID is fixed by its id, so a
calendar that has it from the partnership's feed and from a booking keeps one entry, and an
edited event replaces the old entry instead of adding another. Public feeds carry the event
only, never anyone's booking or name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import icalendar
from django.db.models import QuerySet
from django.utils import timezone

from widen.core.exceptions import NotFound
from widen.events.models import Booking, BookingStatus, Event, Talk
from widen.organisations.models import Partnership

LONDON = ZoneInfo("Europe/London")
PRODUCT_ID = "-//Widen//Events//EN"
UID_DOMAIN = "events.widen"
FEED_LIMIT = 500


def _text(value: str) -> str:
    """Text as RFC 5545 allows it: no control characters (new lines and tabs kept)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        character
        for character in value
        if character in "\n\t" or unicodedata.category(character) != "Cc"
    )


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def talk_uid(talk: Talk) -> str:
    return f"talk-{talk.pk}@{UID_DOMAIN}"


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", " ".join(_text(name).split())[:200])
    calendar.add("x-wr-timezone", "Europe/London")
    return calendar


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON).replace(microsecond=0)


def _stamp(moment: datetime | None) -> datetime:
    return (moment or timezone.now()).astimezone(ZoneInfo("UTC")).replace(microsecond=0)


def _event_component(
    event: Event, *, page_url: str = "", status: str = "CONFIRMED", joining_link: bool = False
) -> icalendar.Event:
    """The event; its online joining link only with `joining_link` (for those with a place, as
    on their booking's page: public files never carry it)."""
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", _stamp(event.updated_at))
    component.add("last-modified", _stamp(event.updated_at))
    component.add("dtstart", _london(event.starts_at))
    component.add("dtend", _london(event.ends_at))
    component.add("summary", _text(event.title))
    lines = [event.description.strip()] if event.description.strip() else []
    lines.append(f"Organised by {event.organiser.name}.")
    if event.online_link and joining_link:
        lines.append(f"Online: {event.online_link}")
    component.add("description", _text("\n\n".join(lines)))
    location = event.venue or (
        (event.online_link if joining_link else "Online") if event.online_link else ""
    )
    if location:
        component.add("location", _text(location))
    if page_url:
        component.add("url", page_url)
    component.add("categories", [event.get_kind_display()])
    component.add("status", status)
    component.add("transp", "OPAQUE")
    return component


def _talk_component(talk: Talk, event: Event, *, status: str) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", talk_uid(talk))
    component.add("dtstamp", _stamp(talk.updated_at))
    component.add("dtstart", _london(talk.starts_at))
    component.add("dtend", _london(talk.ends_at))
    component.add("summary", _text(f"{talk.title} ({event.title})"))
    if talk.description.strip():
        component.add("description", _text(talk.description.strip()))
    where = ", ".join(part for part in (talk.room, event.venue) if part)
    if where:
        component.add("location", _text(where))
    component.add("status", status)
    return component


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def event_calendar(event: Event, *, page_url: str = "") -> bytes:
    """One event as a calendar file."""
    calendar = _calendar(event.title)
    calendar.add_component(_event_component(event, page_url=page_url))
    return _finish(calendar)


def booking_calendar(booking: Booking, *, page_url: str = "") -> bytes:
    """A booking's event and the talks on its personal agenda. A cancelled booking's entries
    are marked cancelled (a calendar that imported them removes them); a waiting one's are
    tentative."""
    event = booking.event
    status = {
        BookingStatus.BOOKED: "CONFIRMED",
        BookingStatus.WAITING: "TENTATIVE",
        BookingStatus.CANCELLED: "CANCELLED",
    }[BookingStatus(booking.status)]
    calendar = _calendar(event.title)
    calendar.add_component(
        _event_component(
            event,
            page_url=page_url,
            status=status,
            joining_link=booking.status == BookingStatus.BOOKED,
        )
    )
    for talk in booking.agenda.order_by("starts_at", "title"):
        calendar.add_component(_talk_component(talk, event, status=status))
    return _finish(calendar)


def public_calendar_event(event_id: UUID) -> Event:
    """A public event, before, during or after it; an invitation-only one answers as missing."""
    event = Event.objects.filter(pk=event_id, is_public=True).select_related("organiser").first()
    if event is None:
        raise NotFound
    return event


def partnership_feed_events(partnership_id: UUID) -> tuple[Partnership, QuerySet[Event]]:
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        raise NotFound
    events = (
        Event.objects.filter(partnership=partnership, is_public=True, ends_at__gt=timezone.now())
        .select_related("organiser")
        .order_by("starts_at", "title")[:FEED_LIMIT]
    )
    return partnership, events


def partnership_calendar(
    partnership: Partnership, events: Iterable[Event], *, page_url_for: object = None
) -> bytes:
    """A partnership's public upcoming events, to subscribe to."""
    calendar = _calendar(f"{partnership.name}: events")
    for event in events:
        url = page_url_for(event) if callable(page_url_for) else ""
        calendar.add_component(_event_component(event, page_url=url))
    return _finish(calendar)
