"""Reading notifications: only one's own, through the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.notifications.models import Notification
from widen.notifications.permissions import notification_policy


def notification_list(*, actor: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """`actor`'s notifications, newest first."""
    notifications = notification_policy.visible_to(actor)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def notification_get(*, actor: Any, notification_id: Any) -> Notification:
    """One of `actor`'s notifications; anyone else's, a missing or malformed id: `NotFound`."""
    return notification_policy.get(actor, notification_id)


def unread_count(*, actor: Any) -> int:
    return notification_list(actor=actor, unread_only=True).count()
