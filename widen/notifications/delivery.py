"""E-mailing the outbox: one attempt at a time, with retries further and further apart.

Each attempt first claims its notification with one conditional update, so two workers (or a
worker and `widen notifications send`) never send it twice at once. A failed attempt records
its error and waits (1 minute, then 5, 30, 120) before the next; after `attempt_limit` attempts
the notification is marked failed until `widen notifications retry` queues it again. A claim
left by a worker that stopped mid-send is taken again after `CLAIM_TIMEOUT`.

A failed notification whose body Widen would not have kept once e-mailed (a one-time link or
code, or a message to an address without an account) is not kept for ever either:
`outbox_forget_failed` wipes its body after `WIDEN_NOTIFICATION_FAILED_DAYS` and gives it up, so
it is never retried with the body gone.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from widen.notifications.models import MAX_ATTEMPTS, DeliveryStatus, Notification
from widen.notifications.stop_links import stop_url

logger = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
CLAIM_TIMEOUT = timedelta(minutes=15)
ERROR_MAX_LENGTH = 2000

SENT = "sent"
RETRYING = "retrying"
FAILED = "failed"
SKIPPED = "skipped"


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def _due(now: datetime) -> Q:
    return Q(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.email],
        headers={"X-Widen-Notification": str(notification.pk)},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.user_id is None and not notification.essential:
        # Mail programs offer their own "unsubscribe" button from these (RFC 2369, RFC 8058).
        stop = stop_url(email=notification.email, category=notification.category)
        if stop:
            message.extra_headers["List-Unsubscribe"] = f"<{stop}>"
            message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def notification_deliver(
    notification_id: Any, *, now: datetime | None = None
) -> tuple[str, Notification | None]:
    """One attempt to e-mail one notification, if it is due; what happened and the row."""
    now = now or timezone.now()
    claimed = (
        Notification.objects.filter(_due(now), pk=notification_id)
        .exclude(email="")
        .update(status=DeliveryStatus.SENDING, claimed_at=now)
    )
    if not claimed:
        return SKIPPED, None
    notification = Notification.objects.get(pk=notification_id)
    attempts = notification.attempts + 1
    try:
        _message(notification).send(fail_silently=False)
    except Exception as error:  # any failure of delivery is recorded and retried
        logger.warning("Notification %s was not sent: %s", notification.pk, error)
        failed = attempts >= notification.attempt_limit
        changes: dict[str, Any] = {
            "attempts": attempts,
            "last_error": f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH],
            "claimed_at": None,
            "status": DeliveryStatus.FAILED if failed else DeliveryStatus.QUEUED,
            "next_attempt_at": None if failed else now + backoff(attempts),
        }
        outcome = FAILED if failed else RETRYING
    else:
        changes = {
            "attempts": attempts,
            "status": DeliveryStatus.SENT,
            "sent_at": now,
            "claimed_at": None,
            "next_attempt_at": None,
        }
        if notification.secret or notification.user_id is None:
            # A one-time link, or a message to someone with no list in Widen to read it in:
            # nothing needs the body once it is e-mailed.
            changes |= {"body_text": "", "body_html": ""}
        outcome = SENT
    Notification.objects.filter(pk=notification.pk).update(**changes)
    notification.refresh_from_db()
    return outcome, notification


def outbox_send_due(*, now: datetime | None = None, limit: int | None = None) -> Counter[str]:
    """Attempt every notification that is due, oldest first; how many of each outcome."""
    now = now or timezone.now()
    due = (
        Notification.objects.filter(_due(now))
        .exclude(email="")
        .order_by("next_attempt_at", "created_at")
        .values_list("pk", flat=True)
    )
    if limit is not None:
        due = due[:limit]
    outcomes: Counter[str] = Counter()
    for notification_id in list(due):
        outcome, _ = notification_deliver(notification_id, now=now)
        outcomes[outcome] += 1
    return outcomes


def outbox_retry_failed(*, now: datetime | None = None) -> int:
    """Queue every notification that failed for another round of attempts; how many."""
    now = now or timezone.now()
    return Notification.objects.filter(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED,
        next_attempt_at=now,
        attempt_limit=F("attempts") + MAX_ATTEMPTS,
    )


def _body_not_kept_once_sent() -> Q:
    """Notifications whose body nothing in Widen shows after it is e-mailed."""
    return Q(secret=True) | Q(user__isnull=True)


def outbox_forget_failed(*, now: datetime | None = None) -> int:
    """Give up the failed notifications older than the keeping period whose body only the
    e-mail was for, wiping the body; how many. What was attempted and the last error stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WIDEN_NOTIFICATION_FAILED_DAYS)
    return Notification.objects.filter(
        _body_not_kept_once_sent(), status=DeliveryStatus.FAILED, created_at__lt=cutoff
    ).update(status=DeliveryStatus.GIVEN_UP, body_text="", body_html="", next_attempt_at=None)
