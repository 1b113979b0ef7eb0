"""The caller's own payments in the JSON API: each amount, what it is for, and when it was paid.

Lists are paginated like every list (`limit`, `offset`; `count` and `results`); a query
parameter the endpoint does not know is refused (422, naming it) rather than ignored, so a
misspelt filter never silently returns everything.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_outputs import read_from
from widen.core.api_pages import Page, page_of
from widen.core.exceptions import ApplicationError
from widen.payments.models import LedgerEntry
from widen.payments.money import pounds
from widen.payments.selectors import entry_paid_on, entry_status, my_payment_get, my_payments

router = Router(tags=["payments"])

LIST_PARAMETERS = frozenset({"limit", "offset"})


class PaymentOut(Schema):
    id: UUID
    amount_pence: int
    amount: str
    kind: str
    description: str
    paid_by: str
    recorded_at: datetime
    status: str
    paid_on: date | None

    resolve_paid_by = read_from("payee.organisation.name")

    @staticmethod
    def resolve_amount(entry: LedgerEntry) -> str:
        return pounds(entry.amount_pence)

    @staticmethod
    def resolve_status(entry: LedgerEntry) -> str:
        return entry_status(entry)

    @staticmethod
    def resolve_paid_on(entry: LedgerEntry) -> date | None:
        return entry_paid_on(entry)


def _refuse_unknown(request: HttpRequest, known: frozenset[str]) -> None:
    unknown = sorted(set(request.GET) - known)
    if unknown:
        raise ApplicationError(
            f"Unknown parameter {unknown[0]!r}: this list takes only {', '.join(sorted(known))}.",
            field=unknown[0],
        )


@router.get("/mine", response=Page[PaymentOut], operation_id="my_payment_list")
def my_payment_list_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The caller's own amounts, newest first."""
    _refuse_unknown(request, LIST_PARAMETERS)
    entries = my_payments(actor=api_actor(request))
    return page_of(entries, limit=limit, offset=offset).answer()


@router.get("/mine/{entry_id}", response=PaymentOut, operation_id="my_payment_get")
def my_payment_get_api(request: HttpRequest, entry_id: UUID) -> LedgerEntry:
    """One of the caller's own amounts; anyone else's answers 404, like one that does not
    exist."""
    _refuse_unknown(request, frozenset())
    return my_payment_get(actor=api_actor(request), entry_id=entry_id)
