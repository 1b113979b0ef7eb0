"""Payees' bank details at rest, the append-only ledger, and payment runs (issue 15, item 8)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from tests.payments.conftest import ACCOUNT_NAME, ACCOUNT_NUMBER, Paid, pay
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry, AppendOnlyError, AuditEvent, StateChange
from widen.core.exceptions import ApplicationError, NotFound
from widen.payments import validators
from widen.payments.exports import HEADER, payment_run_csv
from widen.payments.models import EntryKind, LedgerEntry, Payee, PaymentRun, PaymentRunItem
from widen.payments.money import pounds
from widen.payments.selectors import entry_status, open_entries
from widen.payments.services import (
    ledger_entry_record,
    ledger_entry_reverse,
    payee_bank_details_set,
    payees_reencrypt,
    payment_run_create,
    payment_run_discard,
    payment_run_export,
    payment_run_file_opened,
    payment_run_mark_paid,
)

pytestmark = pytest.mark.django_db


def raw_payee_row(payee: Payee) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_name, sort_code, account_number FROM payments_payee WHERE id = %s",
            [payee.pk.hex if connection.vendor == "sqlite" else payee.pk],
        )
        return tuple(cursor.fetchone())


# --- Bank details ---------------------------------------------------------------------------


def test_bank_details_are_encrypted_in_the_database(paid: Paid) -> None:
    stored = " ".join(raw_payee_row(paid.payee))
    assert stored.strip()
    for secret in (ACCOUNT_NUMBER, "404784", "40-47-84", ACCOUNT_NAME, ACCOUNT_NUMBER[-4:]):
        assert secret not in stored
    again = Payee.objects.get(pk=paid.payee.pk)
    assert (again.sort_code, again.account_number, again.account_name) == (
        "404784",
        ACCOUNT_NUMBER,
        ACCOUNT_NAME,
    )


def test_bank_details_show_only_their_last_digits(paid: Paid) -> None:
    assert paid.payee.bank_account_shown == "sort code ending 84, account ending 2490"


@pytest.mark.parametrize("typed", ["12-34-56", "12 34 56", "123456", " 12-34-56 "])
def test_a_sort_code_is_accepted_with_dashes_or_spaces(typed: str) -> None:
    assert validators.normalise_sort_code(typed) == "123456"


@pytest.mark.parametrize("typed", ["12345", "1234567", "12-34-5a", "", "١٢٣٤٥٦"])
def test_a_sort_code_that_is_not_six_digits_is_refused(typed: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        validators.normalise_sort_code(typed)
    assert refused.value.message == "Enter a sort code of 6 digits, like 12-34-56."
    assert refused.value.field == "sort_code"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("12345678", "12345678"), ("1234567", "01234567"), ("123456", "00123456")],
)
def test_short_account_numbers_get_zeros_in_front(typed: str, kept: str) -> None:
    assert validators.normalise_account_number(typed) == kept


def test_an_account_number_too_long_asks_for_the_bacs_number() -> None:
    with pytest.raises(ApplicationError) as refused:
        validators.normalise_account_number("1234567890")
    assert "8-digit account number your bank gives for Bacs" in refused.value.message
    assert "1234567890" not in refused.value.message


@pytest.mark.parametrize("typed", ["12345", "1234a678", ""])
def test_an_account_number_that_is_not_digits_is_refused(typed: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        validators.normalise_account_number(typed)
    assert refused.value.message == "Enter an account number of 8 digits, like 00733445."


@pytest.mark.parametrize("typed", ["=HYPERLINK(1)", "", "x" * 71, "<b>Sam</b>"])
def test_an_account_name_that_a_bank_would_not_hold_is_refused(typed: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        validators.normalise_account_name(typed)
    assert refused.value.field == "account_name"


def _refused_keeping_the_old_details(
    paid: Paid, refusal: type[Exception], actor: Any, *, name: str, sort_code: str, number: str
) -> None:
    """`actor` changing the payee's bank details is refused with `refusal`; the old ones stay."""
    with pytest.raises(refusal):
        payee_bank_details_set(
            actor=actor,
            payee=paid.payee,
            account_name=name,
            sort_code=sort_code,
            account_number=number,
        )
    paid.payee.refresh_from_db()
    assert paid.payee.account_number == ACCOUNT_NUMBER


def test_a_refused_change_of_bank_details_keeps_the_old_ones(paid: Paid) -> None:
    _refused_keeping_the_old_details(
        paid, ApplicationError, paid.student, name="Sam Student", sort_code="11-22-33", number="12"
    )


def test_changing_bank_details_is_audited_without_the_numbers(paid: Paid) -> None:
    before = AuditEvent.objects.count()
    payee_bank_details_set(
        actor=paid.student,
        payee=paid.payee,
        account_name="Sam Q Student",
        sort_code="11-22-33",
        account_number="44556677",
    )
    event = AuditEvent.objects.order_by("-occurred_at").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert event.object_type == "payments.payee"
    assert {"account_name", "account_number", "sort_code"} <= set(event.changed_fields)
    every_column = " ".join(str(value) for value in AuditEvent.objects.values_list())
    for secret in ("44556677", "112233", "11-22-33", "Sam Q Student", ACCOUNT_NUMBER):
        assert secret not in every_column


def test_nobody_else_changes_a_payees_bank_details(paid: Paid) -> None:
    outsider = paid.world.users[Role.OUTREACH_OFFICER]
    for actor in (outsider, paid.other_student, paid.world.users["staff"].__class__()):
        _refused_keeping_the_old_details(
            paid, NotFound, actor, name="Mallory", sort_code="99-99-99", number="99999999"
        )


def test_keys_can_be_rotated(paid: Paid) -> None:
    from cryptography.fernet import Fernet  # noqa: PLC0415

    old_keys = list(__import__("django.conf").conf.settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, *old_keys]):
        assert payees_reencrypt(actor=system_actor("tests")) == 2
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert Payee.objects.get(pk=paid.payee.pk).account_number == ACCOUNT_NUMBER


def test_only_widen_itself_reencrypts(paid: Paid) -> None:
    with pytest.raises(NotFound):
        payees_reencrypt(actor=paid.finance)


# --- The ledger -----------------------------------------------------------------------------


def test_an_entry_says_what_it_is_for_and_who_recorded_it(paid: Paid) -> None:
    entry = ledger_entry_record(
        actor=paid.finance,
        payee=paid.payee,
        amount_pence=123456,
        kind=EntryKind.PAY,
        description="Open day ambassador, 12 hours",
        source_type="partners.timesheet",
        source_id="8a5d4b0e-1c71-4c39-a1c2-7f0a8c0d9e11",
    )
    assert entry.recorded_by_id == paid.finance.pk
    assert entry.recorded_by_name == paid.finance.get_full_name() or paid.finance.username
    assert entry.recorded_at is not None
    assert entry.source_type == "partners.timesheet"
    assert AuditEvent.objects.filter(object_id=str(entry.pk), action="create").exists()


def test_the_same_record_is_not_entered_twice(paid: Paid) -> None:
    def record() -> LedgerEntry:
        return ledger_entry_record(
            actor=paid.finance,
            payee=paid.payee,
            amount_pence=4500,
            kind=EntryKind.EXPENSES,
            description="Train to school visit",
            source_type="partners.expense_claim",
            source_id="42",
        )

    first = record()
    with pytest.raises(ApplicationError, match="already been entered"):
        record()
    ledger_entry_reverse(actor=paid.finance, entry=first, reason="Wrong receipt")
    assert record().amount_pence == 4500


@pytest.mark.parametrize(
    ("amount", "kind", "description", "field"),
    [
        (0, EntryKind.PAY, "Tour", "amount_pence"),
        (12.5, EntryKind.PAY, "Tour", "amount_pence"),
        (100_000_001, EntryKind.PAY, "Tour", "amount_pence"),
        (100, EntryKind.REVERSAL, "Tour", "kind"),
        (100, "bonus", "Tour", "kind"),
        (100, EntryKind.PAY, "   ", "description"),
    ],
)
def test_an_entry_that_does_not_say_enough_is_refused(
    paid: Paid, amount: object, kind: str, description: str, field: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        ledger_entry_record(
            actor=paid.finance,
            payee=paid.payee,
            amount_pence=amount,  # type: ignore[arg-type]
            kind=kind,
            description=description,
        )
    assert refused.value.field == field
    assert not LedgerEntry.objects.exists()


def test_only_finance_of_the_payees_organisation_records_entries(paid: Paid) -> None:
    for role in (Role.OUTREACH_OFFICER, Role.SCHOOL_STAFF, Role.EVALUATOR):
        with pytest.raises(NotFound):
            ledger_entry_record(
                actor=paid.world.users[role],
                payee=paid.payee,
                amount_pence=100,
                kind=EntryKind.PAY,
                description="Tour",
            )
    with pytest.raises(NotFound):
        ledger_entry_record(
            actor=paid.student, payee=paid.payee, amount_pence=100, kind="pay", description="Me"
        )
    with pytest.raises(TypeError):
        ledger_entry_record(
            actor=None, payee=paid.payee, amount_pence=100, kind="pay", description="Tour"
        )
    assert not LedgerEntry.objects.exists()


def test_entries_cannot_be_changed_or_deleted(paid: Paid) -> None:
    entry = pay(paid.payee, 2000)
    entry.amount_pence = 99999
    with pytest.raises(AppendOnlyError, match="record a reversing entry"):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_pence == 2000


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE payments_ledgerentry SET amount_pence = 1",
        "DELETE FROM payments_ledgerentry",
    ],
)
def test_the_database_refuses_to_change_entries(paid: Paid, statement: str) -> None:
    entry = pay(paid.payee, 2000)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert LedgerEntry.objects.get(pk=entry.pk).amount_pence == 2000


def test_a_correction_is_a_new_reversing_entry(paid: Paid) -> None:
    entry = pay(paid.payee, 2000)
    reversal = ledger_entry_reverse(actor=paid.finance, entry=entry, reason="Shift cancelled")
    assert reversal.amount_pence == -2000
    assert reversal.kind == EntryKind.REVERSAL
    assert reversal.reverses_id == entry.pk
    assert LedgerEntry.objects.get(pk=entry.pk).amount_pence == 2000
    with pytest.raises(ApplicationError, match="already been corrected"):
        ledger_entry_reverse(actor=paid.finance, entry=entry, reason="Again")
    with pytest.raises(ApplicationError, match="cannot itself be reversed"):
        ledger_entry_reverse(actor=paid.finance, entry=reversal, reason="Undo")
    with pytest.raises(ApplicationError) as refused:
        ledger_entry_reverse(actor=paid.finance, entry=pay(paid.payee, 5), reason=" ")
    assert refused.value.field == "reason"


def test_an_entry_and_its_unpaid_correction_are_never_paid(paid: Paid) -> None:
    entry = pay(paid.payee, 2000)
    ledger_entry_reverse(actor=paid.finance, entry=entry, reason="Shift cancelled")
    assert not open_entries(paid.world.alpha).exists()
    assert entry_status(LedgerEntry.objects.get(pk=entry.pk)) == "Corrected: not paid"
    with pytest.raises(ApplicationError, match="Nobody is owed anything"):
        payment_run_create(actor=paid.finance, organisation=paid.world.alpha)


# --- Payment runs ---------------------------------------------------------------------------


def test_a_run_gathers_what_each_payee_is_owed(paid: Paid) -> None:
    pay(paid.payee, 100000, "Summer school, 40 hours")
    pay(paid.payee, 23456, "Open day")
    pay(paid.other_payee, 5000, "Campus tour")
    made = payment_run_create(actor=paid.finance, organisation=paid.world.alpha)
    run = made.run
    assert (run.number, run.total_pence, run.payee_count) == (1, 128456, 2)
    assert run.is_draft
    assert run.items.count() == 3
    assert not open_entries(paid.world.alpha).exists()


def test_a_payee_without_bank_details_waits_for_a_later_run(paid: Paid) -> None:
    from widen.payments.services import payee_create  # noqa: PLC0415
    from widen.testing.world import make_user  # noqa: PLC0415

    newcomer = payee_create(
        actor=paid.finance, organisation=paid.world.alpha, user=make_user("nia.new", None, None)
    )
    waiting = pay(newcomer, 700)
    with pytest.raises(ApplicationError, match="1 person owed money have not given bank"):
        payment_run_create(actor=paid.finance, organisation=paid.world.alpha)
    pay(paid.payee, 1000)
    made = payment_run_create(actor=paid.finance, organisation=paid.world.alpha)
    assert made.skipped_without_bank_details == 1
    assert not PaymentRunItem.objects.filter(entry=waiting).exists()


def test_an_entry_is_never_in_two_runs(paid: Paid) -> None:
    entry = pay(paid.payee, 1000)
    first = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    with pytest.raises(ApplicationError, match="Nobody is owed anything"):
        payment_run_create(actor=paid.finance, organisation=paid.world.alpha)
    other_run = PaymentRun.objects.create(organisation=paid.world.alpha, number=99)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRunItem.objects.create(run=other_run, entry=entry)
    assert PaymentRunItem.objects.get(entry=entry).run == first


def test_a_run_moves_from_draft_to_exported_to_paid(paid: Paid) -> None:
    entry = pay(paid.payee, 123456)
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    with pytest.raises(ApplicationError, match="is draft, so it cannot be marked paid"):
        payment_run_mark_paid(actor=paid.finance, run=run, paid_on=timezone.localdate())
    run = payment_run_export(actor=paid.finance, run=run)
    assert run.is_exported
    assert run.exported_by == paid.finance
    with pytest.raises(ApplicationError, match="is exported, so it cannot be exported"):
        payment_run_export(actor=paid.finance, run=run)
    with pytest.raises(ApplicationError, match="is exported, so it cannot be discarded"):
        payment_run_discard(actor=paid.finance, run=run)
    with pytest.raises(ApplicationError, match="in the future") as refused:
        payment_run_mark_paid(
            actor=paid.finance, run=run, paid_on=timezone.localdate() + timedelta(days=1)
        )
    assert refused.value.field == "paid_on"
    with pytest.raises(ApplicationError, match="before the run was made"):
        payment_run_mark_paid(actor=paid.finance, run=run, paid_on=date(2020, 1, 1))
    paid_on = timezone.localdate()
    run = payment_run_mark_paid(actor=paid.finance, run=run, paid_on=paid_on)
    assert run.is_paid
    assert run.paid_on == paid_on
    with pytest.raises(ApplicationError, match="is paid, so it cannot be marked paid"):
        payment_run_mark_paid(actor=paid.finance, run=run, paid_on=paid_on)
    status = entry_status(LedgerEntry.objects.get(pk=entry.pk))
    assert status == f"Paid on {paid_on.day} {paid_on:%B %Y}"
    changes = AuditEvent.objects.filter(object_type="payments.paymentrun", object_id=str(run.pk))
    assert changes.filter(action="create").exists()
    updated = [event.changed_fields for event in changes.filter(action="update")]
    assert any("paid_on" in fields and "status" in fields for fields in updated)
    moves = StateChange.objects.filter(object_type="payments.paymentrun", object_id=str(run.pk))
    assert sorted(moves.values_list("from_state", "to_state", "actor_id")) == [
        ("draft", "exported", paid.finance.pk),
        ("exported", "paid", paid.finance.pk),
    ]


def test_a_paid_entry_corrected_is_taken_from_the_next_payment(paid: Paid) -> None:
    entry = pay(paid.payee, 5000)
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    with pytest.raises(ApplicationError, match="in payment run 1, which is draft"):
        ledger_entry_reverse(actor=paid.finance, entry=entry, reason="Overpaid")
    payment_run_export(actor=paid.finance, run=run)
    payment_run_mark_paid(actor=paid.finance, run=run, paid_on=timezone.localdate())
    ledger_entry_reverse(actor=paid.finance, entry=entry, reason="Overpaid")
    pay(paid.payee, 8000)
    second = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    assert second.number == 2
    assert second.total_pence == 3000


def test_discarding_a_draft_frees_its_entries(paid: Paid) -> None:
    pay(paid.payee, 1000)
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    payment_run_discard(actor=paid.finance, run=run)
    assert not PaymentRun.objects.filter(pk=run.pk).exists()
    assert open_entries(paid.world.alpha).count() == 1


def test_nobody_but_the_organisations_finance_runs_payments(paid: Paid) -> None:
    pay(paid.payee, 1000)
    for actor in (paid.world.users[Role.OUTREACH_OFFICER], paid.student):
        with pytest.raises(NotFound):
            payment_run_create(actor=actor, organisation=paid.world.alpha)
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    from widen.testing.world import make_user  # noqa: PLC0415

    beta_finance = make_user("bea.finance", paid.world.beta, Role.ORGANISATION_ADMIN)
    for attempt in (payment_run_export, payment_run_discard):
        with pytest.raises(NotFound):
            attempt(actor=beta_finance, run=run)
    assert PaymentRun.objects.get(pk=run.pk).is_draft


def test_the_run_file_holds_each_payees_bank_details_and_amount(paid: Paid) -> None:
    paid.payee.name = "=HYPERLINK(evil)"
    paid.payee.save()
    pay(paid.payee, 100000)
    pay(paid.payee, 23456)
    pay(paid.other_payee, 5)
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    content = payment_run_csv(run).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert tuple(rows[0]) == HEADER
    assert rows[1:] == [
        [
            "1",
            str(paid.payee.pk),
            "'=HYPERLINK(evil)",
            ACCOUNT_NAME,
            "404784",
            ACCOUNT_NUMBER,
            "1234.56",
            "123456",
            "WIDEN PAY 0001",
            "2",
        ],
        [
            "1",
            str(paid.other_payee.pk),
            paid.other_payee.name,
            "O Other",
            "200000",
            "55779911",
            "0.05",
            "5",
            "WIDEN PAY 0001",
            "1",
        ],
    ]
    assert content.endswith("\r\n")


def test_taking_the_run_file_is_recorded(paid: Paid) -> None:
    pay(paid.payee, 1000)
    run = payment_run_create(actor=paid.finance, organisation=paid.world.alpha).run
    with pytest.raises(NotFound):
        payment_run_file_opened(actor=paid.finance, run=run)  # a draft has no file yet
    run = payment_run_export(actor=paid.finance, run=run)
    payment_run_file_opened(actor=paid.finance, run=run)
    logged = AccessLogEntry.objects.get(subject_type="payments.paymentrun")
    assert logged.subject_id == str(run.pk)
    assert logged.actor_id == paid.finance.pk
    assert logged.data_categories == ["bank_details"]


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(123456, "£1,234.56"), (5, "£0.05"), (100, "£1.00"), (-1250, "−£12.50"), (0, "£0.00")],
)
def test_amounts_are_shown_in_pounds(pence: int, shown: str) -> None:
    assert pounds(pence) == shown
