"""Student partners for the tests: a provider's role, a student who became a partner (with a
plan, onboarding checks and an account), shifts, and a client signed in as the student."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from tests.students.mine.support import signed_in_by_link
from widen.accounts.models import User
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import (
    CheckKind,
    FlexibilityPlan,
    OnboardingCheck,
    Partner,
    PlanPattern,
    Role,
    RoleKind,
    Shift,
    WorkMode,
)
from widen.students.models import Student, TermDates

UK = ZoneInfo("Europe/London")
# The autumn term of 2026/27 in the tests' providers, and a Monday in it.
AUTUMN_TERM = (date(2026, 9, 21), date(2026, 12, 11))
TERM_MONDAY = date(2026, 11, 2)
# A plan's regular patterns: (weekday, from, to); by default any day, 8am to 8pm.
EVERY_DAY = tuple((weekday, time(8), time(20)) for weekday in range(7))


def autumn_term(provider: Organisation) -> TermDates:
    with request_context.bind(source="test"):
        term, _ = TermDates.objects.get_or_create(
            organisation=provider,
            academic_year="2026/27",
            name="Autumn term",
            defaults={"starts_on": AUTUMN_TERM[0], "ends_on": AUTUMN_TERM[1]},
        )
    return term


def make_role(
    provider: Organisation,
    coordinator: User,
    *,
    title: str = "Student ambassador",
    kind: str = RoleKind.AMBASSADOR,
    hourly_rate_pence: int = 1400,
    **fields: Any,
) -> Role:
    with request_context.bind(source="test"):
        return Role.objects.create(
            organisation=provider,
            kind=kind,
            title=title,
            work_involved=fields.pop("work_involved", "Campus tours and question panels."),
            hourly_rate_pence=hourly_rate_pence,
            coordinator=coordinator,
            **fields,
        )


def make_partner(
    provider: Organisation,
    number: str,
    *,
    email: str = "",
    first_name: str = "Sam",
    last_name: str = "",
    date_of_birth: date | None = date(2005, 5, 1),
    student_visa: bool = False,
    roles: tuple[Role, ...] = (),
    modes: tuple[str, ...] = (WorkMode.ON_SITE, WorkMode.ONLINE, WorkMode.HYBRID),
    patterns: tuple[tuple[int, time, time], ...] = EVERY_DAY,
    max_weekly_minutes: int | None = None,
    checks: tuple[str, ...] = (CheckKind.RIGHT_TO_WORK, CheckKind.DBS, CheckKind.TRAINING),
    checks_expire_on: date | None = None,
    **student_fields: Any,
) -> Partner:
    """A student at `provider` who is a partner in `roles`, with a plan (by default any day,
    8am to 8pm, every mode, no weekly limit of their own) and onboarding checks passed."""
    with request_context.bind(source="test"):
        student = Student.objects.create(
            organisation=provider,
            student_number=number,
            first_name=first_name,
            last_name=last_name or f"Partner{number}",
            email=email or f"{number.lower()}@students.example.ac.uk",
            date_of_birth=date_of_birth,
            student_visa=student_visa,
            **student_fields,
        )
        partner = Partner.objects.create(organisation=provider, student=student)
        partner.roles.set(roles)
        plan = FlexibilityPlan.objects.create(
            partner=partner,
            organisation=provider,
            modes=list(modes),
            max_weekly_minutes=max_weekly_minutes,
        )
        for weekday, starts_at, ends_at in patterns:
            PlanPattern.objects.create(
                plan=plan,
                organisation=provider,
                weekday=weekday,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        for kind in checks:
            OnboardingCheck.objects.create(
                partner=partner,
                kind=kind,
                completed_on=date(2026, 9, 1),
                expires_on=checks_expire_on,
            )
    return partner


def make_shift(
    role: Role,
    day: date,
    start: time = time(10),
    hours: float = 3,
    *,
    title: str = "Campus tour",
    places: int = 1,
    **fields: Any,
) -> Shift:
    starts_at = datetime.combine(day, start, tzinfo=UK)
    with request_context.bind(source="test"):
        return Shift.objects.create(
            organisation=role.organisation,
            role=role,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            places=places,
            **fields,
        )


def signed_in_partner(partner: Partner, capture: Any) -> Client:
    """A client signed in as the partner's student, by a link e-mailed to their address
    (`capture` is pytest-django's `django_capture_on_commit_callbacks`)."""
    return signed_in_by_link(partner.student.email, capture)


def partner_account(partner: Partner) -> User:
    """The partner's own account (as if they had signed in by link once): the actor of the
    services a student calls."""
    from widen.accounts.sign_in_links import link_account_create  # noqa: PLC0415

    student = partner.student
    if student.user is not None:
        return student.user
    with request_context.bind(source="test"):
        user = link_account_create(
            email=student.email, first_name=student.first_name, last_name=student.last_name
        )
        student.user = user
        student.save(update_fields=["user"])
    return user
