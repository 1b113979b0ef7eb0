"""An award scheme with awards in every state, for the finance and award pages' tests.

Alpha University's "Care leavers' award 2026/27" pays £900 in three instalments (16 Nov 2026,
15 Feb 2027, 17 May 2027, £300 each):

* Ann accepted: November paid (payment run 1, marked paid), February and May scheduled.
* Ben accepted: November held (he interrupted his studies), February and May scheduled.
* Dan's award was stopped: November due (in the ledger, in no run: he gave no bank details),
  February and May cancelled.
* Cat has been offered hers and has not answered: three scheduled.
* Eve declined: three cancelled.

So: paid £300; forecast £1,500 (November £300, February £600, May £600); held £300; committed
£2,100; offered, not answered, £900.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from tests.students.records import make_student
from tests.support.schemes import CARE_EXPERIENCED, SYSTEM, make_scheme
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.payments.models import EntryKind, PaymentRun
from widen.payments.services import (
    ledger_entry_record,
    payee_bank_details_set,
    payee_create,
    payment_run_create,
    payment_run_export,
    payment_run_mark_paid,
)
from widen.students.models import Student
from widen.support.models import (
    Award,
    AwardScheme,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    Scheme,
)
from widen.testing.world import World, make_user

DAYS = [date(2026, 11, 16), date(2027, 2, 15), date(2027, 5, 17)]
INSTALMENT = 300_00
SOURCE = "support.instalment"


@dataclass
class AwardsWorld:
    scheme: Scheme
    award_scheme: AwardScheme
    awards: dict[str, Award]
    paid_run: PaymentRun


def make_award_scheme(
    organisation: Organisation,
    scheme: Scheme,
    name: str = "Care leavers' award",
    academic_year: str = "2026/27",
) -> AwardScheme:
    return AwardScheme.objects.create(
        organisation=organisation,
        scheme=scheme,
        name=name,
        purpose="£900 a year for care leavers, in three instalments.",
        academic_year=academic_year,
        amount_pence=3 * INSTALMENT,
        instalment_days=[day.isoformat() for day in DAYS],
    )


def make_award(
    award_scheme: AwardScheme, student: Student, status: str, instalments: list[str]
) -> Award:
    """`student`'s award at `status`, with an instalment at each status of `instalments`
    (due and paid ones with their ledger entry, as the instalment run records them)."""
    now = timezone.now()
    award = Award.objects.create(
        award_scheme=award_scheme,
        student=student,
        amount_pence=INSTALMENT * len(instalments),
        status=status,
        offered_at=now,
        status_changed_at=now,
        stopped_reason="Left the scheme" if status == AwardStatus.STOPPED else "",
    )
    payee = None
    for number, (day, state) in enumerate(zip(DAYS, instalments, strict=False), start=1):
        entry = None
        if state in (InstalmentStatus.DUE, InstalmentStatus.PAID):
            payee = payee or payee_of(award_scheme.organisation, student)
            instalment_id = f"{award.pk}-{number}"
            entry = ledger_entry_record(
                actor=SYSTEM,
                payee=payee,
                amount_pence=INSTALMENT,
                kind=EntryKind.AWARD,
                description=f"{award_scheme}: instalment {number}",
                source_type=SOURCE,
                source_id=instalment_id[:64],
            )
        Instalment.objects.create(
            award=award,
            number=number,
            due_on=day,
            amount_pence=INSTALMENT,
            status=state,
            held_reason="Interrupted their studies" if state == InstalmentStatus.HELD else "",
            ledger_entry=entry,
            paid_on=DAYS[0] if state == InstalmentStatus.PAID else None,
        )
    if payee is not None and award.payee_id is None:
        Award.objects.filter(pk=award.pk).update(payee=payee)
    return award


def payee_of(organisation: Organisation, student: Student, *, bank: bool = False) -> Any:
    user = make_user(f"payee.{student.student_number.lower()}", None, None)
    payee = payee_create(actor=SYSTEM, organisation=organisation, user=user, name=str(student))
    if bank:
        payee = payee_bank_details_set(
            actor=SYSTEM,
            payee=payee,
            account_name=str(student)[:18],
            sort_code="20-00-00",
            account_number="55779911",
        )
    return payee


def with_bank_details(award: Award) -> None:
    instalment = Instalment.objects.filter(award=award).exclude(ledger_entry=None).first()
    assert instalment is not None
    assert instalment.ledger_entry is not None
    payee_bank_details_set(
        actor=SYSTEM,
        payee=instalment.ledger_entry.payee,
        account_name="A Student",
        sort_code="20-00-00",
        account_number="55779911",
    )


def paid_run(organisation: Organisation) -> PaymentRun:
    """A payment run of every entry owed to a payee with bank details, exported and marked
    paid today."""
    run = payment_run_create(actor=SYSTEM, organisation=organisation).run
    run = payment_run_export(actor=SYSTEM, run=run)
    return payment_run_mark_paid(actor=SYSTEM, run=run, paid_on=timezone.localdate())


def awards_world(world: World) -> AwardsWorld:
    with request_context.bind(source="test", actor=None):
        scheme = make_scheme(world, CARE_EXPERIENCED, special=True, name="Care leavers' scheme")
        award_scheme = make_award_scheme(world.alpha, scheme)
        students = {
            name: make_student(world.alpha, f"AW{n}", name.title(), "Awarded")
            for n, name in enumerate(("ann", "ben", "cat", "dan", "eve"), start=1)
        }
        s, h, d, c = (
            InstalmentStatus.SCHEDULED,
            InstalmentStatus.HELD,
            InstalmentStatus.DUE,
            InstalmentStatus.CANCELLED,
        )
        # Ann's November instalment is due until its payment run pays it.
        awards = {
            "ann": make_award(award_scheme, students["ann"], AwardStatus.ACCEPTED, [d, s, s]),
            "ben": make_award(award_scheme, students["ben"], AwardStatus.ACCEPTED, [h, s, s]),
            "cat": make_award(award_scheme, students["cat"], AwardStatus.OFFERED, [s, s, s]),
            "dan": make_award(award_scheme, students["dan"], AwardStatus.STOPPED, [d, c, c]),
            "eve": make_award(award_scheme, students["eve"], AwardStatus.DECLINED, [c, c, c]),
        }
        with_bank_details(awards["ann"])
        run = paid_run(world.alpha)
        # As the run marked paid does: Ann's November instalment is paid.
        Instalment.objects.filter(award=awards["ann"], number=1).update(
            status=InstalmentStatus.PAID, paid_on=run.paid_on
        )
    return AwardsWorld(scheme, award_scheme, awards, run)
