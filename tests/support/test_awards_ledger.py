"""Many ledger entries at once (an instalment run): each checked and audited as one entry is,
each record paid once, and only for someone who may pay at every payee's organisation."""

from __future__ import annotations

import pytest

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.payments.models import EntryKind, LedgerEntry, Payee
from widen.payments.services import EntryToRecord, ledger_entries_record_many, payee_create
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

WIDEN = system_actor("tests: instalments falling due")


def payees(world: World, count: int) -> list[Payee]:
    with request_context.bind(source="test"):
        return [
            payee_create(
                actor=WIDEN,
                organisation=world.alpha,
                user=make_user(f"payee.{n}", None, None),
                name=f"Payee {n}",
            )
            for n in range(count)
        ]


def entries(people: list[Payee], source: str = "support.instalment") -> list[EntryToRecord]:
    return [
        EntryToRecord(
            payee=payee,
            amount_pence=100_00 + n,
            kind=EntryKind.AWARD,
            description=f"Award, instalment {n}",
            source_type=source,
            source_id=f"instalment-{n}",
        )
        for n, payee in enumerate(people)
    ]


def test_each_entry_is_recorded_and_audited_in_the_order_given(world: World) -> None:
    people = payees(world, 3)
    with request_context.bind(source="test"):
        recorded = ledger_entries_record_many(entries(people), WIDEN)

    assert [entry.amount_pence for entry in recorded] == [100_00, 100_01, 100_02]
    assert [entry.payee_id for entry in recorded] == [payee.pk for payee in people]
    assert LedgerEntry.objects.count() == 3
    audited = AuditEvent.objects.filter(object_type="payments.ledgerentry")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(
        str(entry.pk) for entry in recorded
    )
    assert {event.organisation_id for event in audited} == {world.alpha.pk}


def test_a_record_already_entered_refuses_the_whole_lot(world: World) -> None:
    people = payees(world, 2)
    with request_context.bind(source="test"):
        ledger_entries_record_many(entries(people[:1]), WIDEN)
        with pytest.raises(ApplicationError) as error:
            ledger_entries_record_many(entries(people), WIDEN)
    assert error.value.field == "source_id"
    assert LedgerEntry.objects.count() == 1


def test_the_same_record_twice_in_one_lot_is_refused(world: World) -> None:
    people = payees(world, 1)
    twice = entries(people) * 2
    with pytest.raises(ApplicationError), request_context.bind(source="test"):
        ledger_entries_record_many(twice, WIDEN)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("amount", [0, 1.5, 200_000_000])
def test_an_amount_that_cannot_be_paid_is_refused(world: World, amount: object) -> None:
    wrong = [
        EntryToRecord(
            payee=payees(world, 1)[0],
            amount_pence=amount,  # type: ignore[arg-type]
            kind=EntryKind.AWARD,
            description="Award",
            source_type="support.instalment",
            source_id="x",
        )
    ]
    with pytest.raises(ApplicationError), request_context.bind(source="test"):
        ledger_entries_record_many(wrong, WIDEN)


def test_only_someone_who_pays_at_that_organisation_may_record(world: World) -> None:
    people = payees(world, 1)
    beta_admin = make_user("admin.beta", world.beta, Role.ORGANISATION_ADMIN)
    with pytest.raises(NotFound), request_context.bind(source="test"):
        ledger_entries_record_many(entries(people), beta_admin)
    with request_context.bind(source="test"):
        alpha_admin = world.users[Role.ORGANISATION_ADMIN]
        assert len(ledger_entries_record_many(entries(people), alpha_admin)) == 1
