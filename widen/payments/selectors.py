"""Every read of payments, scoped to the person asking (through `permissions`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from widen.core.exceptions import NotFound
from widen.core.policy import VIEW
from widen.organisations.models import Organisation
from widen.payments.models import LedgerEntry, Payee, PaymentRun, RunStatus
from widen.payments.permissions import (
    finance_organisations,
    ledger_entry_policy,
    payee_policy,
    payment_run_policy,
)


def _one(queryset: QuerySet[Any], pk: Any) -> Any:
    """The row of `queryset` with key `pk`, or `NotFound` (malformed, missing or not yours)."""
    try:
        found = queryset.filter(pk=pk).first()
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if found is None:
        raise NotFound
    return found


def _with_run(entries: QuerySet[LedgerEntry]) -> QuerySet[LedgerEntry]:
    return entries.select_related(
        "payee", "payee__organisation", "run_item__run", "reversed_by__run_item", "reverses"
    )


def my_payments(*, actor: Any) -> QuerySet[LedgerEntry]:
    """What `actor` is owed and has been paid, newest first."""
    return _with_run(ledger_entry_policy.own(actor)).order_by("-recorded_at", "-id")


def my_payment_get(*, actor: Any, entry_id: Any) -> LedgerEntry:
    """One of `actor`'s own entries; anyone else's answers like one that does not exist."""
    return _one(_with_run(ledger_entry_policy.own(actor)), entry_id)


def my_payees(*, actor: Any) -> list[Payee]:
    return list(payee_policy.own(actor).select_related("organisation"))


def payee_get(*, actor: Any, payee_id: Any, action: str = VIEW) -> Payee:
    return payee_policy.get(actor, payee_id, action=action)


def payees_for_finance(*, actor: Any) -> QuerySet[Payee]:
    """The payees of the organisations whose payments `actor` manages."""
    return (
        Payee.objects.filter(organisation__in=finance_organisations(actor))
        .select_related("organisation", "user")
        .order_by("organisation__name", "name", "id")
    )


def payment_runs(*, actor: Any) -> QuerySet[PaymentRun]:
    return payment_run_policy.visible_to(actor).select_related("organisation")


def payment_run_get(*, actor: Any, run_id: Any) -> PaymentRun:
    return _one(payment_runs(actor=actor), run_id)


def organisations_paying(*, actor: Any) -> QuerySet[Organisation]:
    """The organisations for which `actor` builds payment runs."""
    return finance_organisations(actor).order_by("name")


@dataclass(frozen=True)
class RunLine:
    """What one payee is paid in one run."""

    payee: Payee
    amount_pence: int
    entries: int


def payment_run_lines(run: PaymentRun) -> list[RunLine]:
    """The run's payees and the amount each is paid (its entries netted), by name."""
    totals = (
        LedgerEntry.objects.filter(run_item__run=run)
        .values("payee_id")
        .annotate(total=Sum("amount_pence"), entries=Count("id"))
    )
    by_payee = {row["payee_id"]: row for row in totals}
    payees = Payee.objects.filter(pk__in=by_payee).order_by("name", "id")
    return [
        RunLine(
            payee=payee,
            amount_pence=int(by_payee[payee.pk]["total"]),
            entries=int(by_payee[payee.pk]["entries"]),
        )
        for payee in payees
    ]


def open_entries(organisation: Organisation | Any) -> QuerySet[LedgerEntry]:
    """Entries of `organisation`'s payees still to be paid: in no run, and not cancelled out by
    a correction that is in no run either (an entry and its reversal, both unpaid, net to
    nothing and are never paid)."""
    return (
        LedgerEntry.objects.filter(
            payee__organisation=getattr(organisation, "pk", organisation),
            run_item__isnull=True,
        )
        .exclude(Q(reversed_by__isnull=False) & Q(reversed_by__run_item__isnull=True))
        .exclude(Q(reverses__isnull=False) & Q(reverses__run_item__isnull=True))
    )


@dataclass(frozen=True)
class Balance:
    payee: Payee
    amount_pence: int
    entries: list[LedgerEntry]


def open_balances(organisation: Organisation | Any) -> list[Balance]:
    """What each of `organisation`'s payees is owed and not yet paid, by name."""
    grouped: dict[Any, list[LedgerEntry]] = {}
    for entry in open_entries(organisation).select_related("payee").order_by("recorded_at"):
        grouped.setdefault(entry.payee_id, []).append(entry)
    balances = [
        Balance(
            payee=entries[0].payee,
            amount_pence=sum(entry.amount_pence for entry in entries),
            entries=entries,
        )
        for entries in grouped.values()
    ]
    return sorted(balances, key=lambda balance: (balance.payee.name, str(balance.payee.pk)))


def entry_status(entry: LedgerEntry) -> str:
    """What has happened to `entry`, in the payee's words."""
    item = getattr(entry, "run_item", None) if _has_run_item(entry) else None
    if item is not None:
        run = item.run
        if run.status == RunStatus.PAID and run.paid_on:
            return f"Paid on {run.paid_on.day} {run.paid_on:%B %Y}"
        return "Being paid"
    if entry.reverses_id and entry.reverses and not _has_run_item(entry.reverses):
        return "Correction: not paid"
    reversal = entry.reversed_by if _has_reversal(entry) else None
    if reversal is not None and not _has_run_item(reversal):
        return "Corrected: not paid"
    return "To be paid"


def _has_run_item(entry: LedgerEntry) -> bool:
    try:
        entry.run_item  # noqa: B018 - reading it tells whether it exists
    except LedgerEntry.run_item.RelatedObjectDoesNotExist:
        return False
    return True


def _has_reversal(entry: LedgerEntry) -> bool:
    try:
        entry.reversed_by  # noqa: B018
    except LedgerEntry.reversed_by.RelatedObjectDoesNotExist:
        return False
    return True


def entry_paid_on(entry: LedgerEntry) -> Any:
    """The date `entry` was paid, or None."""
    if not _has_run_item(entry):
        return None
    run = entry.run_item.run
    return run.paid_on if run.status == RunStatus.PAID else None
