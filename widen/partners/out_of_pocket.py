"""Days out of pocket: how long partners wait for their money, measured for every claim.

For a paid claim, the days from `spent_on` (the first day money was spent; for an advance, the
day it was needed) to `paid_on` (the day the payment run paid it); an advance paid before the
day it was needed counts 0. The figures are the median and the 95th percentile (nearest rank:
the smallest number of days that at least 95% of claims took no longer than), with how many
claims, grouped three ways:

* per coordinator: the coordinator of the role of the claim's shift, or, for a claim naming no
  shift, of the partner's first role (by title);
* per provider;
* per month of repayment.

Claims still unpaid (sent, queried or approved) are listed with the days so far. Drafts are not
counted: nobody has asked for the money yet.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from widen.partners.models import ClaimStatus, ExpenseClaim, Partner
from widen.partners.permissions import claim_policy, coordinated_providers

UNPAID = (ClaimStatus.SUBMITTED, ClaimStatus.QUERIED, ClaimStatus.APPROVED)
NO_COORDINATOR = "No coordinator named"


def median(days: list[int]) -> float | None:
    return float(statistics.median(days)) if days else None


def percentile_95(days: list[int]) -> int | None:
    """The nearest-rank 95th percentile: at least 95% of the values are no more than it."""
    if not days:
        return None
    ordered = sorted(days)
    rank = -(-95 * len(ordered) // 100)  # ceil(0.95 n), in whole numbers
    return ordered[rank - 1]


@dataclass(frozen=True)
class Figures:
    label: str
    key: str
    count: int
    median_days: float | None
    p95_days: int | None


@dataclass(frozen=True)
class Unpaid:
    claim: ExpenseClaim
    days_so_far: int
    coordinator: str


@dataclass(frozen=True)
class Report:
    overall: Figures
    by_coordinator: list[Figures]
    by_provider: list[Figures]
    by_month: list[Figures]
    unpaid: list[Unpaid]


def figures(label: str, key: str, days: list[int]) -> Figures:
    return Figures(
        label=label,
        key=key,
        count=len(days),
        median_days=median(days),
        p95_days=percentile_95(days),
    )


def claims_measured(actor: Any) -> QuerySet[ExpenseClaim]:
    """The claims of the providers `actor` coordinates (none for anyone else), but drafts."""
    return (
        claim_policy.visible_to(actor)
        .filter(organisation__in=coordinated_providers(actor))
        .exclude(status=ClaimStatus.DRAFT)
        .select_related("organisation", "partner__student", "shift__role__coordinator")
    )


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _first_role_coordinators(partner_ids: Iterable[Any]) -> dict[Any, Any]:
    """Each partner's first role's (by title) coordinator, in one query."""
    links = (
        Partner.roles.through.objects.filter(partner_id__in=set(partner_ids))
        .select_related("role__coordinator")
        .order_by("partner_id", "role__title")
    )
    found: dict[Any, Any] = {}
    for link in links:
        found.setdefault(link.partner_id, link.role.coordinator)
    return found


def days_out_of_pocket(claim: ExpenseClaim, today: date) -> int:
    """Paid: the claim's days out of pocket; unpaid: the days so far."""
    if claim.days_out_of_pocket is not None:
        return claim.days_out_of_pocket
    if claim.spent_on is None:
        return 0
    return max(0, (today - claim.spent_on).days)


def report_of(claims: Iterable[ExpenseClaim], *, today: date | None = None) -> Report:
    """The figures for `claims` (already scoped to the person asking)."""
    today = today or timezone.localdate()
    claims = list(claims)
    first_role = _first_role_coordinators(c.partner_id for c in claims if c.shift_id is None)
    by_coordinator: dict[str, list[int]] = defaultdict(list)
    coordinator_names: dict[str, str] = {}
    by_provider: dict[str, list[int]] = defaultdict(list)
    provider_names: dict[str, str] = {}
    by_month: dict[str, list[int]] = defaultdict(list)
    everything: list[int] = []
    unpaid: list[Unpaid] = []
    for claim in claims:
        coordinator = (
            claim.shift.role.coordinator
            if claim.shift_id is not None and claim.shift is not None
            else first_role.get(claim.partner_id)
        )
        coordinator_key = str(coordinator.pk) if coordinator is not None else ""
        coordinator_names[coordinator_key] = (
            _person(coordinator) if coordinator is not None else NO_COORDINATOR
        )
        if claim.status in UNPAID:
            unpaid.append(
                Unpaid(
                    claim=claim,
                    days_so_far=days_out_of_pocket(claim, today),
                    coordinator=coordinator_names[coordinator_key],
                )
            )
            continue
        days = claim.days_out_of_pocket
        if days is None or claim.paid_on is None:
            continue
        everything.append(days)
        by_coordinator[coordinator_key].append(days)
        provider_key = str(claim.organisation_id)
        provider_names[provider_key] = claim.organisation.name
        by_provider[provider_key].append(days)
        by_month[f"{claim.paid_on:%Y-%m}"].append(days)
    unpaid.sort(key=lambda item: (-item.days_so_far, str(item.claim.pk)))
    return Report(
        overall=figures("Every paid claim", "all", everything),
        by_coordinator=sorted(
            (figures(coordinator_names[key], key, days) for key, days in by_coordinator.items()),
            key=lambda row: row.label,
        ),
        by_provider=sorted(
            (figures(provider_names[key], key, days) for key, days in by_provider.items()),
            key=lambda row: row.label,
        ),
        by_month=[
            figures(date.fromisoformat(f"{key}-01").strftime("%B %Y"), key, by_month[key])
            for key in sorted(by_month)
        ],
        unpaid=unpaid,
    )


def out_of_pocket_report(*, actor: Any, today: date | None = None) -> Report:
    """The days-out-of-pocket figures of the providers `actor` coordinates."""
    return report_of(claims_measured(actor), today=today)
