"""A partnership with activities and marked registers, for the dashboard and export tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest

from widen.accounts.models import Role
from widen.activities.models import Activity, Session
from widen.learners.models import Learner
from widen.targeting.models import RuleSet
from widen.testing.delivery import (
    alpha_pupil,
    free_school_meals_version,
    north_activity,
    planned_session,
)
from widen.testing.pupil_lists import in_letters
from widen.testing.world import World


@dataclass
class Delivery:
    world: World
    masterclass: Activity
    visit: Activity
    sessions: list[Session]


def add_session(
    world: World, activity: Activity, day: date, *, hours: str = "2", joint: bool = False
) -> Session:
    return planned_session(
        activity,
        day=day,
        starts_at=time(10, 0),
        ends_at=time(14, 0),
        contact_hours=Decimal(hours),
        venue="Main hall",
        school=world.school,
        joint_partners=[world.beta] if joint else [],
    )


def fsm_rule_set(world: World, *, name: str = "Uni Connect target learner") -> RuleSet:
    """A rule set of the North partnership for learners with free school meals."""
    rule_set = RuleSet.objects.create(partnership=world.north, name=name)
    free_school_meals_version(rule_set)
    return rule_set


def pupils(
    world: World, count: int, *, year_group: int = 10, prefix: str = "Pupil"
) -> list[Learner]:
    return [
        alpha_pupil(world, f"{prefix}{in_letters(number)}", last_name="Learner", year=year_group)
        for number in range(count)
    ]


@pytest.fixture
def delivery(world: World) -> Delivery:
    """Alpha's masterclass (two sessions, one joint with Beta) and Beta's campus visit."""
    masterclass = north_activity(
        world,
        "Science masterclass",
        sub_type="Subject masterclass",
        actor=world.users[Role.OUTREACH_OFFICER],
    )
    visit = north_activity(world, "Campus day", sub_type="Campus tour", by=world.beta)
    sessions = [
        add_session(world, masterclass, date(2025, 10, 1), hours="2", joint=True),
        add_session(world, masterclass, date(2026, 3, 1), hours="1.5"),
        add_session(world, visit, date(2026, 10, 5), hours="3"),
    ]
    return Delivery(world, masterclass, visit, sessions)
