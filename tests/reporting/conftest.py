"""A partnership with activities and marked registers, for the dashboard and export tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.models import Activity, Session
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    register_add,
    session_create,
)
from widen.learners.models import Learner
from widen.programmes.models import ActivitySubType
from widen.targeting.models import RuleSet, RuleSetVersion
from widen.testing.world import World, year_group_birthday


@dataclass
class Delivery:
    world: World
    masterclass: Activity
    visit: Activity
    sessions: list[Session]


def sub_type(name: str) -> ActivitySubType:
    return ActivitySubType.objects.get(name=name, partnership=None)


def add_session(
    world: World, activity: Activity, day: date, *, hours: str = "2", joint: bool = False
) -> Session:
    return session_create(
        actor=system_actor("test"),
        activity=activity,
        details=SessionDetails(
            date=day,
            starts_at=time(10, 0),
            ends_at=time(14, 0),
            contact_hours=Decimal(hours),
            venue="Main hall",
            school=world.school,
            joint_partners=[world.beta] if joint else [],
        ),
    )


def attend(session: Session, learners: list[Learner], status: str = "attended") -> None:
    register_add(actor=system_actor("test"), session=session, learners=learners)
    attendance_mark(
        actor=system_actor("test"),
        session=session,
        marks={learner.pk: status for learner in learners},
    )


def fsm_rule_set(world: World, *, name: str = "Uni Connect target learner") -> RuleSet:
    """A rule set of the North partnership for learners with free school meals."""
    rule_set = RuleSet.objects.create(partnership=world.north, name=name)
    RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
        description="FSM",
    )
    return rule_set


def _letters(number: int) -> str:
    """0 → "a", 25 → "z", 26 → "ba": a different name for each number, in letters only."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = "abcdefghijklmnopqrstuvwxyz"[digit] + text
        if number == 0:
            return text


def pupils(
    world: World, count: int, *, year_group: int = 10, prefix: str = "Pupil"
) -> list[Learner]:
    return [
        Learner.objects.create(
            organisation=world.alpha,
            school=world.school,
            first_name=f"{prefix}{_letters(number)}",  # a name holds no digits
            last_name="Learner",
            date_of_birth=year_group_birthday(year_group),
        )
        for number in range(count)
    ]


@pytest.fixture
def delivery(world: World) -> Delivery:
    """Alpha's masterclass (two sessions, one joint with Beta) and Beta's campus visit."""
    masterclass = activity_create(
        actor=world.users[Role.OUTREACH_OFFICER],
        partnership=world.north,
        delivered_by=world.alpha,
        name="Science masterclass",
        sub_type=sub_type("Subject masterclass"),
    )
    visit = activity_create(
        actor=system_actor("test"),
        partnership=world.north,
        delivered_by=world.beta,
        name="Campus day",
        sub_type=sub_type("Campus tour"),
    )
    sessions = [
        add_session(world, masterclass, date(2025, 10, 1), hours="2", joint=True),
        add_session(world, masterclass, date(2026, 3, 1), hours="1.5"),
        add_session(world, visit, date(2026, 10, 5), hours="3"),
    ]
    return Delivery(world, masterclass, visit, sessions)
