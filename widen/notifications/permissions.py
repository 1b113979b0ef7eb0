"""Who sees which notifications: a person sees only their own.

Anyone else's notification, a missing one and a malformed id answer alike (`NotFound`). Widen
itself (a command, a job) sees every notification, to send it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import is_person, is_system
from widen.core.policy import VIEW, Policy
from widen.notifications.models import Notification

MARK_READ = "mark_read"


class NotificationPolicy(Policy[Notification]):
    actions = frozenset({VIEW, MARK_READ})

    def visible_to(self, actor: Any) -> QuerySet[Notification]:
        if is_system(actor):
            return Notification.objects.all()
        if not is_person(actor):
            return Notification.objects.none()
        return Notification.objects.filter(user=actor)

    def _may(self, actor: Any, action: str, obj: Notification) -> bool:
        # Marking read is for the person it was written to, never for Widen itself.
        return is_person(actor) and obj.user_id is not None and obj.user_id == actor.pk


notification_policy = NotificationPolicy()
