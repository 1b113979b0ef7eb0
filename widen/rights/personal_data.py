"""Requests about people's data, in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from widen.audit import registry
from widen.rights.models import ErasureTombstone, RightsRequest

REQUESTS_KEPT_YEARS = 6
NAME_REMOVED = "(name removed after six years)"
# A request whose erasure left tombstones keeps only what it was and when (they point at it).
REQUEST_ANONYMISED: dict[str, Any] = {
    "person_name": NAME_REMOVED,
    "person_email": "",
    "details": "",
    "identity_evidence": "",
    "extension_reason": "",
    "outcome": "",
    "emails": [],
}


def _answered_long_ago(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    return registry.older_than("closed_at", years=REQUESTS_KEPT_YEARS)(rows, today)


def requests_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    return _answered_long_ago(rows, today).filter(tombstones__isnull=True)


def erasure_requests_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    held = _answered_long_ago(rows, today).filter(tombstones__isnull=False)
    return rows.filter(pk__in=held.values("pk")).exclude(person_name=NAME_REMOVED)


registry.declare(
    model=RightsRequest,
    subjects={
        registry.Subject.LEARNER: "learners",
        registry.Subject.USER: ("users", "recorded_by", "closed_by"),
        registry.Subject.EMAIL: "person_email",
    },
    categories=frozenset({registry.Category.IDENTITY, registry.Category.CONTACT}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=registry.Retention(
        f"{REQUESTS_KEPT_YEARS} years after it was answered: the evidence of how it was handled",
        registry.Action.DELETE,
        requests_past_period,
    ),
    also=(
        registry.Retention(
            f"an erasure's request: {REQUESTS_KEPT_YEARS} years after it was answered, only what "
            "was asked and when stays, with the tombstones of what was erased",
            registry.Action.ANONYMISE,
            erasure_requests_past_period,
            anonymised=REQUEST_ANONYMISED,
        ),
    ),
    # Kept after an erasure: it is the record that the erasure was asked for and done.
    erasure=registry.Erasure.KEEP,
    title="Your requests about your data",
    organisation_path="organisation",
)
registry.declare_attribution(ErasureTombstone, "done_by", title="Erasures you carried out")
