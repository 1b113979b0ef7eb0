"""The payments pages' and endpoints' cells of the authorisation matrix (tests/authz_matrix.yaml).

Rules:
  payment_own       one of the person's own amounts ("My payments"), for anyone paid (own: an
                    entry of the person's payee record; partner: a colleague's entry in the same
                    organisation, never shown, even to finance; unrelated: a stranger
                    partnership's payee's entry)
  payee_bank        a payee's bank details: own: the person's own payee record, anyone;
                    partner: a colleague paid by the person's organisation, for finance
                    (partnership and organisation admins: `payments.manage`); unrelated: a
                    stranger partnership's payee, nobody
  payments_finance  finance only (the payees list and the payment runs list; making a run)
  payment_run       a payment run of the person's organisation, for finance (own); another
                    member's run (partner) or a stranger partnership's (unrelated) is not theirs
  payment_run_file  as payment_run, for an exported run's file
Refusals answer 404, as for a thing that does not exist; the API's anonymous caller gets 401.
What each cell expects, and the capability each rule needs, is decided in tests/authz/rules.py.
"""

from __future__ import annotations

from typing import Any

from widen.accounts.capabilities import system_actor
from widen.accounts.models import User
from widen.organisations.models import Organisation
from widen.payments.models import EntryKind, LedgerEntry, Payee, PaymentRun
from widen.payments.services import (
    ledger_entry_record,
    payee_bank_details_set,
    payee_create,
    payment_run_create,
    payment_run_export,
)
from widen.testing.world import World, make_user

SYSTEM = system_actor("authorisation matrix")


def _person(world: World, key: str, organisation: Organisation | None = None) -> User:
    people: dict[str, User] = world.__dict__.setdefault("payment_people", {})
    if key not in people:
        people[key] = make_user(f"{key}.payee", organisation, None)
    return people[key]


def _payee(organisation: Organisation, user: User) -> Payee:
    payee = Payee.objects.filter(organisation=organisation, user=user).first()
    if payee is None:
        payee = payee_create(actor=SYSTEM, organisation=organisation, user=user)
        payee_bank_details_set(
            actor=SYSTEM,
            payee=payee,
            account_name=user.username.replace(".", " "),
            sort_code="40-47-84",
            account_number="70872490",
        )
    return payee


def _payee_for(world: World, role: str, relation: str) -> Payee:
    if relation == "own":
        return _payee(world.alpha, world.users[role])
    if relation == "partner":
        return _payee(world.alpha, _person(world, "colleague"))
    return _payee(world.gamma, _person(world, "stranger"))


def _entry(payee: Payee) -> LedgerEntry:
    return ledger_entry_record(
        actor=SYSTEM, payee=payee, amount_pence=1250, kind=EntryKind.PAY, description="Matrix"
    )


def _run(world: World, relation: str, *, exported: bool) -> PaymentRun:
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    payee = _payee(organisation, _person(world, f"run{relation}"))
    _entry(payee)
    run = payment_run_create(actor=SYSTEM, organisation=organisation).run
    return payment_run_export(actor=SYSTEM, run=run) if exported else run


def payments_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
    """The URL kwargs for a cell of one of the payments rules (None: not a payments rule)."""
    if rule == "payment_own":
        return {"entry_id": _entry(_payee_for(world, role, relation)).pk}
    if rule == "payee_bank":
        return {"payee_id": _payee_for(world, role, relation).pk}
    if rule in {"payment_run", "payment_run_file"}:
        return {"run_id": _run(world, relation, exported=rule == "payment_run_file").pk}
    if rule == "payments_finance":
        return {}
    return None


def payments_request_body(world: World, name: str) -> dict[str, Any] | None:
    """A valid body for the payments pages' writes (None: not a payments URL)."""
    if name == "payments:bank_details":
        return {
            "account_name": "Matrix Payee",
            "sort_code": "20 00 00",
            "account_number": "55779911",
        }
    if name == "payments:runs":
        _entry(_payee(world.alpha, _person(world, "owed")))
        return {"organisation": str(world.alpha.pk)}
    if name == "payments:run":
        return {"action": "export"}
    return None
