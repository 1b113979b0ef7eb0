"""Reading the audit trail: who changed and who viewed a learner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Q, QuerySet

from widen.audit.models import AccessLogEntry, AuditEvent
from widen.organisations.models import Organisation


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


@dataclass(frozen=True)
class AccessRecord:
    """One view (from the access log) or change (from the audit trail) of a learner's data: a
    row of `widen who_accessed` and of the "who accessed" page."""

    occurred_at: datetime
    what: str  # "viewed", or the change: "create learners.learner", "update events.booking"…
    learner_id: UUID | None
    actor: str  # the account's username; "" for Widen itself
    organisation_id: UUID | None  # the viewer's organisation, or the changed record's holder
    details: tuple[str, ...]  # the data categories seen, or the fields changed
    data_sharing_agreement_id: UUID | None
    purpose: str
    source: str
    request_id: str
    subject: str  # "<type> <id>" of what was seen or changed
    is_change: bool = False
    exported: bool = False  # a view written for a download

    @property
    def kind_label(self) -> str:
        if self.is_change:
            return "Changed"
        return "Downloaded" if self.exported else "Viewed"


def who_accessed(
    *,
    learner_ids: list[UUID],
    starts_at: datetime,
    ends_at: datetime,
    subjects: Iterable[tuple[str, str]] = (),
) -> list[AccessRecord]:
    """Every view and change of these learners' data (and of these other records, by
    `(type, id)`) between the two moments, oldest first."""
    subjects = list(subjects)
    views = access_log_between(
        learner_ids=learner_ids, starts_at=starts_at, ends_at=ends_at, subjects=subjects
    )
    changes = audit_events_between(
        learner_ids=learner_ids, starts_at=starts_at, ends_at=ends_at, objects=subjects
    )
    records = [
        AccessRecord(
            occurred_at=view.occurred_at,
            what="viewed",
            learner_id=view.learner_id,
            actor=view.actor_username,
            organisation_id=view.actor_organisation_id,
            details=tuple(view.data_categories),
            data_sharing_agreement_id=view.data_sharing_agreement_id,
            purpose=view.purpose,
            source=view.source,
            request_id=view.request_id,
            subject=f"{view.subject_type} {view.subject_id or view.learner_id}",
            exported=view.exported,
        )
        for view in views
    ]
    records += [
        AccessRecord(
            occurred_at=change.occurred_at,
            what=f"{change.action} {change.object_type}",
            learner_id=change.learner_id,
            actor=change.actor_username,
            organisation_id=change.organisation_id,
            details=tuple(change.changed_fields),
            data_sharing_agreement_id=None,
            purpose="",
            source=change.source,
            request_id=change.request_id,
            subject=f"{change.object_type} {change.object_id}",
            is_change=True,
        )
        for change in changes
    ]
    records.sort(key=lambda record: record.occurred_at)
    return records


def organisation_names(ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """The names of the organisations `ids` name (one query), for showing access records."""
    wanted = {pk for pk in ids if pk is not None}
    return dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name"))
