"""The audit's own records in the register of personal data: they name people by id only."""

from __future__ import annotations

from django.conf import settings

from widen.audit.models import AccessLogEntry, AuditEvent, StateChange, WatchAlert
from widen.audit.registry import (
    Action,
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Retention,
    Subject,
    declare,
    older_than,
)

declare(
    model=AuditEvent,
    subjects={Subject.LEARNER: "learner_id", Subject.USER: "actor_id"},
    categories=frozenset({Category.ACCOUNT}),
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    retention=KeptWhileParent("append-only: kept as the record of who changed what"),
    erasure=Erasure.KEEP,
    title="Who changed your records",
)
declare(
    model=AccessLogEntry,
    subjects={Subject.LEARNER: "learner_id", Subject.USER: "actor_id"},
    categories=frozenset({Category.ACCOUNT}),
    lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    retention=Retention(
        "the record of who viewed what: kept the set number of years "
        "(WIDEN_ACCESS_LOG_YEARS), then deleted",
        Action.DELETE,
        lambda rows, today: older_than("occurred_at", years=settings.WIDEN_ACCESS_LOG_YEARS)(
            rows, today
        ),
    ),
    erasure=Erasure.KEEP,
    title="Who viewed your records",
)
declare(
    model=StateChange,
    subjects={Subject.USER: "actor_id"},
    categories=frozenset({Category.ACCOUNT}),
    lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
    retention=KeptWhileParent("append-only: kept as the record of who moved what"),
    erasure=Erasure.KEEP,
    title="Steps you took in workflows",
)
declare(
    model=WatchAlert,
    subjects={Subject.USER: "account_id"},
    categories=frozenset({Category.ACCOUNT}),
    lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
    retention=Retention(
        "an hour of unusual access the data-protection officers were told of: kept as long as "
        "the access log it was found in (WIDEN_ACCESS_LOG_YEARS), then deleted",
        Action.DELETE,
        lambda rows, today: older_than("hour_starts_at", years=settings.WIDEN_ACCESS_LOG_YEARS)(
            rows, today
        ),
    ),
    # The alert stays as the record that it was looked into; the account it names by id is
    # itself anonymised, and the username it copied goes.
    erasure=Erasure.ANONYMISE,
    anonymised={"account_username": ""},
    title="Unusual access by your account that was looked into",
)
