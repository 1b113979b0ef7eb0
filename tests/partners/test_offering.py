"""Who a shift is offered to: a student partner is offered only shifts their plan, checks, pay
and hour caps allow (a Student visa holder never past 20 hours in a term-time week), and a
coordinator is told why not in plain words. The bulk offering agrees with the one-by-one rule."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from tests.partners.factories import (
    EVERY_DAY,
    UK,
    autumn_term,
    make_partner,
    make_role,
    make_shift,
)
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.partners.models import (
    CheckKind,
    OnboardingCheck,
    Partner,
    PlanChange,
    Role,
    Shift,
    ShiftAssignment,
    ShiftOffer,
    WorkMode,
)
from widen.partners.offering import eligible_pairs, offer_problem
from widen.partners.services.shifts import shift_offer_open_places
from widen.testing.world import World

pytestmark = [pytest.mark.django_db]

NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)  # a Wednesday in the autumn term
TERM_MONDAY = date(2026, 11, 9)
VACATION_MONDAY = date(2026, 12, 21)  # the term ends on Friday 11 December


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with freeze_time(NOW):
        yield


@pytest.fixture
def role(world: World) -> Role:
    autumn_term(world.alpha)
    return make_role(world.alpha, world.users["outreach_officer"], hourly_rate_pence=1400)


def booked_on(partner: Partner, *shifts: Shift) -> None:
    with request_context.bind(source="test"):
        for shift in shifts:
            ShiftAssignment.objects.create(shift=shift, partner=partner)


def four_days_of_four_hours(role: Role, monday: date) -> list[Shift]:
    return [
        make_shift(role, monday + timedelta(days=day), time(9), 4, title=f"Day {day + 1}")
        for day in range(4)
    ]


def offered(shift: Shift) -> set[Any]:
    return set(ShiftOffer.objects.filter(shift=shift).values_list("partner_id", flat=True))


def test_a_visa_holder_is_never_offered_a_shift_past_20_hours_in_a_term_week(
    world: World, role: Role
) -> None:
    visa = make_partner(world.alpha, "V1", student_visa=True, roles=(role,))
    home = make_partner(world.alpha, "H1", roles=(role,))
    for partner in (visa, home):
        booked_on(partner, *four_days_of_four_hours(role, TERM_MONDAY))  # 16 hours
    friday = make_shift(role, TERM_MONDAY + timedelta(days=4), time(9), 5, title="Open day")

    assert offer_problem(friday, visa) == (
        "It would make 21 hours in the week of Monday 9 November 2026, a term-time week: a "
        "Student visa allows at most 20 hours of work in any week in term time."
    )
    assert offer_problem(friday, home) is None
    shift_offer_open_places(actor=system_actor("test"), shifts=Shift.objects.filter(pk=friday.pk))
    assert offered(friday) == {home.pk}

    # Four hours brings them to 20 exactly: offered.
    four_hours = make_shift(role, TERM_MONDAY + timedelta(days=5), time(9), 4, title="Saturday")
    assert offer_problem(four_hours, visa) is None


def test_a_visa_holder_is_offered_the_same_shift_in_a_vacation_week(
    world: World, role: Role
) -> None:
    visa = make_partner(world.alpha, "V2", student_visa=True, roles=(role,))
    booked_on(visa, *four_days_of_four_hours(role, VACATION_MONDAY))
    friday = make_shift(role, VACATION_MONDAY + timedelta(days=4), time(9), 5)

    assert offer_problem(friday, visa) is None
    shift_offer_open_places(actor=system_actor("test"), shifts=Shift.objects.filter(pk=friday.pk))
    assert offered(friday) == {visa.pk}


def test_the_week_the_term_ends_in_is_a_term_week_for_the_whole_week(
    world: World, role: Role
) -> None:
    visa = make_partner(world.alpha, "V3", student_visa=True, roles=(role,))
    last_week = date(2026, 12, 7)  # the term ends on its Friday
    booked_on(visa, *four_days_of_four_hours(role, last_week))
    saturday = make_shift(role, last_week + timedelta(days=5), time(9), 5)
    assert "a term-time week" in (offer_problem(saturday, visa) or "")


def test_a_partners_own_weekly_maximum_holds(world: World, role: Role) -> None:
    partner = make_partner(world.alpha, "M1", roles=(role,), max_weekly_minutes=6 * 60)
    booked_on(partner, make_shift(role, TERM_MONDAY, time(9), 4))
    three_hours = make_shift(role, TERM_MONDAY + timedelta(days=2), time(9), 3, title="Tour")
    two_hours = make_shift(role, TERM_MONDAY + timedelta(days=2), time(14), 2, title="Panel")

    assert offer_problem(three_hours, partner) == (
        "It would make 7 hours in the week of Monday 9 November 2026, more than the 6 hours a "
        "week their plan allows."
    )
    assert offer_problem(two_hours, partner) is None
    pairs = eligible_pairs(
        Shift.objects.filter(pk__in=[three_hours.pk, two_hours.pk]), Partner.objects.all()
    )
    assert pairs == {three_hours.pk: [], two_hours.pk: [partner.pk]}


def test_a_plan_without_monday_mornings_is_never_offered_a_monday_9am_shift(
    world: World, role: Role
) -> None:
    no_mornings = ((0, time(12), time(20)), *EVERY_DAY[1:])
    carer = make_partner(world.alpha, "C1", roles=(role,), patterns=no_mornings)
    monday_nine = make_shift(role, TERM_MONDAY, time(9), 3, title="Monday tour")
    monday_one = make_shift(role, TERM_MONDAY, time(13), 3, title="Monday afternoon")
    tuesday_nine = make_shift(role, TERM_MONDAY + timedelta(days=1), time(9), 3)

    assert offer_problem(monday_nine, carer) == (
        "Their plan does not have them available from 09:00 to 12:00 on Monday 9 November 2026."
    )
    shift_offer_open_places(actor=system_actor("test"), shifts=Shift.objects.all())
    assert offered(monday_nine) == set()
    assert offered(monday_one) == offered(tuesday_nine) == {carer.pk}


def test_a_one_off_change_replaces_that_days_pattern(world: World, role: Role) -> None:
    partner = make_partner(world.alpha, "O1", roles=(role,))
    tuesday = TERM_MONDAY + timedelta(days=1)
    wednesday = TERM_MONDAY + timedelta(days=2)
    with request_context.bind(source="test"):
        PlanChange.objects.create(plan=partner.plan, organisation=world.alpha, date=tuesday)
        PlanChange.objects.create(
            plan=partner.plan,
            organisation=world.alpha,
            date=wednesday,
            starts_at=time(18),
            ends_at=time(22),
        )
    assert offer_problem(make_shift(role, tuesday, time(10), 2), partner) == (
        "They have said they are not available on Tuesday 10 November 2026."
    )
    # Wednesday: only 6pm to 10pm, later than their usual 8pm, and not the morning.
    evening = make_shift(role, wednesday, time(19), 2, title="Evening panel")
    morning = make_shift(role, wednesday, time(10), 2, title="Morning tour")
    assert offer_problem(evening, partner) is None
    assert "from 10:00 to 12:00 on Wednesday 11 November 2026" in (
        offer_problem(morning, partner) or ""
    )
    # The next Wednesday, the regular pattern holds again.
    assert (
        offer_problem(make_shift(role, wednesday + timedelta(days=7), time(10), 2), partner) is None
    )
    pairs = eligible_pairs(Shift.objects.all(), Partner.objects.all())
    assert pairs[evening.pk] == [partner.pk]
    assert pairs[morning.pk] == []


def test_a_shift_over_midnight_needs_both_days_windows(world: World, role: Role) -> None:
    friday = TERM_MONDAY + timedelta(days=4)
    late = ((4, time(18), time(23, 59)), (5, time(0), time(3)))
    night_owl = make_partner(world.alpha, "N1", roles=(role,), patterns=late)
    friday_only = make_partner(world.alpha, "N2", roles=(role,), patterns=late[:1])
    overnight = make_shift(role, friday, time(22), 4, title="Overnight open day")

    assert offer_problem(overnight, night_owl) is None
    assert offer_problem(overnight, friday_only) == (
        "Their plan does not have them available from 00:00 to 02:00 on Saturday 14 November 2026."
    )
    assert eligible_pairs(Shift.objects.all(), Partner.objects.all()) == {
        overnight.pk: [night_owl.pk]
    }


def test_an_expired_dbs_check_blocks_work_with_under_18s(world: World, role: Role) -> None:
    partner = make_partner(
        world.alpha, "D1", roles=(role,), checks=(CheckKind.RIGHT_TO_WORK, CheckKind.TRAINING)
    )
    with request_context.bind(source="test"):
        OnboardingCheck.objects.create(
            partner=partner,
            kind=CheckKind.DBS,
            completed_on=date(2023, 11, 10),
            expires_on=date(2026, 11, 10),
        )
    before = make_shift(role, TERM_MONDAY, time(10), 2, with_under_18s=True, title="Before")
    after = make_shift(role, date(2026, 11, 12), time(10), 2, with_under_18s=True, title="After")
    adults_only = make_shift(role, date(2026, 11, 12), time(14), 2, title="Adults only")

    assert offer_problem(before, partner) is None
    assert offer_problem(after, partner) == (
        "Their DBS check is missing or not in date on Thursday 12 November 2026, and the shift "
        "is with under-18s."
    )
    assert offer_problem(adults_only, partner) is None
    shift_offer_open_places(actor=system_actor("test"), shifts=Shift.objects.all())
    assert offered(after) == set()
    assert offered(before) == offered(adults_only) == {partner.pk}


def test_a_role_needing_training_is_not_offered_without_it(world: World) -> None:
    trained = make_role(world.alpha, world.users["outreach_officer"], title="Tour guide")
    untrained = make_role(
        world.alpha, world.users["outreach_officer"], title="Helper", needs_training=False
    )
    partner = make_partner(
        world.alpha, "T1", roles=(trained, untrained), checks=(CheckKind.RIGHT_TO_WORK,)
    )
    assert offer_problem(make_shift(trained, TERM_MONDAY), partner) == (
        "Their training for the role is missing or not in date on Monday 9 November 2026."
    )
    assert offer_problem(make_shift(untrained, TERM_MONDAY, time(14)), partner) is None


def test_a_rate_below_the_students_age_band_is_not_offered(world: World) -> None:
    role = make_role(world.alpha, world.users["outreach_officer"], hourly_rate_pence=1100)
    nineteen = make_partner(world.alpha, "R1", roles=(role,), date_of_birth=date(2007, 5, 1))
    twenty_two = make_partner(world.alpha, "R2", roles=(role,), date_of_birth=date(2004, 5, 1))
    shift = make_shift(role, TERM_MONDAY)

    assert offer_problem(shift, nineteen) is None
    assert offer_problem(shift, twenty_two) == (
        "£11.00 an hour is below the National Living Wage (21 and over), £12.71 an hour for "
        "someone aged 22 on 9 November 2026."
    )
    assert eligible_pairs(Shift.objects.all(), Partner.objects.all()) == {shift.pk: [nineteen.pk]}


def test_nobody_is_offered_a_shift_at_a_time_they_are_booked_elsewhere(
    world: World, role: Role
) -> None:
    partner = make_partner(world.alpha, "B1", roles=(role,))
    booked_on(partner, make_shift(role, TERM_MONDAY, time(10), 3, title="School visit"))
    clash = make_shift(role, TERM_MONDAY, time(12), 2, title="Lunch tour")
    assert offer_problem(clash, partner) == (
        "They are already booked on “School visit” at that time (10:00 to 13:00 on Monday 9 "
        "November 2026)."
    )
    assert offer_problem(make_shift(role, TERM_MONDAY, time(13), 2), partner) is None


def test_only_active_partners_of_the_provider_in_the_role_and_mode_are_offered(
    world: World, role: Role
) -> None:
    other_role = make_role(world.alpha, world.users["outreach_officer"], title="Co-researcher")
    online_only = make_partner(world.alpha, "P1", roles=(role,), modes=(WorkMode.ONLINE,))
    not_in_role = make_partner(world.alpha, "P2", roles=(other_role,))
    elsewhere = make_partner(world.beta, "P3", roles=(role,))
    inactive = make_partner(world.alpha, "P4", roles=(role,))
    with request_context.bind(source="test"):
        inactive.is_active = False
        inactive.save(update_fields=["is_active"])
    shift = make_shift(role, TERM_MONDAY)

    assert offer_problem(shift, online_only) == (
        "The shift is on site; their plan accepts online only."
    )
    assert offer_problem(shift, not_in_role) == "They do not hold the role “Student ambassador”."
    assert offer_problem(shift, elsewhere) == "They are a partner of another provider."
    assert offer_problem(shift, inactive) == "They are not an active partner."
    assert eligible_pairs(Shift.objects.all(), Partner.objects.all()) == {shift.pk: []}


def _varied_population(world: World, rng: random.Random) -> None:
    coordinator = world.users["outreach_officer"]
    roles = [
        make_role(world.alpha, coordinator, title="Ambassador", hourly_rate_pence=1300),
        make_role(world.alpha, coordinator, title="Researcher", hourly_rate_pence=1290),
    ]
    for number in range(40):
        patterns = tuple(
            (
                weekday,
                time(rng.choice((8, 9, 12, 16))),
                time(
                    rng.choice(
                        (13, 17, 20, 23),
                    )
                ),
            )
            for weekday in rng.sample(range(7), rng.randint(0, 7))
        )
        patterns = tuple(p for p in patterns if p[2] > p[1])
        partner = make_partner(
            world.alpha,
            f"X{number}",
            roles=tuple(rng.sample(roles, rng.randint(0, 2))),
            student_visa=rng.random() < 0.4,
            date_of_birth=date(rng.randint(2000, 2009), rng.randint(1, 12), 1),
            modes=tuple(rng.sample(list(WorkMode.values), rng.randint(1, 3))),
            patterns=patterns,
            max_weekly_minutes=rng.choice((None, None, 300, 600, 900)),
            checks=tuple(
                rng.sample(
                    [CheckKind.RIGHT_TO_WORK, CheckKind.DBS, CheckKind.TRAINING], rng.randint(1, 3)
                )
            ),
            checks_expire_on=rng.choice((None, date(2026, 11, 20))),
        )
        if rng.random() < 0.3:
            with request_context.bind(source="test"):
                PlanChange.objects.create(
                    plan=partner.plan,
                    organisation=world.alpha,
                    date=TERM_MONDAY + timedelta(days=rng.randint(0, 13)),
                    **(
                        {}
                        if rng.random() < 0.5
                        else {"starts_at": time(rng.choice((7, 10))), "ends_at": time(22)}
                    ),
                )
    shifts = [
        make_shift(
            rng.choice(roles),
            rng.choice((TERM_MONDAY, VACATION_MONDAY)) + timedelta(days=rng.randint(0, 13)),
            time(rng.choice((9, 10, 13, 16, 21))),
            rng.choice((2, 3, 4, 5)),
            title=f"Shift {index}",
            mode=rng.choice(list(WorkMode.values)),
            with_under_18s=rng.random() < 0.3,
        )
        for index in range(30)
    ]
    partners = list(Partner.objects.all())
    for shift in rng.sample(shifts, 12):
        lucky = rng.choice(partners)
        if not ShiftAssignment.objects.filter(shift=shift, partner=lucky).exists():
            booked_on(lucky, shift)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_offering_many_shifts_at_once_agrees_with_the_rule_for_one(
    world: World, seed: int, django_assert_max_num_queries: Any
) -> None:
    autumn_term(world.alpha)
    _varied_population(world, random.Random(seed))
    shifts = Shift.objects.all()
    with django_assert_max_num_queries(9):
        pairs = eligible_pairs(shifts, Partner.objects.all())
    one_by_one = {
        shift.pk: {
            partner.pk for partner in Partner.objects.all() if offer_problem(shift, partner) is None
        }
        for shift in shifts
    }
    assert {shift_id: set(found) for shift_id, found in pairs.items()} == one_by_one
    assert any(one_by_one.values())  # the population is not one nobody fits
    assert sum(map(len, one_by_one.values())) < 30 * 40  # nor one everybody fits
