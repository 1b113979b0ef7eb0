"""Calendar files (iCalendar, RFC 5545): one public event, a booking's own with its agenda, and a
partnership's feed of its public upcoming events. Each is parsed back with `icalendar`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.events.conftest import booked
from tests.events.test_checkin import make_event
from widen.events.models import AttendeeType, Booking, Event, EventKind, Talk
from widen.events.services import booking_cancel
from widen.testing.world import World

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def parse(response: object) -> icalendar.Calendar:
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"  # type: ignore[index]
    content: bytes = response.content  # type: ignore[attr-defined]
    lines = content.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-2:] == [b"END:VCALENDAR", b""]  # CRLF line ends (RFC 5545, 3.1)
    assert all(len(line) <= 75 for line in lines)  # long lines folded
    calendar = icalendar.Calendar.from_ical(content)
    for entry in calendar.walk("VEVENT"):
        assert entry["UID"]
        assert entry["DTSTAMP"]
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def vevents(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def summer_event(world: World, **changes: object) -> Event:
    starts = datetime(2027, 7, 14, 18, 30, tzinfo=LONDON)  # British Summer Time
    values: dict[str, object] = {
        "title": "Evening for parents, carers; and “friends”",
        "kind": EventKind.PARENTS_CARERS,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "description": "Student finance\nand accommodation.",
    }
    values.update(changes)
    return make_event(world, **values)


def test_a_public_events_file_is_valid_in_london_time_with_a_stable_uid(world: World) -> None:
    event = summer_event(world)
    url = reverse("checkin:event_calendar", kwargs={"event_id": event.pk})
    calendar = parse(Client().get(url))
    (entry,) = vevents(calendar)
    assert str(entry["SUMMARY"]) == "Evening for parents, carers; and “friends”"
    assert entry.decoded("DTSTART") == datetime(2027, 7, 14, 18, 30, tzinfo=LONDON)
    assert entry["DTSTART"].params["TZID"] == "Europe/London"
    assert entry.decoded("DTEND") - entry.decoded("DTSTART") == timedelta(hours=2)
    assert entry.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert "Student finance\nand accommodation." in str(entry["DESCRIPTION"])
    assert str(entry["LOCATION"]) == "Alpha University, Main Hall"
    assert str(entry["URL"]).endswith(f"/events/{event.pk}/programme/")

    # The same event gives the same UID, even after it is changed.
    event.title = "Evening for parents and carers"
    event.save()
    (again,) = vevents(parse(Client().get(url)))
    assert again["UID"] == entry["UID"]
    assert str(again["SUMMARY"]) == "Evening for parents and carers"


def test_an_invitation_only_event_has_no_public_file(world: World) -> None:
    event = summer_event(world, is_public=False)
    url = reverse("checkin:event_calendar", kwargs={"event_id": event.pk})
    assert Client().get(url).status_code == 404


def test_a_bookings_file_has_its_agenda_and_follows_cancellation(world: World) -> None:
    event = summer_event(world, kind=EventKind.CONFERENCE, capacity=None)
    talk = Talk.objects.create(
        event=event,
        title="Care leavers at university",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=45),
        room="Room 2",
    )
    Talk.objects.create(
        event=event,
        title="Not chosen",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=45),
    )
    made = booked(event, "Asha Patel", talk_ids=[talk.pk])
    url = reverse("checkin:booking_calendar", kwargs={"token": made.token})
    calendar = parse(Client().get(url))
    entries = {str(entry["SUMMARY"]): entry for entry in vevents(calendar)}
    assert set(entries) == {event.title, f"Care leavers at university ({event.title})"}
    assert str(entries[event.title]["STATUS"]) == "CONFIRMED"
    assert "Room 2" in str(entries[f"Care leavers at university ({event.title})"]["LOCATION"])
    assert b"Asha" not in Client().get(url).content  # the file names nobody

    public = vevents(
        parse(Client().get(reverse("checkin:event_calendar", kwargs={"event_id": event.pk})))
    )
    assert public[0]["UID"] == entries[event.title]["UID"]  # one entry in a calendar with both

    booking_cancel(booking=made.booking)
    cancelled = vevents(parse(Client().get(url)))
    assert {str(entry["STATUS"]) for entry in cancelled} == {"CANCELLED"}

    assert Client().get(url.replace(made.token, made.token[:-2] + "xx")).status_code == 404


def test_the_partnership_feed_lists_public_upcoming_events_only_and_no_people(
    world: World,
) -> None:
    upcoming = summer_event(world, title="Apprenticeships evening")
    summer_event(world, title="Invitation-only forum", is_public=False)
    ended = make_event(
        world,
        title="Last year's open day",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    make_event(world, partnership=world.south, organiser=world.gamma, title="South's event")
    Booking.objects.create(
        event=upcoming,
        organisation=world.alpha,
        name="Zed Unique-Name",
        email="zed@example.org",
        attendee_type=AttendeeType.PARENT_CARER,
        requested_at=timezone.now(),
        token_digest="1" * 64,
        access_requirements="Step-free access",
    )
    url = reverse("checkin:partnership_feed", kwargs={"partnership_id": world.north.pk})
    response = Client().get(url)
    calendar = parse(response)
    assert [str(entry["SUMMARY"]) for entry in vevents(calendar)] == ["Apprenticeships evening"]
    assert str(calendar["X-WR-CALNAME"]) == "North: events"
    body = response.content.decode()
    for private in ("Zed", "zed@example.org", "Step-free", ended.title):
        assert private not in body
    missing = reverse(
        "checkin:partnership_feed",
        kwargs={"partnership_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert Client().get(missing).status_code == 404


def test_a_winter_event_is_in_greenwich_mean_time(world: World) -> None:
    starts = datetime(2027, 1, 20, 9, 0, tzinfo=LONDON)
    event = summer_event(world, starts_at=starts, ends_at=starts + timedelta(hours=8))
    url = reverse("checkin:event_calendar", kwargs={"event_id": event.pk})
    (entry,) = vevents(parse(Client().get(url)))
    assert entry.decoded("DTSTART").utcoffset() == timedelta(0)
    assert entry.decoded("DTSTART").hour == 9


def test_control_characters_and_line_breaks_cannot_break_the_file(world: World) -> None:
    event = summer_event(
        world,
        title="Open\x07 day\r\nBEGIN:VEVENT\x1b[31m",
        description="First line\rsecond; third, fourth\\ \x0b",
        venue="Hall\nEND:VCALENDAR",
    )
    url = reverse("checkin:event_calendar", kwargs={"event_id": event.pk})
    response = Client().get(url)
    calendar = parse(response)
    unfolded = response.content.replace(b"\r\n ", b"")
    assert not [byte for byte in unfolded.replace(b"\r\n", b"") if byte < 32 and byte != 9]
    (entry,) = vevents(calendar)  # one event, whatever the title says
    assert str(entry["SUMMARY"]) == "Open day\nBEGIN:VEVENT[31m"
    assert str(entry["DESCRIPTION"]).startswith("First line\nsecond; third, fourth\\\n")
    assert str(entry["LOCATION"]) == "Hall\nEND:VCALENDAR"
