"""Fixtures for the events pages: events of the test world."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

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
