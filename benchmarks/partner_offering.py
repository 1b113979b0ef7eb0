"""Offering shifts to student partners while respecting every plan and hour cap.

Alpha University has 5,000 partners (1,000 with --quick) and 2,000 open shifts (400) over four
weeks: the last two weeks of its autumn term and the first two of the vacation. Two populations
are seeded, each on its own, so nothing is tuned to one shape of data:

* `campus`: 10 % Student visa holders, mostly regular weekday daytime plans, a third with their
  own weekly maximum, few one-off changes, 0 to 8 hours already booked in a week;
* `stretched`: 45 % Student visa holders, evening and weekend plans with gaps, most with a
  weekly maximum, many one-off changes (some whole days off), 8 to 19 hours already booked, more
  shifts with under-18s and in term time, some over midnight, and lapsing DBS checks.

Cases, through the functions the coordinator's pages and the services use:

* `eligible pairs`: `widen.partners.offering.eligible_pairs` for every shift and partner, beside
  the bare query reading the same rows (shifts, partners, patterns, changes, checks, bookings)
  with the ORM and doing nothing with them;
* `offer run`: `shift_offer_open_places` from nothing offered: the pairs, the offers written in
  bulk and one notification per partner, beside the bare unaudited insert of as many offer rows.

Checked, as failures: for a random sample of 400 (shift, partner) pairs the bulk answer equals
`offer_problem`'s, one by one; no Student visa holder is offered a shift that takes them past 20
hours in a term-time week; the offer run's statements do not grow with the pairs.
"""

from __future__ import annotations

import random
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.seeding import unaudited
from benchmarks.world import SEED, build_partnership
from widen.accounts.capabilities import system_actor
from widen.accounts.models import User
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.notifications.models import Notification
from widen.organisations.models import Organisation
from widen.partners.hours import UK, week_start
from widen.partners.models import (
    AssignmentStatus,
    CheckKind,
    FlexibilityPlan,
    OnboardingCheck,
    Partner,
    PlanChange,
    PlanPattern,
    Role,
    RoleKind,
    Shift,
    ShiftAssignment,
    ShiftOffer,
    WorkMode,
)
from widen.partners.offering import eligible_pairs, offer_problem
from widen.partners.services.shifts import shift_offer_open_places
from widen.students.models import Student, TermDates

PARTNERS, QUICK_PARTNERS = 5_000, 1_000
SHIFTS, QUICK_SHIFTS = 2_000, 400
# Four weeks from the Monday after next: the term ends on the Friday of the second.
FIRST_MONDAY = week_start(timezone.localdate()) + timedelta(days=14)
TERM_END = FIRST_MONDAY + timedelta(days=11)
WEEKS = 4
SAMPLE = 400
MODES = list(WorkMode.values)


@dataclass(frozen=True)
class Population:
    name: str
    visa_share: float
    max_share: float
    change_share: float
    booked_hours: tuple[int, int]
    evenings: bool
    under_18s_share: float
    term_share: float
    lapsing_dbs_share: float


POPULATIONS = (
    Population("campus", 0.10, 0.33, 0.05, (0, 8), False, 0.2, 0.5, 0.02),
    Population("stretched", 0.45, 0.8, 0.4, (8, 19), True, 0.5, 0.75, 0.15),
)


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    quick = bench.options.quick
    partners = QUICK_PARTNERS if quick else PARTNERS
    shifts = QUICK_SHIFTS if quick else SHIFTS
    bench.unit = "partners"
    bench.scale = partners
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    officer = world.users["officer"]
    with request_context.bind(source="system"):
        TermDates.objects.create(
            organisation=world.alpha,
            academic_year=str(AcademicYear.containing(TERM_END)),
            name="Autumn term",
            starts_on=TERM_END - timedelta(days=81),
            ends_on=TERM_END,
        )
    for number, population in enumerate(POPULATIONS):
        bench.say(f"{population.name}: {shifts:,} shifts, {partners:,} partners")
        with bench.stopwatch(f"seed {population.name}"):
            roles = _roles(world.alpha, officer, population, number)
            _partners(rng, world.alpha, roles, population, partners, f"{number}")
            _bookings(rng, roles, population)
            _shifts(rng, roles, population, shifts)
        _measure(bench, rng, population, roles, officer)
        _clear(roles)
    bench.count_rows(partners=Partner, shifts=Shift, offers=ShiftOffer)


def _roles(provider: Organisation, coordinator: User, population: Population, n: int) -> list[Role]:
    with request_context.bind(source="system"):
        return [
            Role.objects.create(
                organisation=provider,
                kind=kind,
                title=f"{title} ({population.name})",
                work_involved="Tours, panels and school visits.",
                hourly_rate_pence=rate,
                coordinator=coordinator,
                needs_training=training,
            )
            for kind, title, rate, training in (
                (RoleKind.AMBASSADOR, "Ambassador", 1300, True),
                (RoleKind.STUDENT_PARTNER, "Student partner", 1250, False),
                (RoleKind.CO_RESEARCHER, "Co-researcher", 1400, True),
                (RoleKind.AMBASSADOR, "Mentor", 1150, True),  # below the 21+ rate
            )
        ]


def _windows(rng: random.Random, evenings: bool) -> list[tuple[int, time, time]]:
    found = []
    for weekday in range(7):
        if evenings:
            if weekday < 5 and rng.random() < 0.7:
                found.append((weekday, time(rng.choice((16, 17, 18))), time(23, 59)))
            elif weekday >= 5 and rng.random() < 0.8:
                found.append((weekday, time(rng.choice((0, 8, 10))), time(rng.choice((16, 20)))))
        elif weekday < 5 and rng.random() < 0.85:
            start = rng.choice((8, 9, 10, 12))
            found.append((weekday, time(start), time(rng.choice((14, 17, 19)))))
            if start == 12 and rng.random() < 0.3:
                found.append((weekday, time(8), time(10)))
        elif rng.random() < 0.2:
            found.append((weekday, time(10), time(16)))
    return found


def _partners(
    rng: random.Random,
    provider: Organisation,
    roles: list[Role],
    population: Population,
    count: int,
    prefix: str,
) -> None:
    students = [
        Student(
            organisation=provider,
            student_number=f"P{prefix}{index:06d}",
            first_name="Sam",
            last_name=f"Partner{index}",
            email=f"p{prefix}{index:06d}@students.example.ac.uk",
            date_of_birth=date(rng.randint(1996, 2008), rng.randint(1, 12), rng.randint(1, 28)),
            student_visa=rng.random() < population.visa_share,
        )
        for index in range(count)
    ]
    unaudited(Student).bulk_create(students, batch_size=1000)
    partners = [Partner(organisation=provider, student=student) for student in students]
    unaudited(Partner).bulk_create(partners, batch_size=1000)
    through = Partner.roles.through
    unaudited(through).bulk_create(
        [
            through(partner_id=partner.pk, role_id=role.pk)
            for partner in partners
            for role in rng.sample(roles, rng.randint(1, 3))
        ],
        batch_size=2000,
    )
    plans = [
        FlexibilityPlan(
            partner=partner,
            organisation=provider,
            modes=rng.sample(MODES, rng.randint(1, 3)),
            max_weekly_minutes=(
                rng.choice((240, 480, 600, 900)) if rng.random() < population.max_share else None
            ),
        )
        for partner in partners
    ]
    unaudited(FlexibilityPlan).bulk_create(plans, batch_size=1000)
    patterns, changes, checks = [], [], []
    for plan in plans:
        for weekday, start, end in _windows(rng, population.evenings):
            patterns.append(
                PlanPattern(
                    plan=plan, organisation=provider, weekday=weekday, starts_at=start, ends_at=end
                )
            )
        if rng.random() < population.change_share:
            day = FIRST_MONDAY + timedelta(days=rng.randrange(WEEKS * 7))
            whole = rng.random() < 0.5
            changes.append(
                PlanChange(
                    plan=plan,
                    organisation=provider,
                    date=day,
                    starts_at=None if whole else time(rng.choice((9, 13))),
                    ends_at=None if whole else time(rng.choice((17, 22))),
                )
            )
        for kind in (CheckKind.RIGHT_TO_WORK, CheckKind.DBS, CheckKind.TRAINING):
            if kind != CheckKind.RIGHT_TO_WORK and rng.random() < 0.15:
                continue
            lapses = kind == CheckKind.DBS and rng.random() < population.lapsing_dbs_share
            checks.append(
                OnboardingCheck(
                    partner_id=plan.partner_id,
                    kind=kind,
                    completed_on=date(2024, 9, 1),
                    expires_on=FIRST_MONDAY + timedelta(days=10) if lapses else None,
                )
            )
    unaudited(PlanPattern).bulk_create(patterns, batch_size=2000)
    unaudited(PlanChange).bulk_create(changes, batch_size=2000)
    unaudited(OnboardingCheck).bulk_create(checks, batch_size=2000)


def _shift(role: Role, starts_at: datetime, hours: int, title: str, **fields: Any) -> Shift:
    return Shift(
        organisation=role.organisation,
        role=role,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **fields,
    )


def _bookings(rng: random.Random, roles: list[Role], population: Population) -> None:
    """Shifts already booked: each partner some hours in each of the four weeks."""
    partner_ids = list(
        Partner.objects.filter(roles__in=roles).distinct().values_list("pk", flat=True)
    )
    low, high = population.booked_hours
    booked_shifts: list[Shift] = []
    owners: list[Any] = []
    for partner_id in partner_ids:
        for week in range(WEEKS):
            hours = rng.randint(low, high)
            day = 0
            while hours > 0 and day < 7:
                length = min(hours, rng.choice((2, 3, 4)))
                monday = FIRST_MONDAY + timedelta(days=7 * week + day)
                starts = datetime.combine(monday, time(rng.choice((6, 7))), tzinfo=UK)
                booked_shifts.append(_shift(roles[0], starts, length, "Booked earlier"))
                owners.append(partner_id)
                hours -= length
                day += rng.randint(1, 2)
    unaudited(Shift).bulk_create(booked_shifts, batch_size=2000)
    unaudited(ShiftAssignment).bulk_create(
        [
            ShiftAssignment(shift=shift, partner_id=owner, status=AssignmentStatus.BOOKED)
            for shift, owner in zip(booked_shifts, owners, strict=True)
        ],
        batch_size=2000,
    )


def _shifts(rng: random.Random, roles: list[Role], population: Population, count: int) -> None:
    shifts = []
    for index in range(count):
        in_term = rng.random() < population.term_share
        week = rng.randrange(2) if in_term else 2 + rng.randrange(2)
        day = FIRST_MONDAY + timedelta(days=7 * week + rng.randrange(7))
        hour = rng.choice((9, 10, 13, 17, 19) if not population.evenings else (10, 17, 18, 22))
        shifts.append(
            _shift(
                rng.choice(roles),
                datetime.combine(day, time(hour), tzinfo=UK),
                rng.choice((1, 2, 3, 4, 5)),
                f"Open shift {index}",
                mode=rng.choice(MODES),
                places=rng.randint(1, 4),
                with_under_18s=rng.random() < population.under_18s_share,
            )
        )
    unaudited(Shift).bulk_create(shifts, batch_size=2000)


def _open_shifts(roles: list[Role]) -> Any:
    return Shift.objects.filter(role__in=roles, title__startswith="Open shift")


def _measure(
    bench: SectionRun, rng: random.Random, population: Population, roles: list[Role], officer: User
) -> None:
    shifts = _open_shifts(roles)
    partners = Partner.objects.filter(roles__in=roles).distinct()
    partners = Partner.objects.filter(pk__in=partners.values("pk"))
    pairs = eligible_pairs(shifts, partners)
    pair_count = sum(map(len, pairs.values()))
    _check(bench, rng, population, pairs, shifts, partners)

    def bare_read() -> object:
        return (
            list(shifts.values_list("pk", "role_id", "starts_at", "ends_at", "mode")),
            list(partners.values_list("pk", "student__date_of_birth", "plan__modes")),
            list(PlanPattern.objects.filter(plan__partner__in=partners).values_list("pk")),
            list(PlanChange.objects.filter(plan__partner__in=partners).values_list("pk")),
            list(OnboardingCheck.objects.filter(partner__in=partners).values_list("pk")),
            list(ShiftAssignment.objects.filter(partner__in=partners).values_list("pk")),
        )

    bench.compare(
        f"{population.name}: eligible pairs, {bench.full_scale:,} partners",
        lambda: eligible_pairs(shifts, partners),
        baseline=bare_read,
        baseline_label="ORM read of the same rows, nothing worked out",
        repeats=3,
        warmup=1,
        details={"shifts": shifts.count(), "eligible_pairs": pair_count},
    )

    samples, bare, statements = [], [], 0
    actor = system_actor("benchmark")
    for attempt in range(3):
        _forget_offers(roles)
        started = clock.perf_counter()
        with request_context.bind(actor=actor, source="cli"):
            if attempt == 0:
                statements = bench.count_queries(
                    lambda: shift_offer_open_places(actor=actor, shifts=_open_shifts(roles))
                )
            else:
                shift_offer_open_places(actor=actor, shifts=_open_shifts(roles))
        samples.append((clock.perf_counter() - started) * 1000)
        told = Notification.objects.count()
        _forget_offers(roles)
        started = clock.perf_counter()
        with transaction.atomic():
            unaudited(ShiftOffer).bulk_create(
                [
                    ShiftOffer(shift_id=shift_id, partner_id=partner_id)
                    for shift_id, found in pairs.items()
                    for partner_id in found
                ],
                batch_size=1000,
            )
        bare.append((clock.perf_counter() - started) * 1000)
    bench.record(
        Measurement(
            case=f"{population.name}: offer run, offers and one message per partner",
            scale=bench.full_scale,
            timing=Timing(tuple(samples)),
            queries=statements,
            baseline=Timing(tuple(bare)),
            baseline_label=f"bulk insert of {pair_count:,} offer rows, unaudited",
            details={"offers": pair_count, "partners_told": told},
        )
    )
    # Writing offers in batches of 1,000 and a message per partner: statements grow with the
    # partners told, never with the pairs one by one.
    if statements > pair_count // 1000 + 12 * told + 50:
        bench.failures.append(
            f"{population.name}: the offer run sent {statements:,} statements for "
            f"{pair_count:,} offers to {told:,} partners"
        )


def _check(
    bench: SectionRun,
    rng: random.Random,
    population: Population,
    pairs: dict[Any, list[Any]],
    shifts: Any,
    partners: Any,
) -> None:
    shift_list = list(shifts.select_related("role"))
    partner_list = list(partners)
    for _ in range(SAMPLE):
        shift = rng.choice(shift_list)
        partner = rng.choice(partner_list)
        bulk = partner.pk in set(pairs[shift.pk])
        if bulk != (offer_problem(shift, partner) is None):
            bench.failures.append(
                f"{population.name}: bulk and one-by-one disagree on {shift.pk} / {partner.pk}"
            )
    visa = set(partners.filter(student__student_visa=True).values_list("pk", flat=True))
    term_shifts = [shift for shift in shift_list if shift.starts_at.date() <= TERM_END]
    for shift in rng.sample(term_shifts, min(100, len(term_shifts))):
        for partner_id in set(pairs[shift.pk]) & visa:
            problem = offer_problem(shift, Partner.objects.get(pk=partner_id))
            if problem is not None:
                bench.failures.append(f"{population.name}: a visa holder offered: {problem}")


def _forget_offers(roles: list[Role]) -> None:
    ShiftOffer.objects.filter(shift__role__in=roles).delete()
    Notification.objects.all().delete()


def _clear(roles: list[Role]) -> None:
    """Leave the next population its own partners and shifts only (the roles stay, unused)."""
    _forget_offers(roles)
    unaudited(ShiftAssignment).filter(shift__role__in=roles).delete()
    unaudited(Shift).filter(role__in=roles).delete()
    unaudited(Partner).filter(roles__in=roles).update(is_active=False)
