"""What the support tests share: a provider's students, made as an import would, and schemes."""

from __future__ import annotations

from typing import Any

from tests.students.records import make_student
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.organisations.models import SpecialCategoryCondition
from widen.students.models import EntryRoute, IncomeBand, Student
from widen.support.models import Scheme
from widen.support.services.schemes import scheme_create
from widen.testing.world import World

SYSTEM = system_actor("tests")
CARE_EXPERIENCED = {"any": [{"all": [{"criterion": "care_experienced"}]}]}
FIRST_IN_FAMILY = {"any": [{"all": [{"criterion": "first_in_family"}]}]}


def condition(criterion: str, **more: Any) -> dict[str, Any]:
    return {"any": [{"all": [{"criterion": criterion, **more}]}]}


def alpha_students(world: World) -> dict[str, Student]:
    """Three of Alpha University's students and one of Beta's (never Alpha's to count)."""
    return {
        "ann": make_student(
            world.alpha,
            "A1",
            "Ann",
            course="BSc Mathematics",
            home_postcode="E15 4LZ",
            care_experienced=True,
            household_income_band=IncomeBand.UP_TO_25000,
            entry_route=EntryRoute.ACCESS_TO_HE,
        ),
        "ben": make_student(
            world.alpha,
            "A2",
            "Ben",
            course="BSc Mathematics",
            home_postcode="E1 6AN",
            care_experienced=False,
            first_in_family=True,
            entry_route=EntryRoute.A_LEVELS,
        ),
        "cat": make_student(world.alpha, "A3", "Cat", course="BA History"),
        "bea": make_student(world.beta, "B1", "Bea", care_experienced=True, first_in_family=True),
    }


def make_scheme(
    world: World,
    definition: dict[str, Any],
    *,
    actor: Any = SYSTEM,
    special: bool = False,
    name: str = "Alpha bursary",
) -> Scheme:
    with request_context.bind(source="test", actor=actor if actor is not SYSTEM else None):
        return scheme_create(
            actor=actor,
            organisation=world.alpha,
            name=name,
            definition=definition,
            purpose="A bursary for students who had the hardest start." if special else "",
            special_category_condition=(
                SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY if special else ""
            ),
        )
