"""Reading the audit trail: who changed and who viewed a learner."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.db.models import Q, QuerySet

from widen.audit.models import AccessLogEntry, AuditEvent


def audit_events_for_learner(*, learner_id: UUID) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(learner_id=learner_id).order_by("-occurred_at")


def access_log_for_learner(*, learner_id: UUID) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(learner_id=learner_id).order_by("-occurred_at")


def access_log_between(
    *,
    learner_ids: list[UUID],
    starts_at: datetime,
    ends_at: datetime,
    subjects: Iterable[tuple[str, str]] = (),
) -> QuerySet[AccessLogEntry]:
    """Views of these learners' data, and of these other subjects (`(subject_type,
    subject_id)`, say an event booking), in the window."""
    seen = Q(learner_id__in=learner_ids)
    for subject_type, subject_id in subjects:
        seen |= Q(subject_type=subject_type, subject_id=str(subject_id))
    return AccessLogEntry.objects.filter(
        seen, occurred_at__gte=starts_at, occurred_at__lte=ends_at
    ).order_by("occurred_at")


def audit_events_between(
    *,
    learner_ids: list[UUID],
    starts_at: datetime,
    ends_at: datetime,
    objects: Iterable[tuple[str, str]] = (),
) -> QuerySet[AuditEvent]:
    """Changes to these learners' data, and to these other records (`(object_type,
    object_id)`), in the window."""
    changed = Q(learner_id__in=learner_ids)
    for object_type, object_id in objects:
        changed |= Q(object_type=object_type, object_id=str(object_id))
    return AuditEvent.objects.filter(
        changed, occurred_at__gte=starts_at, occurred_at__lte=ends_at
    ).order_by("occurred_at")
