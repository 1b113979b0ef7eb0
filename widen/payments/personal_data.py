"""Payees and what they were paid, in the register (see `widen.audit.registry`).

Payment records are kept six years after the tax year they fall in (HMRC), so erasure removes a
payee's bank details but keeps their name and the amounts paid to them."""

from __future__ import annotations

from widen.audit import registry
from widen.payments.models import LedgerEntry, Payee, PaymentRun

SIX_YEARS = registry.KeptWhileParent(
    "six years after the end of the tax year of the last payment (HMRC record keeping)"
)

registry.declare(
    model=Payee,
    subjects={registry.Subject.USER: "user"},
    categories=frozenset({registry.Category.IDENTITY, registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.CONTRACT,
    retention=SIX_YEARS,
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"account_name": "", "sort_code": "", "account_number": ""},
    title="Payment details",
)
registry.declare(
    model=LedgerEntry,
    subjects={registry.Subject.USER: ("payee__user", "recorded_by_id")},
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    erasure=registry.Erasure.KEEP,
    title="Amounts owed and paid",
)
registry.declare_attribution(
    PaymentRun, "created_by", "exported_by", "marked_paid_by", title="Payment runs you handled"
)
