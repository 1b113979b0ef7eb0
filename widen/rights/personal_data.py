"""Requests about people's data, in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

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
        older_than("closed_at", years=REQUESTS_KEPT_YEARS),
    ),
    # Kept after an erasure: it is the record that the erasure was asked for and done.
    erasure=Erasure.KEEP,
    title="Your requests about your data",
    organisation_path="organisation",
)
declare_attribution(ErasureTombstone, "done_by", title="Erasures you carried out")
