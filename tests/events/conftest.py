"""Fixtures for the events pages: events of the test world."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from freezegun import freeze_time

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.events.models import AttendeeType, Event, EventKind
from widen.events.services import (
    BookingDetails,
    BookingMade,
    EventDetails,
    EventMade,
    booking_create,
    event_create,
)
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership
from widen.testing.world import World


def event_details(**changes: object) -> EventDetails:
    """Details of an evening event a month ahead; `changes` replace any of them."""
    starts = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    values: dict[str, object] = {
        "title": "Degree apprenticeships: an evening for parents and carers",
        "kind": EventKind.ALTERNATIVE_PATHWAYS,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "venue": "Alpha University, Library Hall",
        "audiences": ["parents_carers", "learners"],
        "year_groups": [11, 12],
        "capacity": 40,
    }
    values.update(changes)
    return EventDetails(**values)  # type: ignore[arg-type]


def make_event(
    world: World,
    *,
    organiser: Organisation | None = None,
    partnership: Partnership | None = None,
    title: str = "Finding out about university: evening for parents and carers",
    capacity: int | None = 30,
    is_public: bool = True,
    days: int = 14,
    kind: str = EventKind.PARENTS_CARERS,
) -> EventMade:
    starts = (timezone.now() + timedelta(days=days)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    organiser = organiser or world.alpha
    partnership = partnership or (world.south if organiser == world.gamma else world.north)
    return event_create(
        actor=system_actor("test"),
        partnership=partnership,
        organiser=organiser,
        details=EventDetails(
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue="Main Hall, Alpha University",
            audiences=["parents_carers"],
            capacity=capacity,
            is_public=is_public,
        ),
    )


def standalone_event(
    *, title: str, kind: str, hours: int, capacity: int | None, days: int = 7
) -> Event:
    """An event of the University of Cumbria, alone in its own partnership, outside the world."""
    university = Organisation.objects.create(
        name="University of Cumbria", organisation_type="he_provider"
    )
    partnership = Partnership.objects.create(name="Cumbria Widening", lead_organisation=university)
    partnership.members.add(university)
    starts = timezone.now() + timedelta(days=days)
    return Event.objects.create(
        partnership=partnership,
        organiser=university,
        title=title,
        kind=kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        venue="Fusehill Street campus",
        capacity=capacity,
    )


def booked(
    event: Event,
    name: str,
    *,
    actor: Any = None,
    learner: Learner | None = None,
    **details: Any,
) -> BookingMade:
    """`name` booked on `event` (e-mail from their first name): a parent or carer, or with
    `learner` that learner's place, booked by `actor`; any further `details` of the booking."""
    return booking_create(
        actor=actor,
        event=event,
        details=BookingDetails(
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            attendee_type=AttendeeType.LEARNER if learner else AttendeeType.PARENT_CARER,
            **details,
        ),
        learner=learner,
    )


@pytest.fixture
def event(world: World) -> Event:
    return make_event(world).event


ORGANISERS = (Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER)


@pytest.fixture
def school_morning() -> Iterator[None]:
    """Nine on a school morning (London), the clock running from there: an event that starts in
    an hour ends the same day, whatever the hour the suite itself runs."""
    with freeze_time(datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        yield
