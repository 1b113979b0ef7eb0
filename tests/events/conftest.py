"""Fixtures for the events pages: events of the test world."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.events.models import Event, EventKind
from widen.events.services import EventDetails, EventMade, event_create
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


@pytest.fixture
def event(world: World) -> Event:
    return make_event(world).event


ORGANISERS = (Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER)
