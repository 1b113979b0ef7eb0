"""The demo's targeting and delivery: a rule set of the partnership's own and the shipped presets,
a Learner Progression Programme for its learners, and activities with sessions, registers and
attendance."""

from __future__ import annotations

import random
from collections import Counter
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    register_add,
    session_create,
)
from widen.demo.partnership import PARTNERSHIP_NAME, QMUL, UEL
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership
from widen.programmes.models import ActivitySubType, ActivityType
from widen.programmes.services import StagePlan, enrol_eligible, programme_create
from widen.targeting.models import RuleSet
from widen.targeting.rule_sets import eligibility_compute, rule_set_create, rule_set_presets_add

DEMO = system_actor("the demo partnership")
DEMO_RULE_SET_NAME = "Outreach priority: IMD quintile 1-2 or FSM"
DEMO_RULE_SET_PURPOSE = "Who the partnership's outreach officers contact first."
DEMO_RULE_SET_DEFINITION: dict[str, Any] = {
    "any": [
        {"all": [{"criterion": "imd_quintile", "values": [1, 2]}]},
        {"all": [{"criterion": "free_school_meals"}]},
    ]
}


def demo_rule_sets_create() -> RuleSet:
    """A rule set of the partnership's own and the shipped presets its agreements allow, worked
    out for every learner. Returns the partnership's own."""
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    own = rule_set_create(
        actor=DEMO,
        partnership=partnership,
        name=DEMO_RULE_SET_NAME,
        purpose=DEMO_RULE_SET_PURPOSE,
        definition=DEMO_RULE_SET_DEFINITION,
    )
    presets, _ = rule_set_presets_add(actor=DEMO, partnership=partnership)
    for rule_set in (own, *presets):
        eligibility_compute(rule_set)
    return own


DEMO_PROGRAMME = "Learner Progression Programme"
# Year group → (target hours, required activity types, optional activity types)
DEMO_STAGES: dict[int, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    9: (4, ("campus_visits",), ("masterclasses",)),
    10: (6, ("iag",), ("masterclasses", "mentoring")),
    11: (6, ("iag", "skills_attainment"), ("mentoring",)),
    12: (8, ("summer_schools",), ("iag", "masterclasses")),
    13: (6, ("iag",), ("parents_carers",)),
}
# (activity, sub-type, delivered by, year groups, start, end, days from today for its sessions)
DEMO_ACTIVITIES = (
    (
        "Year 10 science masterclass",
        "Subject masterclass",
        QMUL,
        (10,),
        (13, 30),
        (15, 30),
        (-30, 21),
    ),
    (
        "Student finance talk",
        "Student finance talk",
        QMUL,
        (10, 11, 13),
        (10, 0),
        (11, 0),
        (-10, 14),
    ),
    ("Campus tour and taster lecture", "Campus tour", UEL, (9,), (9, 30), (12, 30), (-20, 28)),
)
DEMO_SCHOOLS_PER_ACTIVITY = 3
DEMO_PUPILS_PER_SESSION = 20
DEMO_ATTENDANCE_RATE = 0.8


def demo_programme_create(rule_set: RuleSet, *, seed: int) -> None:
    """A Learner Progression Programme for the rule set's learners, and activities with
    sessions at the schools most of QMUL's and UEL's learners attend: past sessions with their
    registers marked, and upcoming ones (the next suggested sessions)."""
    rng = random.Random(seed + 7)  # noqa: S311 - invented attendance, not secrets
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    kinds = {kind.key: kind for kind in ActivityType.objects.all()}
    programme = programme_create(
        actor=DEMO,
        partnership=partnership,
        name=DEMO_PROGRAMME,
        description="Sustained outreach from Year 9 to Year 13 for the target learners.",
        rule_set=rule_set,
        stages=[
            StagePlan(
                year,
                Decimal(hours),
                [kinds[key] for key in required],
                [kinds[key] for key in optional],
            )
            for year, (hours, required, optional) in DEMO_STAGES.items()
        ],
    )
    enrol_eligible(actor=DEMO, programme=programme)
    today = timezone.localdate()
    for name, sub_type_name, deliverer, years, starts, ends, days in DEMO_ACTIVITIES:
        organisation = Organisation.objects.get(name=deliverer)
        activity = activity_create(
            actor=DEMO,
            partnership=partnership,
            delivered_by=organisation,
            name=name,
            sub_type=ActivitySubType.objects.get(name=sub_type_name, partnership=None),
        )
        held = Learner.objects.filter(organisation=organisation).exclude(school=None)
        schools = [
            school_id
            for school_id, _ in Counter(held.values_list("school_id", flat=True)).most_common(
                DEMO_SCHOOLS_PER_ACTIVITY
            )
        ]
        for school_id in schools:
            school = Organisation.objects.get(pk=school_id)
            pupils = [
                learner
                for learner in held.filter(school=school).order_by("last_name", "first_name")
                if learner.year_group() in years
            ][:DEMO_PUPILS_PER_SESSION]
            for offset in days:
                session = session_create(
                    actor=DEMO,
                    activity=activity,
                    details=SessionDetails(
                        date=today + timedelta(days=offset),
                        starts_at=time(*starts),
                        ends_at=time(*ends),
                        venue="Mile End campus" if deliverer == QMUL else "Docklands campus",
                        year_groups=list(years),
                        school=school,
                        capacity=30,
                    ),
                )
                if offset > 0 or not pupils:
                    continue
                register_add(actor=DEMO, session=session, learners=pupils)
                attendance_mark(
                    actor=DEMO,
                    session=session,
                    marks={
                        learner.pk: "attended" if rng.random() < DEMO_ATTENDANCE_RATE else "absent"
                        for learner in pupils
                    },
                )
