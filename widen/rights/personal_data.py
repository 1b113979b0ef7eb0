"""Requests about people's data, in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models

from widen.audit.registry import (
    Action,
    Category,
    Erasure,
    LawfulBasis,
    Retention,
    Subject,
    declare,
    declare_attribution,
    older_than,
)
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
    return older_than("closed_at", years=REQUESTS_KEPT_YEARS)(rows, today)


def requests_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    return _answered_long_ago(rows, today).filter(tombstones__isnull=True)


def erasure_requests_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    held = _answered_long_ago(rows, today).filter(tombstones__isnull=False)
    return rows.filter(pk__in=held.values("pk")).exclude(person_name=NAME_REMOVED)


declare(
    model=RightsRequest,
    subjects={
        Subject.LEARNER: "learners",
        Subject.USER: ("users", "recorded_by", "closed_by"),
        Subject.EMAIL: "person_email",
    },
    categories=frozenset({Category.IDENTITY, Category.CONTACT}),
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    retention=Retention(
        f"{REQUESTS_KEPT_YEARS} years after it was answered: the evidence of how it was handled",
        Action.DELETE,
        requests_past_period,
    ),
    also=(
        Retention(
            f"an erasure's request: {REQUESTS_KEPT_YEARS} years after it was answered, only what "
            "was asked and when stays, with the tombstones of what was erased",
            Action.ANONYMISE,
            erasure_requests_past_period,
            anonymised=REQUEST_ANONYMISED,
        ),
    ),
    # Kept after an erasure: it is the record that the erasure was asked for and done.
    erasure=Erasure.KEEP,
    title="Your requests about your data",
    organisation_path="organisation",
)
declare_attribution(ErasureTombstone, "done_by", title="Erasures you carried out")
