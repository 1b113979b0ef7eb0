"""A student who opens up their plan is offered the open shifts that now fit, without anyone
asking: a Monday-morning shift reaches them once they add Monday mornings, and never before."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any

import pytest
from freezegun import freeze_time

from tests.partners.factories import (
    TERM_MONDAY,
    UK,
    autumn_term,
    make_partner,
    make_role,
    make_shift,
    partner_account,
)
from widen.accounts.capabilities import system_actor
from widen.partners.models import ShiftOffer, WorkMode
from widen.partners.services.plans import Window, plan_update
from widen.partners.services.shifts import shift_offer_open_places
from widen.testing.world import World

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def week_before() -> Any:
    with freeze_time(datetime(2026, 10, 26, 12, 0, tzinfo=UK)):
        yield


def test_opening_up_monday_mornings_brings_the_monday_shift(
    world: World, django_capture_on_commit_callbacks: Any, week_before: Any
) -> None:
    autumn_term(world.alpha)
    role = make_role(world.alpha, world.users["outreach_officer"])
    afternoons = tuple((weekday, time(13), time(18)) for weekday in range(5))
    partner = make_partner(world.alpha, "R1", roles=(role,), patterns=afternoons)
    monday_morning = make_shift(role, TERM_MONDAY, time(9), 2, title="Monday open morning")
    with django_capture_on_commit_callbacks(execute=True):
        shift_offer_open_places(
            actor=system_actor("tests"), shifts=type(monday_morning).objects.all()
        )
    assert not ShiftOffer.objects.filter(partner=partner).exists()

    with django_capture_on_commit_callbacks(execute=True):
        plan_update(
            actor=partner_account(partner),
            partner=partner,
            windows=[Window(0, time(8), time(12)), *(Window(*day) for day in afternoons)],
            max_weekly_hours=Decimal("10"),
            modes=[WorkMode.ON_SITE],
            what_helps="",
            reasons="",
            share_reasons=False,
        )

    assert list(ShiftOffer.objects.filter(partner=partner).values_list("shift", flat=True)) == [
        monday_morning.pk
    ]
