"""The audit's own records in the register of personal data: they name people by id only."""

from __future__ import annotations

from widen.audit.models import AccessLogEntry, AuditEvent, StateChange
from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
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
    retention=KeptWhileParent("append-only: kept as the record of who viewed what"),
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
