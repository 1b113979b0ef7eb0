"""Who may see and do what with payees, ledger entries and payment runs. The one place that
decides.

* **A payee sees their own**: the person a payee record belongs to sees it, their bank details
  (masked) and every entry of theirs, with the date it was paid, and may change their own bank
  details. Nobody else's, whatever their role.
* **Finance** (`Capability.PAYMENTS_MANAGE`, held by partnership and organisation admins) sees
  the payees, entries and payment runs of the organisation in which they hold it: records
  entries and corrections, changes a payee's bank details, builds, exports and marks runs paid.
  Another organisation's payees and runs are not theirs, even in the same partnership.

Work done by Widen itself names `system_actor(...)` and may do everything; a missing or signed
out actor may do nothing. A refusal answers like a thing that does not exist (`NotFound`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
)
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation
from widen.payments.models import LedgerEntry, Payee, PaymentRun

EDIT_BANK_DETAILS = "edit_bank_details"
MANAGE = "manage"  # record entries for, and pay: finance's work


def may_manage_payments(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` does finance's work for `organisation` (for any, when none is given)."""
    return holds(actor, Capability.PAYMENTS_MANAGE, organisation)


def finance_organisations(actor: Any) -> QuerySet[Organisation]:
    """The organisations whose payments `actor` manages (every one, for the system)."""
    if is_system(actor):
        return Organisation.objects.all()
    return organisations_granting(actor, Capability.PAYMENTS_MANAGE)


class PayeePolicy(Policy[Payee]):
    actions = frozenset({VIEW, EDIT_BANK_DETAILS, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[Payee]:
        if is_system(actor):
            return Payee.objects.all()
        if not is_person(actor):
            return Payee.objects.none()
        return Payee.objects.filter(
            Q(user=actor) | Q(organisation__in=finance_organisations(actor))
        )

    def _may(self, actor: Any, action: str, obj: Payee) -> bool:
        if action == EDIT_BANK_DETAILS:
            return (is_person(actor) and obj.user_id == actor.pk) or may_manage_payments(
                actor, obj.organisation_id
            )
        return may_manage_payments(actor, obj.organisation_id)

    def own(self, actor: Any) -> QuerySet[Payee]:
        """`actor`'s own payee records (one per organisation that pays them)."""
        if not is_person(actor):
            return Payee.objects.none()
        return Payee.objects.filter(user=actor)


class LedgerEntryPolicy(Policy[LedgerEntry]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[LedgerEntry]:
        return LedgerEntry.objects.filter(payee__in=payee_policy.visible_to(actor).values("pk"))

    def own(self, actor: Any) -> QuerySet[LedgerEntry]:
        """The entries of `actor`'s own payee records: what they are being, or have been, paid."""
        return LedgerEntry.objects.filter(payee__in=payee_policy.own(actor).values("pk"))

    def _may(self, actor: Any, action: str, obj: LedgerEntry) -> bool:
        return may_manage_payments(actor, obj.payee.organisation_id)


class PaymentRunPolicy(Policy[PaymentRun]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[PaymentRun]:
        if is_system(actor):
            return PaymentRun.objects.all()
        return PaymentRun.objects.filter(organisation__in=finance_organisations(actor))

    def _may(self, actor: Any, action: str, obj: PaymentRun) -> bool:
        return may_manage_payments(actor, obj.organisation_id)


payee_policy = PayeePolicy()
ledger_entry_policy = LedgerEntryPolicy()
payment_run_policy = PaymentRunPolicy()
