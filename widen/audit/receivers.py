"""Audit records written in answer to signals from below (`widen.core`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from widen.audit.models import StateChange
from widen.core import request_context
from widen.core.workflows import state_changed


@receiver(state_changed, dispatch_uid="audit_state_change")
def record_state_change(
    sender: Any,
    *,
    instance: Any,
    workflow_field: str,
    transition: str,
    source: str,
    target: str,
    actor: Any,
    reason: str,
    **kwargs: Any,
) -> None:
    context = request_context.current()
    person = actor if getattr(actor, "pk", None) is not None else None
    StateChange.objects.create(
        actor_id=getattr(person, "pk", None),
        actor_username=getattr(person, "username", "") or "",
        system_reason="" if person is not None else str(getattr(actor, "reason", "")),
        source=context.source,
        request_id=context.request_id,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        field_name=workflow_field,
        transition=transition,
        from_state=source,
        to_state=target,
        reason=reason[:500],
    )
