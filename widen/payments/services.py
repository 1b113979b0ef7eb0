"""Every write to payments: payees and their bank details, the ledger, payment runs.

Each service names its `actor` (a person, or `system_actor(...)` for work nobody clicked for)
and asks the policy first; a refusal is `NotFound` and changes nothing. Bank details are checked
and normalised here whatever brings them (page, API, the areas to come), and never logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from widen.accounts.capabilities import is_person, is_system
from widen.accounts.models import User
from widen.audit.models import AuditAction, AuditEvent
from widen.audit.services import access_log_record_subjects, audit_event_record
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import Organisation
from widen.payments.models import (
    RUN_WORKFLOW,
    EntryKind,
    LedgerEntry,
    Payee,
    PaymentRun,
    PaymentRunItem,
    RunStatus,
)
from widen.payments.permissions import (
    EDIT_BANK_DETAILS,
    MANAGE,
    ledger_entry_policy,
    may_manage_payments,
    payee_policy,
    payment_run_policy,
)
from widen.payments.selectors import open_balances
from widen.payments.signals import run_marked_paid
from widen.payments.validators import (
    normalise_account_name,
    normalise_account_number,
    normalise_sort_code,
)

DESCRIPTION_MAX = 200
# The most one entry may be: £1,000,000 (a typing slip of pounds for pence stands out before it).
MAX_ENTRY_PENCE = 100_000_000
BANK_DETAILS_FIELDS = ("account_name", "sort_code", "account_number")


def _recorder(actor: Any) -> tuple[Any, str]:
    if is_person(actor):
        return actor.pk, actor.get_full_name() or actor.username
    return None, str(actor)


def _require_actor(actor: Any) -> None:
    if actor is None:
        raise TypeError("Say who is acting: a person, or system_actor(...) for Widen's own work.")


# --- Payees --------------------------------------------------------------------------------


def payee_create(*, actor: Any, organisation: Organisation, user: User, name: str = "") -> Payee:
    """Make `user` a payee of `organisation` (finance, or the areas that pay people)."""
    _require_actor(actor)
    if not may_manage_payments(actor, organisation):
        raise NotFound
    name = " ".join((name or user.get_full_name() or user.username).split())
    if len(name) > Payee._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ApplicationError("Enter a name of up to 200 characters.", field="name")
    if Payee.objects.filter(organisation=organisation, user=user).exists():
        raise ApplicationError(f"{name} is already paid by {organisation.name}.", field="user")
    try:
        with transaction.atomic():
            return Payee.objects.create(organisation=organisation, user=user, name=name)
    except IntegrityError as error:
        raise ApplicationError(
            f"{name} is already paid by {organisation.name}.", field="user"
        ) from error


@dataclass(frozen=True)
class BankDetails:
    account_name: str
    sort_code: str
    account_number: str


@sensitive_variables("account_name", "sort_code", "account_number")
def bank_details_check(*, account_name: str, sort_code: str, account_number: str) -> BankDetails:
    """The details normalised (sort code 6 digits, account number 8), or `ApplicationError`
    naming the first field that is wrong."""
    return BankDetails(
        account_name=normalise_account_name(account_name),
        sort_code=normalise_sort_code(sort_code),
        account_number=normalise_account_number(account_number),
    )


@sensitive_variables("account_name", "sort_code", "account_number", "details", "locked")
def payee_bank_details_set(
    *, actor: Any, payee: Payee, account_name: str, sort_code: str, account_number: str
) -> Payee:
    """Keep `payee`'s bank details (encrypted). The payee themself or finance may; the audit
    event names the fields changed, never their values."""
    _require_actor(actor)
    payee_policy.require(actor, EDIT_BANK_DETAILS, payee)
    details = bank_details_check(
        account_name=account_name, sort_code=sort_code, account_number=account_number
    )
    with transaction.atomic():
        locked = Payee.objects.select_for_update().get(pk=payee.pk)
        for name in BANK_DETAILS_FIELDS:
            setattr(locked, name, getattr(details, name))
        locked.bank_details_changed_at = timezone.now()
        locked.save(update_fields=[*BANK_DETAILS_FIELDS, "bank_details_changed_at", "updated_at"])
    return locked


# --- The ledger ----------------------------------------------------------------------------


def _entry_audit(entry: LedgerEntry) -> None:
    audit_event_record(
        action=AuditAction.CREATE,
        object_type=LedgerEntry._meta.label_lower,
        object_id=entry.pk,
        learner_id=None,
        organisation_id=entry.payee.organisation_id,
        changed_fields=["amount_pence", "description", "kind", "source_id", "source_type"],
    )


def ledger_entry_record(
    *,
    actor: Any,
    payee: Payee,
    amount_pence: int,
    kind: str,
    description: str,
    source_type: str = "",
    source_id: str = "",
) -> LedgerEntry:
    """Record that `payee` is owed `amount_pence` (whole pence; negative for a deduction) for
    what `description` says, from the record `source_type`/`source_id` (say "partners.timesheet"
    and its id). A source is paid once: while its entry of this kind stands (not reversed),
    another is refused."""
    _require_actor(actor)
    payee_policy.require(actor, MANAGE, payee)
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int):
        raise ApplicationError("Give the amount in whole pence.", field="amount_pence")
    if amount_pence == 0:
        raise ApplicationError("Enter an amount other than £0.00.", field="amount_pence")
    if abs(amount_pence) > MAX_ENTRY_PENCE:
        raise ApplicationError(
            "Enter an amount of at most £1,000,000.00 for one entry.", field="amount_pence"
        )
    if kind not in EntryKind.values or kind == EntryKind.REVERSAL:
        choices = ", ".join(value for value in EntryKind.values if value != EntryKind.REVERSAL)
        raise ApplicationError(f"Choose what the amount is for: {choices}.", field="kind")
    description = " ".join((description or "").split())
    if not description or len(description) > DESCRIPTION_MAX:
        raise ApplicationError(
            f"Say what the amount is for, in up to {DESCRIPTION_MAX} characters.",
            field="description",
        )
    source_type, source_id = (source_type or "").strip(), str(source_id or "").strip()
    if bool(source_type) != bool(source_id):
        raise ApplicationError(
            "Name both the kind of record the amount comes from and its id, or neither.",
            field="source_id",
        )
    recorded_by_id, recorded_by_name = _recorder(actor)
    with transaction.atomic():
        Payee.objects.select_for_update().filter(pk=payee.pk).first()
        if (
            source_type
            and LedgerEntry.objects.filter(
                payee=payee,
                kind=kind,
                source_type=source_type,
                source_id=source_id,
                reversed_by__isnull=True,
            ).exists()
        ):
            raise ApplicationError(
                "This record has already been entered for payment; reverse that entry first "
                "to enter it again.",
                field="source_id",
            )
        entry = LedgerEntry.objects.create(
            payee=payee,
            amount_pence=amount_pence,
            kind=kind,
            description=description,
            source_type=source_type,
            source_id=source_id,
            recorded_by_id=recorded_by_id,
            recorded_by_name=recorded_by_name[:200],
        )
        _entry_audit(entry)
    return entry


@dataclass(frozen=True)
class EntryToRecord:
    """One entry for `ledger_entries_record_many`: as `ledger_entry_record`'s arguments."""

    payee: Payee
    amount_pence: int
    kind: str
    description: str
    source_type: str
    source_id: str


def _audit_actor() -> dict[str, Any]:
    """Who an audit event names: the person (or job) the request or command is acting for."""
    context = request_context.current()
    return {
        "actor_id": getattr(context.actor, "pk", None),
        "actor_username": getattr(context.actor, "username", "") or "",
        "source": context.source,
        "request_id": context.request_id,
    }


def ledger_entries_record_many(
    entries: list[EntryToRecord], actor: Any, *, batch_size: int = 2_000
) -> list[LedgerEntry]:
    """Record many entries at once (Widen's own work: an instalment run of thousands of
    awards), each checked as `ledger_entry_record` checks one, each from a record
    (`source_type`/`source_id`) paid once: a source that already has a standing entry of its
    kind refuses the whole lot. The same few statements whatever their number; one audit event
    each, written together. Returns the entries in the order given."""
    _require_actor(actor)
    if not entries:
        return []
    organisations = {entry.payee.organisation_id for entry in entries}
    if not is_system(actor) and not all(
        may_manage_payments(actor, organisation) for organisation in organisations
    ):
        raise NotFound
    rows: list[LedgerEntry] = []
    recorded_by_id, recorded_by_name = _recorder(actor)
    for entry in entries:
        amount = entry.amount_pence
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise ApplicationError(
                "Give each amount in whole pence, not £0.00.", field="amount_pence"
            )
        if abs(amount) > MAX_ENTRY_PENCE:
            raise ApplicationError(
                "Enter an amount of at most £1,000,000.00 for one entry.", field="amount_pence"
            )
        if entry.kind not in EntryKind.values or entry.kind == EntryKind.REVERSAL:
            raise ApplicationError("Choose what each amount is for.", field="kind")
        description = " ".join((entry.description or "").split())[:DESCRIPTION_MAX]
        source_type, source_id = entry.source_type.strip(), str(entry.source_id).strip()
        if not description or not source_type or not source_id:
            raise ApplicationError(
                "Say what each amount is for and the record it comes from.", field="source_id"
            )
        rows.append(
            LedgerEntry(
                payee=entry.payee,
                amount_pence=amount,
                kind=entry.kind,
                description=description,
                source_type=source_type,
                source_id=source_id,
                recorded_by_id=recorded_by_id,
                recorded_by_name=recorded_by_name[:200],
            )
        )
    sources = {(row.kind, row.source_type, row.source_id) for row in rows}
    if len(sources) != len(rows):
        raise ApplicationError("A record is entered for payment twice.", field="source_id")
    source_types = {row.source_type for row in rows}
    with transaction.atomic():
        payee_ids = sorted({row.payee_id for row in rows})
        for start in range(0, len(payee_ids), batch_size):
            list(
                Payee.objects.select_for_update()
                .filter(pk__in=payee_ids[start : start + batch_size])
                .values_list("pk", flat=True)
            )
        standing = LedgerEntry.objects.filter(
            source_type__in=source_types, reversed_by__isnull=True
        ).exclude(kind=EntryKind.REVERSAL)
        if len(rows) <= batch_size:
            standing = standing.filter(source_id__in={row.source_id for row in rows})
        already = {
            (kind, source_type, source_id)
            for kind, source_type, source_id in standing.values_list(
                "kind", "source_type", "source_id"
            ).iterator(chunk_size=batch_size)
        }
        if already & sources:
            raise ApplicationError(
                "A record has already been entered for payment; reverse that entry first to "
                "enter it again.",
                field="source_id",
            )
        created = LedgerEntry.objects.bulk_create(rows, batch_size=batch_size)
        organisation_of = {row.payee_id: row.payee.organisation_id for row in rows}
        fields = ["amount_pence", "description", "kind", "source_id", "source_type"]
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    **_audit_actor(),
                    organisation_id=organisation_of[row.payee_id],
                    learner_id=None,
                    action=AuditAction.CREATE,
                    object_type=LedgerEntry._meta.label_lower,
                    object_id=str(row.pk),
                    changed_fields=fields,
                )
                for row in created
            ],
            batch_size=batch_size,
        )
    return created


def ledger_entry_reverse(*, actor: Any, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct `entry` with a new entry of the opposite amount. An entry not yet in a run is
    then never paid; one already paid is taken back from the payee's next payment. An entry in a
    run still being paid cannot be reversed until that run is paid or discarded."""
    _require_actor(actor)
    ledger_entry_policy.require(actor, MANAGE, entry)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError("Say why the entry is being corrected.", field="reason")
    recorded_by_id, recorded_by_name = _recorder(actor)
    with transaction.atomic():
        Payee.objects.select_for_update().filter(pk=entry.payee_id).first()
        entry = LedgerEntry.objects.select_related("payee").get(pk=entry.pk)
        if entry.kind == EntryKind.REVERSAL:
            raise ApplicationError("A correction cannot itself be reversed.", field="entry")
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise ApplicationError("This entry has already been corrected.", field="entry")
        item = PaymentRunItem.objects.filter(entry=entry).select_related("run").first()
        if item is not None and item.run.status != RunStatus.PAID:
            raise ApplicationError(
                f"This entry is in payment run {item.run.number}, which is "
                f"{item.run.get_status_display().lower()}; correct it once the run is paid, "
                "or take it out by discarding the draft run.",
                field="entry",
            )
        reversal = LedgerEntry.objects.create(
            payee=entry.payee,
            amount_pence=-entry.amount_pence,
            kind=EntryKind.REVERSAL,
            description=f"Correction of “{entry.description}”: {reason}"[:DESCRIPTION_MAX],
            source_type=entry.source_type,
            source_id=entry.source_id,
            reverses=entry,
            recorded_by_id=recorded_by_id,
            recorded_by_name=recorded_by_name[:200],
        )
        _entry_audit(reversal)
    return reversal


# --- Payment runs --------------------------------------------------------------------------


@dataclass(frozen=True)
class RunMade:
    run: PaymentRun
    skipped_without_bank_details: int  # payees owed money who have given no bank details


def payment_run_create(*, actor: Any, organisation: Organisation) -> RunMade:
    """Gather every entry of `organisation`'s payees still to be paid into a new draft run:
    one line per payee owed more than nothing who has given bank details. Entries of a payee
    without bank details, or whose corrections leave them owing, wait for a later run."""
    _require_actor(actor)
    if not may_manage_payments(actor, organisation):
        raise NotFound
    try:
        with transaction.atomic():
            # One run at a time per organisation: its payees' rows are the lock.
            list(Payee.objects.select_for_update().filter(organisation=organisation))
            balances = open_balances(organisation)
            payable = [b for b in balances if b.amount_pence > 0 and b.payee.has_bank_details]
            skipped = sum(
                1 for b in balances if b.amount_pence > 0 and not b.payee.has_bank_details
            )
            if not payable:
                message = "Nobody is owed anything to pay in a new run."
                if skipped:
                    message = (
                        f"Nobody can be paid yet: {_people(skipped)} owed money "
                        "have not given bank details."
                    )
                raise ApplicationError(message, field="organisation")
            highest = PaymentRun.objects.filter(organisation=organisation).aggregate(
                highest=Max("number")
            )["highest"]
            run = PaymentRun.objects.create(
                organisation=organisation,
                number=(highest or 0) + 1,
                total_pence=sum(b.amount_pence for b in payable),
                payee_count=len(payable),
                created_by=actor if is_person(actor) else None,
            )
            PaymentRunItem.objects.bulk_create(
                [PaymentRunItem(run=run, entry=entry) for b in payable for entry in b.entries]
            )
    except IntegrityError as error:
        raise ApplicationError(
            "Another payment run took some of these entries at the same moment; look at the "
            "payment runs and try again.",
            field="organisation",
        ) from error
    return RunMade(run=run, skipped_without_bank_details=skipped)


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _locked_draft(run: PaymentRun) -> PaymentRun:
    """`run`'s row, locked and read afresh, if it is still a draft; else a clear refusal."""
    locked = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != RunStatus.DRAFT:
        raise ApplicationError(
            f"This payment run is {locked.get_status_display().lower()}, so it cannot be "
            "discarded now.",
            field="status",
        )
    return locked


def payment_run_export(*, actor: Any, run: PaymentRun) -> PaymentRun:
    """Draft → exported: the run's file is made for the finance system, and no entry can be
    added to or taken from it any more."""
    _require_actor(actor)
    payment_run_policy.require(actor, MANAGE, run)
    return RUN_WORKFLOW.apply(
        run,
        "export",
        actor=actor,
        changes={
            "exported_at": timezone.now(),
            "exported_by": actor if is_person(actor) else None,
        },
    )


def payment_run_mark_paid(*, actor: Any, run: PaymentRun, paid_on: date) -> PaymentRun:
    """Exported → paid, on the date the bank paid it (not in the future, not before the run
    was made). Each payee then sees their entries paid on that date, and `run_marked_paid` tells
    the areas whose records the run pays."""
    _require_actor(actor)
    payment_run_policy.require(actor, MANAGE, run)
    if not isinstance(paid_on, date):
        raise ApplicationError("Enter the date the payments were made.", field="paid_on")
    if paid_on > timezone.localdate():
        raise ApplicationError(
            "The date paid cannot be in the future: mark the run paid once the bank has paid it.",
            field="paid_on",
        )

    def not_before_made(locked: PaymentRun) -> None:
        made_on = timezone.localdate(locked.created_at)
        if paid_on < made_on:
            raise ApplicationError(
                f"The date paid cannot be before the run was made ({made_on.day} {made_on:%B %Y}).",
                field="paid_on",
            )

    with transaction.atomic():
        paid = RUN_WORKFLOW.apply(
            run,
            "mark_paid",
            actor=actor,
            changes={
                "paid_on": paid_on,
                "marked_paid_at": timezone.now(),
                "marked_paid_by": actor if is_person(actor) else None,
            },
            before_save=not_before_made,
        )
        # The areas whose records the run pays mark them paid in the same transaction.
        run_marked_paid.send(sender=PaymentRun, run=paid)
    return paid


def payment_run_discard(*, actor: Any, run: PaymentRun) -> None:
    """Throw away a draft run; its entries wait for the next run. An exported run cannot be
    discarded: its file may already be with the bank."""
    _require_actor(actor)
    payment_run_policy.require(actor, MANAGE, run)
    with transaction.atomic():
        locked = _locked_draft(run)
        locked.items.all().delete()
        locked.delete()


class _Reader:
    """The access log's view of the system exporting a file."""

    def __init__(self, actor: Any) -> None:
        self.pk = getattr(actor, "pk", None)
        self.username = getattr(actor, "username", "") or str(actor)


def payment_run_file_opened(*, actor: Any, run: PaymentRun) -> None:
    """Record that `actor` has taken the run's file, with every payee's bank details in it."""
    _require_actor(actor)
    payment_run_policy.require(actor, MANAGE, run)
    if not run.has_file:
        raise NotFound
    access_log_record_subjects(
        actor=_Reader(actor),
        subject_type=PaymentRun._meta.label_lower,
        subjects=[(run.pk, None)],
        data_categories=["bank_details"],
        purpose=f"Payment run {run.number} file for the finance system",
    )


def payees_reencrypt(*, actor: Any) -> int:
    """Encrypt every payee's bank details again under the first key of
    `WIDEN_FIELD_KEYS` (after a new key is put first), so the old key can be dropped.
    Widen's own work only: `actor` is a system actor. Returns how many payees were done."""
    _require_actor(actor)
    if not is_system(actor):
        raise NotFound
    done = 0
    with transaction.atomic():
        for payee in Payee.objects.select_for_update().order_by("pk"):
            # Read decrypts with whichever key fits; the save encrypts with the first.
            payee.save(update_fields=list(BANK_DETAILS_FIELDS))
            done += 1
    return done
