"""Writing to the access log: every view or export of a learner's sensitive data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from widen.audit.models import LEARNER_SUBJECT, AccessLogEntry, AuditEvent, _actor_fields
from widen.core import request_context


@dataclass(frozen=True)
class LearnerView:
    """One learner's data seen by the actor, and by what right."""

    learner_id: UUID
    data_categories: Iterable[str]
    actor_organisation_id: UUID | None = None
    data_sharing_agreement_id: UUID | None = None


def access_log_record_views(*, actor: Any, views: Iterable[LearnerView], purpose: str) -> int:
    """Log many learners seen in one request (a list, an export) with one insert."""
    context = request_context.current()
    entries = [
        AccessLogEntry(
            actor_id=actor.pk,
            actor_username=getattr(actor, "username", "") or str(actor),
            actor_organisation_id=view.actor_organisation_id,
            source=context.source,
            request_id=context.request_id,
            learner_id=view.learner_id,
            subject_type=LEARNER_SUBJECT,
            subject_id=str(view.learner_id),
            data_categories=sorted(set(view.data_categories)),
            data_sharing_agreement_id=view.data_sharing_agreement_id,
            purpose=purpose[:200],
            exported=context.exporting,
        )
        for view in views
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)


def access_log_record(
    *,
    actor: Any,
    learner_ids: Iterable[UUID],
    data_categories: Iterable[str],
    purpose: str,
    actor_organisation_id: UUID | None = None,
    data_sharing_agreement_id: UUID | None = None,
) -> int:
    categories = sorted(set(data_categories))
    return access_log_record_views(
        actor=actor,
        views=(
            LearnerView(
                learner_id=learner_id,
                data_categories=categories,
                actor_organisation_id=actor_organisation_id,
                data_sharing_agreement_id=data_sharing_agreement_id,
            )
            for learner_id in learner_ids
        ),
        purpose=purpose,
    )


def access_log_record_subjects(
    *,
    actor: Any,
    subject_type: str,
    subjects: Iterable[tuple[Any, UUID | None]],
    data_categories: Iterable[str],
    purpose: str,
    actor_organisation_id: UUID | None = None,
    data_sharing_agreement_id: UUID | None = None,
) -> int:
    """Log views of records other than learners (say, event bookings' adjustments), one row
    per `(subject_id, learner_id or None)`, with one insert."""
    context = request_context.current()
    categories = sorted(set(data_categories))
    entries = [
        AccessLogEntry(
            actor_id=actor.pk,
            actor_username=getattr(actor, "username", "") or str(actor),
            actor_organisation_id=actor_organisation_id,
            source=context.source,
            request_id=context.request_id,
            learner_id=learner_id,
            subject_type=subject_type,
            subject_id=str(subject_id),
            data_categories=categories,
            data_sharing_agreement_id=data_sharing_agreement_id,
            purpose=purpose[:200],
            exported=context.exporting,
        )
        for subject_id, learner_id in subjects
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)


def audit_event_record(
    *,
    action: str,
    object_type: str,
    object_id: Any,
    learner_id: UUID | None,
    organisation_id: UUID | None,
    changed_fields: Iterable[str] = (),
) -> AuditEvent:
    """One audit event for a change that is not a plain save (say, two learners merged), by the
    person the request or command is acting for."""
    return AuditEvent.objects.create(
        **_actor_fields(),
        organisation_id=organisation_id,
        learner_id=learner_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changed_fields=list(changed_fields),
    )
