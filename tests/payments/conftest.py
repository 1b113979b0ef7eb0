"""A student paid by Alpha University, finance at Alpha, and helpers to pay them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role, User
from widen.payments.models import EntryKind, LedgerEntry, Payee
from widen.payments.services import ledger_entry_record, payee_bank_details_set, payee_create
from widen.testing.world import World, make_user

SORT_CODE = "40-47-84"
ACCOUNT_NUMBER = "70872490"
ACCOUNT_NAME = "Sam Student"


@dataclass
class Paid:
    world: World
    finance: User  # an organisation admin at Alpha
    student: User
    payee: Payee
    other_student: User
    other_payee: Payee


def pay(payee: Payee, pence: int, description: str = "Campus tour, 3 hours") -> LedgerEntry:
    return ledger_entry_record(
        actor=system_actor("tests"),
        payee=payee,
        amount_pence=pence,
        kind=EntryKind.PAY,
        description=description,
    )


@pytest.fixture
def paid(world: World) -> Paid:
    finance = world.users[Role.ORGANISATION_ADMIN]
    student = make_user("sam.student", None, None)
    student.first_name, student.last_name = "Sam", "Student"
    student.save()
    other = make_user("olu.other", None, None)
    payee = payee_create(actor=finance, organisation=world.alpha, user=student)
    other_payee = payee_create(actor=finance, organisation=world.alpha, user=other)
    payee_bank_details_set(
        actor=student,
        payee=payee,
        account_name=ACCOUNT_NAME,
        sort_code=SORT_CODE,
        account_number=ACCOUNT_NUMBER,
    )
    payee_bank_details_set(
        actor=other,
        payee=other_payee,
        account_name="O Other",
        sort_code="20-00-00",
        account_number="55779911",
    )
    payee.refresh_from_db()
    other_payee.refresh_from_db()
    return Paid(world, finance, student, payee, other, other_payee)
