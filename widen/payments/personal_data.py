"""Payees and what they were paid, in the register (see `widen.audit.registry`).

Payment records are kept six years after the tax year they fall in (HMRC), so erasure removes a
payee's bank details but keeps their name and the amounts paid to them."""

from __future__ import annotations

from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
    declare_attribution,
)
from widen.payments.models import LedgerEntry, Payee, PaymentRun

SIX_YEARS = KeptWhileParent(
    "six years after the end of the tax year of the last payment (HMRC record keeping)"
)

declare(
    model=Payee,
    subjects={Subject.USER: "user"},
    categories=frozenset({Category.IDENTITY, Category.FINANCIAL}),
    lawful_basis=LawfulBasis.CONTRACT,
    retention=SIX_YEARS,
    erasure=Erasure.ANONYMISE,
    anonymised={"account_name": "", "sort_code": "", "account_number": ""},
    title="Payment details",
)
declare(
    model=LedgerEntry,
    subjects={Subject.USER: ("payee__user", "recorded_by_id")},
    categories=frozenset({Category.FINANCIAL}),
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    erasure=Erasure.KEEP,
    title="Amounts owed and paid",
)
declare_attribution(
    PaymentRun, "created_by", "exported_by", "marked_paid_by", title="Payment runs you handled"
)
