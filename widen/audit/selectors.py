"""Reading the audit trail: who changed and who viewed a learner."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet

from widen.audit.models import AccessLogEntry, AuditEvent


def audit_events_for_learner(*, learner_id: UUID) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(learner_id=learner_id).order_by("-occurred_at")


def access_log_for_learner(*, learner_id: UUID) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(learner_id=learner_id).order_by("-occurred_at")


def access_log_between(
    *, learner_ids: list[UUID], starts_at: datetime, ends_at: datetime
) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(
        learner_id__in=learner_ids, occurred_at__gte=starts_at, occurred_at__lte=ends_at
    ).order_by("occurred_at")


def audit_events_between(
    *, learner_ids: list[UUID], starts_at: datetime, ends_at: datetime
) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        learner_id__in=learner_ids, occurred_at__gte=starts_at, occurred_at__lte=ends_at
    ).order_by("occurred_at")
