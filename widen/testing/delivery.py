"""What the test world delivers, set up the one way the tests share: activities of the shipped
types and their sessions planned through the services, registers marked, a free school meals
rule set and pupils Alpha University holds."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from widen.accounts.capabilities import system_actor
from widen.activities.models import Activity, Session
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    register_add,
    session_create,
)
from widen.core import request_context
from widen.learners.models import Learner
from widen.organisations.models import Organisation
from widen.programmes.models import ActivitySubType
from widen.targeting.models import RuleSet, RuleSetVersion
from widen.testing.world import World, year_group_birthday

FREE_SCHOOL_MEALS = {"any": [{"all": [{"criterion": "free_school_meals"}]}]}


def shipped_sub_type(name: str) -> ActivitySubType:
    """The shipped (not a partnership's own) activity sub-type called `name`."""
    return ActivitySubType.objects.get(name=name, partnership=None)


def north_activity(
    world: World, name: str, sub_type: str, *, by: Organisation | None = None, actor: Any = None
) -> Activity:
    """An activity of the North partnership that `by` (Alpha unless given) delivers, made
    through the services by `actor` (the system unless given)."""
    return activity_create(
        actor=actor or system_actor("test"),
        partnership=world.north,
        delivered_by=by or world.alpha,
        name=name,
        sub_type=shipped_sub_type(sub_type),
    )


def planned_session(
    activity: Activity,
    *,
    day: date,
    starts_at: time,
    ends_at: time,
    actor: Any = None,
    **details: Any,
) -> Session:
    """A session of `activity` on `day`, planned through the services by `actor` (the system
    unless given); `details` are the rest of its `SessionDetails`."""
    return session_create(
        actor=actor or system_actor("test"),
        activity=activity,
        details=SessionDetails(date=day, starts_at=starts_at, ends_at=ends_at, **details),
    )


def student_finance_talk(world: World, *, actor: Any, **details: Any) -> Session:
    """Alpha's Year 10 student finance talk in the sports hall at the world's school on
    20 November 2026, 9:00 to 11:30, made and planned by `actor`; `details` change the rest."""
    activity = north_activity(
        world, "Year 10 student finance talk", sub_type="Student finance talk", actor=actor
    )
    return planned_session(
        activity,
        day=date(2026, 11, 20),
        starts_at=time(9, 0),
        ends_at=time(11, 30),
        actor=actor,
        **({"venue": "Sports hall", "school": world.school} | details),
    )


def attend(session: Session, learners: list[Learner], status: str = "attended") -> None:
    """`learners` added to `session`'s register and marked `status`, by the system."""
    register_add(actor=system_actor("test"), session=session, learners=learners)
    attendance_mark(
        actor=system_actor("test"),
        session=session,
        marks={learner.pk: status for learner in learners},
    )


def free_school_meals_version(rule_set: RuleSet) -> RuleSetVersion:
    """`rule_set`'s first version: learners with free school meals."""
    return RuleSetVersion.objects.create(
        rule_set=rule_set, number=1, definition=FREE_SCHOOL_MEALS, description="FSM"
    )


def alpha_pupil(
    world: World,
    first_name: str,
    *,
    last_name: str,
    year: int = 10,
    school: Organisation | None = None,
    **fields: Any,
) -> Learner:
    """A learner Alpha holds, in Year `year` at `school` (the world's school unless given)."""
    with request_context.bind(source="test"):
        return Learner.objects.create(
            organisation=world.alpha,
            school=school or world.school,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=year_group_birthday(year),
            **fields,
        )
