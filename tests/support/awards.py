"""What the award tests share: a support scheme's members, an award scheme for them, and the
steps of a year (offered, accepted, instalments falling due, a payment run paid)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tests.students.records import make_student
from tests.support.schemes import CARE_EXPERIENCED, SYSTEM, make_scheme
from widen.accounts.models import Role, User
from widen.core import request_context
from widen.payments.models import PaymentRun
from widen.payments.services import (
    payee_bank_details_set,
    payment_run_create,
    payment_run_export,
    payment_run_mark_paid,
)
from widen.students.models import IncomeBand, Student
from widen.students.services import student_status_change
from widen.support.models import (
    Award,
    AwardScheme,
    MembershipSource,
    MembershipStatus,
    Scheme,
    SchemeMembership,
)
from widen.support.services.awards import award_accept, award_scheme_create, awards_offer
from widen.testing.world import World, make_user

# A year already past, so students' statuses may change on any of its days.
YEAR = "2025/26"
DAYS = [date(2025, 11, 17), date(2026, 2, 16), date(2026, 5, 18)]
FINANCE = SYSTEM


def adviser(world: World) -> User:
    return world.users[Role.STUDENT_SUPPORT_ADVISER]


def account_of(student: Student) -> User:
    """The student signed in: an account linked to their record."""
    if student.user_id is not None:
        return User.objects.get(pk=student.user_id)
    user = make_user(f"student.{student.student_number.lower()}", None, None)
    Student.objects.filter(pk=student.pk).update(user=user)
    student.user = user
    return user


def members(world: World, scheme: Scheme, *students: Student) -> None:
    """Make `students` members of `scheme` (as if they had been invited and joined)."""
    now = timezone.now()
    for student in students:
        SchemeMembership.objects.create(
            scheme=scheme,
            student=student,
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            invited_at=now,
            joined_at=now,
        )


def care_scheme(world: World) -> Scheme:
    return make_scheme(world, CARE_EXPERIENCED, special=True, name="Care leavers' support")


def make_award_scheme(
    world: World,
    scheme: Scheme,
    *,
    amount_pence: int | None = 1_000_00,
    by_band: dict[str, int] | None = None,
    name: str = "Care leavers' award",
    days: list[date] | None = None,
) -> AwardScheme:
    with request_context.bind(source="test"):
        return award_scheme_create(
            actor=adviser(world),
            organisation=world.alpha,
            scheme=scheme,
            name=name,
            academic_year=YEAR,
            instalment_days=days or DAYS,
            amount_pence=None if by_band else amount_pence,
            amounts_by_income_band=by_band,
            purpose="£1,000 a year for care-experienced and estranged students.",
        )


def student(world: World, number: str, first: str, **details: Any) -> Student:
    details.setdefault("household_income_band", IncomeBand.UP_TO_25000)
    return make_student(world.alpha, number, first, **details)


def offered(world: World, award_scheme: AwardScheme, capture: Any) -> dict[str, Award]:
    """Offer the award scheme's awards; each by the student's first name."""
    with capture(execute=True), request_context.bind(source="test"):
        awards_offer(actor=adviser(world), award_scheme=award_scheme)
    return {
        award.student.first_name.lower(): award
        for award in Award.objects.filter(award_scheme=award_scheme).select_related("student")
    }


def accepted(award: Award) -> Award:
    """The student accepts their award, with bank details given to be paid."""
    user = account_of(award.student)
    with request_context.bind(source="test", actor=user):
        award = award_accept(actor=user, award=award)
    assert award.payee is not None
    if not award.payee.has_bank_details:
        payee_bank_details_set(
            actor=user,
            payee=award.payee,
            account_name=award.student.display_name,
            sort_code="20-00-00",
            account_number="55779911",
        )
    return award


def interrupt(student_: Student, on: date, status: str = "interrupted") -> None:
    with request_context.bind(source="test"):
        student_status_change(
            actor=SYSTEM, student=Student.objects.get(pk=student_.pk), status=status, changed_on=on
        )


def paid_run(world: World, capture: Any) -> PaymentRun:
    """A payment run of everything owed at Alpha, exported and marked paid today."""
    with capture(execute=True), request_context.bind(source="test"):
        run = payment_run_create(actor=FINANCE, organisation=world.alpha).run
        payment_run_export(actor=FINANCE, run=run)
        return payment_run_mark_paid(actor=FINANCE, run=run, paid_on=timezone.localdate())
