"""Days out of pocket in the JSON API: the same figures as the coordinator's page, under the same
policy (a coordinator sees their own providers' claims only; anyone else is answered 404).

Days are whole days from the first spending to the repayment; `median_days` may end in .5 (the
middle of an even number of claims); `p95_days` is the nearest-rank 95th percentile. A query
parameter the endpoint does not know is refused (422, naming it).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.partners.out_of_pocket import Figures, Unpaid, out_of_pocket_report
from widen.partners.permissions import may_coordinate

router = Router(tags=["partners"])


class FiguresOut(Schema):
    label: str
    key: str
    count: int
    median_days: float | None
    p95_days: int | None


class UnpaidOut(Schema):
    claim_id: UUID
    purpose: str
    status: str
    organisation_id: UUID
    spent_on: date | None
    days_so_far: int
    coordinator: str


class OutOfPocketOut(Schema):
    overall: FiguresOut
    by_coordinator: list[FiguresOut]
    by_provider: list[FiguresOut]
    by_month: list[FiguresOut]
    unpaid: list[UnpaidOut]


def _figures(row: Figures) -> dict[str, Any]:
    return {
        "label": row.label,
        "key": row.key,
        "count": row.count,
        "median_days": row.median_days,
        "p95_days": row.p95_days,
    }


def _unpaid(item: Unpaid) -> dict[str, Any]:
    return {
        "claim_id": item.claim.pk,
        "purpose": item.claim.purpose,
        "status": item.claim.status,
        "organisation_id": item.claim.organisation_id,
        "spent_on": item.claim.spent_on,
        "days_so_far": item.days_so_far,
        "coordinator": item.coordinator,
    }


@router.get(
    "/days-out-of-pocket",
    response=OutOfPocketOut,
    operation_id="partner_days_out_of_pocket",
)
def partner_days_out_of_pocket_api(request: HttpRequest) -> dict[str, Any]:
    """Median and 95th percentile days out of pocket of the caller's providers' paid claims, by
    coordinator, provider and month of repayment, with the claims still unpaid."""
    unknown = sorted(request.GET)
    if unknown:
        raise ApplicationError(
            f"Unknown parameter {unknown[0]!r}: this endpoint takes none.", field=unknown[0]
        )
    actor = api_actor(request)
    if not may_coordinate(actor):
        raise NotFound
    report = out_of_pocket_report(actor=actor)
    return {
        "overall": _figures(report.overall),
        "by_coordinator": [_figures(row) for row in report.by_coordinator],
        "by_provider": [_figures(row) for row in report.by_provider],
        "by_month": [_figures(row) for row in report.by_month],
        "unpaid": [_unpaid(item) for item in report.unpaid],
    }
