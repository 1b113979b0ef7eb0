"""Payments' pages in the main navigation: one's own payments for those paid, runs for finance."""

from typing import Any

from widen.core.navigation import Journey, NavEntry, register
from widen.payments.permissions import may_manage_payments, payee_policy


def _is_paid(person: Any) -> bool:
    return payee_policy.own(person).exists()


register(
    NavEntry(
        "My payments",
        "payments:mine",
        Journey.ADMINISTRATION,
        ("payments:mine", "payments:payment", "payments:bank_details"),
        may_open=_is_paid,
        order=150,
    ),
    NavEntry(
        "Payment runs",
        "payments:runs",
        Journey.ADMINISTRATION,
        ("payments:runs", "payments:run", "payments:run_file", "payments:payees"),
        may_open=may_manage_payments,
        order=160,
    ),
)
