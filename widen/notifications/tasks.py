"""Background work for notifications: e-mail one from the outbox."""

from __future__ import annotations

import logging

from django_tasks import task

from widen.notifications.delivery import RETRYING, notification_deliver

logger = logging.getLogger(__name__)


@task()
def notification_deliver_task(notification_id: str) -> str:
    """One attempt at one notification; after a failure, the next attempt is queued for when
    it is due (where the task backend can defer work; otherwise `widen notifications send`,
    run every few minutes, sends it)."""
    outcome, notification = notification_deliver(notification_id)
    if outcome == RETRYING and notification is not None and notification.next_attempt_at:
        backend = notification_deliver_task.get_backend()
        if backend.supports_defer:
            notification_deliver_task.using(run_after=notification.next_attempt_at).enqueue(
                notification_id
            )
    return outcome
