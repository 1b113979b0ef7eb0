"""Writing to the access log: every view or export of a learner's sensitive data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from widen.audit.models import AccessLogEntry
from widen.core import request_context


def access_log_record(
    *,
    actor: Any,
    learner_ids: Iterable[UUID],
    data_categories: Iterable[str],
    purpose: str,
    actor_organisation_id: UUID | None = None,
    data_sharing_agreement_id: UUID | None = None,
) -> int:
    context = request_context.current()
    categories = sorted(set(data_categories))
    entries = [
        AccessLogEntry(
            actor_id=actor.pk,
            actor_username=actor.username,
            actor_organisation_id=actor_organisation_id,
            source=context.source,
            request_id=context.request_id,
            learner_id=learner_id,
            data_categories=categories,
            data_sharing_agreement_id=data_sharing_agreement_id,
            purpose=purpose[:200],
        )
        for learner_id in learner_ids
    ]
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)
