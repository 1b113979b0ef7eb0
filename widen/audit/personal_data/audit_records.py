"""The audit's own records in the register of personal data: they name people by id only."""

from __future__ import annotations

from django.conf import settings

from widen.audit import registry
from widen.audit.models import AccessLogEntry, AuditEvent, StateChange, WatchAlert

registry.declare(
    model=AuditEvent,
    subjects={registry.Subject.LEARNER: "learner_id", registry.Subject.USER: "actor_id"},
    categories=frozenset({registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=registry.KeptWhileParent("append-only: kept as the record of who changed what"),
    erasure=registry.Erasure.KEEP,
    title="Who changed your records",
)
registry.declare(
    model=AccessLogEntry,
    subjects={registry.Subject.LEARNER: "learner_id", registry.Subject.USER: "actor_id"},
    categories=frozenset({registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=registry.Retention(
        "the record of who viewed what: kept the set number of years "
        "(WIDEN_ACCESS_LOG_YEARS), then deleted",
        registry.Action.DELETE,
        lambda rows, today: registry.older_than(
            "occurred_at", years=settings.WIDEN_ACCESS_LOG_YEARS
        )(rows, today),
    ),
    erasure=registry.Erasure.KEEP,
    title="Who viewed your records",
)
registry.declare(
    model=StateChange,
    subjects={registry.Subject.USER: "actor_id"},
    categories=frozenset({registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("append-only: kept as the record of who moved what"),
    erasure=registry.Erasure.KEEP,
    title="Steps you took in workflows",
)
registry.declare(
    model=WatchAlert,
    subjects={registry.Subject.USER: "account_id"},
    categories=frozenset({registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.Retention(
        "an hour of unusual access the data-protection officers were told of: kept as long as "
        "the access log it was found in (WIDEN_ACCESS_LOG_YEARS), then deleted",
        registry.Action.DELETE,
        lambda rows, today: registry.older_than(
            "hour_starts_at", years=settings.WIDEN_ACCESS_LOG_YEARS
        )(rows, today),
    ),
    # The alert stays as the record that it was looked into; the account it names by id is
    # itself anonymised, and the username it copied goes.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"account_username": ""},
    title="Unusual access by your account that was looked into",
)
