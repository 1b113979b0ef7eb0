"""An event's programme, written by those who run it: strands, talks and presenters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.exceptions import ApplicationError
from widen.events.models import Event, Presenter, PresenterRole, Strand, Talk
from widen.events.permissions import MANAGE, event_policy
from widen.events.services.common import NAME_MAX, TEXT_MAX, clean_text
from widen.events.services.organising import TITLE_MAX


def _description(value: Any) -> str:
    return clean_text(value, "description", "Description", maximum=TEXT_MAX, required=False)


def _added(item: Model, *, event: Event, object_type: str, changed_fields: list[str]) -> None:
    """Check and store a new part of the event's programme, and audit its creation."""
    item.full_clean()
    item.save()
    audit_event_record(
        action=AuditAction.CREATE,
        object_type=object_type,
        object_id=item.pk,
        learner_id=None,
        organisation_id=event.organiser_id,
        changed_fields=changed_fields,
    )


def strand_create(*, actor: Any, event: Event, title: str, description: str = "") -> Strand:
    event_policy.require(actor, MANAGE, event)
    with transaction.atomic():
        strand = Strand(
            event=event,
            title=clean_text(title, "title", "Title", maximum=TITLE_MAX, required=True),
            description=_description(description),
        )
        _added(
            strand,
            event=event,
            object_type="events.strand",
            changed_fields=["title", "description"],
        )
    return strand


def talk_create(
    *,
    actor: Any,
    event: Event,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    strand: Strand | None = None,
    room: str = "",
    description: str = "",
) -> Talk:
    """Add a talk to an event's programme: it must fall within the event's times."""
    event_policy.require(actor, MANAGE, event)
    if strand is not None and strand.event_id != event.pk:
        raise ApplicationError("Choose one of this event's strands.", field="strand")
    if ends_at <= starts_at:
        raise ApplicationError("The talk must end after it starts.", field="ends_at")
    if starts_at < event.starts_at or ends_at > event.ends_at:
        first = timezone.localtime(event.starts_at)
        last = timezone.localtime(event.ends_at)
        raise ApplicationError(
            f"The talk must be within the event's times ({first:%d %B %Y %H:%M} to "
            f"{last:%d %B %Y %H:%M}).",
            field="starts_at",
        )
    with transaction.atomic():
        talk = Talk(
            event=event,
            strand=strand,
            title=clean_text(title, "title", "Title", maximum=TITLE_MAX, required=True),
            description=_description(description),
            starts_at=starts_at,
            ends_at=ends_at,
            room=clean_text(room, "room", "Room", maximum=120, required=False),
        )
        _added(
            talk,
            event=event,
            object_type="events.talk",
            changed_fields=["title", "starts_at", "ends_at", "strand_id", "room"],
        )
    return talk


def presenter_add(
    *, actor: Any, talk: Talk, name: str, role: str, job_title: str = ""
) -> Presenter:
    """Add a presenter (a student or a member of staff) to a talk."""
    event = talk.event
    event_policy.require(actor, MANAGE, event)
    if role not in PresenterRole.values:
        raise ApplicationError("Choose whether the presenter is a student or staff.", field="role")
    with transaction.atomic():
        presenter = Presenter(
            talk=talk,
            name=clean_text(name, "name", "Name", maximum=NAME_MAX, required=True),
            role=role,
            job_title=clean_text(
                job_title, "job_title", "Role or course", maximum=160, required=False
            ),
        )
        _added(
            presenter,
            event=event,
            object_type="events.presenter",
            changed_fields=["name", "role", "job_title"],
        )
    return presenter
