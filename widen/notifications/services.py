"""Telling people things: `notify`, and a person's own choices and list.

`notify` renders the message at once (so a broken template fails the change that sent it) and
writes it to the outbox only when the surrounding transaction commits: a change rolled back
tells nobody. The outbox is then e-mailed by a background job (`widen.notifications.tasks`),
or by `widen notifications send` where no worker runs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from widen.accounts.capabilities import is_person
from widen.accounts.models import User
from widen.core.exceptions import ApplicationError
from widen.notifications import stop_links
from widen.notifications.models import (
    ESSENTIAL_CATEGORIES,
    Category,
    DeliveryStatus,
    Notification,
    Preference,
)
from widen.notifications.permissions import MARK_READ, notification_policy
from widen.notifications.rendering import RenderedMessage, notification_render

logger = logging.getLogger(__name__)


def address_key(email: str) -> str:
    """An e-mail address as preferences are kept for it."""
    return email.strip().lower()


def notification_wanted(*, category: str, user: User | None = None, email: str = "") -> bool:
    """Whether the person (a user, or an address without an account) receives `category`:
    always for an essential category; otherwise unless they turned it off."""
    if category in ESSENTIAL_CATEGORIES:
        return True
    whose = Q(pk__in=[])
    if user is not None:
        whose |= Q(user=user)
        email = email or user.email
    if email:
        whose |= Q(user__isnull=True, email=address_key(email))
    return not Preference.objects.filter(whose, category=category, enabled=False).exists()


def _footer(category: Category, *, user: User | None, email: str) -> str:
    if category in ESSENTIAL_CATEGORIES:
        return ""
    if user is not None:
        return (
            f"You receive these as '{category.label}'. To choose which e-mails you get, "
            f"sign in to Widen and open Notifications, then Your choices."
        )
    stop = stop_links.stop_url(email=email, category=category)
    if not stop:
        return ""
    return f"To stop e-mails like this ('{category.label}'), use this link: {stop}"


def notify(
    *,
    template: str,
    category: Category | str,
    context: Mapping[str, Any] | None = None,
    user: User | None = None,
    email: str = "",
    link: str = "",
    secret: bool = False,
) -> None:
    """Tell one person something, once the current transaction commits.

    `user`: a person with an account (e-mailed at their address, and listed among their
    notifications in Widen); or `email`: an address without an account (a booking's, a
    parent's), e-mailed only. `template` names the templates under `notifications/` that write
    it (see `widen.notifications.rendering`); `context` fills them (it is rendered now).
    `category` decides whether the person's choices allow it (essential ones always go).
    `link` is where the entry in Widen's list leads (a path); `secret` says the body holds a
    one-time link or code, so it is wiped once e-mailed.
    """
    category = Category(category)
    if (user is None) == (not email):
        raise ValueError("Notify either a user or an e-mail address, not both or neither.")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(
            f"A notification's link is a path in Widen, such as /events/, not {link!r}."
        )
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ApplicationError(
                f"{email!r} is not an e-mail address we can write to.", field="email"
            ) from error
    address = email or (user.email if user is not None else "")
    footer = _footer(category, user=user, email=address)
    full_context = {
        **(context or {}),
        "recipient_name": (user.get_full_name() or user.username) if user is not None else "",
        "essential": category in ESSENTIAL_CATEGORIES,
        "category_label": category.label,
        "footer": footer,
    }
    message = notification_render(template, full_context)
    if footer:
        message = RenderedMessage(
            subject=message.subject,
            text=f"{message.text.rstrip()}\n\n--\n{footer}\n",
            html=message.html,
        )

    def queue() -> None:
        _queue(
            template=template,
            category=category,
            message=message,
            user=user,
            email=address,
            link=link,
            secret=secret,
        )

    transaction.on_commit(queue, robust=True)


def _queue(
    *,
    template: str,
    category: Category,
    message: RenderedMessage,
    user: User | None,
    email: str,
    link: str,
    secret: bool,
) -> Notification | None:
    if not notification_wanted(category=category, user=user, email=email):
        return None
    now = timezone.now()
    notification = Notification.objects.create(
        user=user,
        email=email,
        category=category,
        template=template,
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
        link=link,
        secret=secret,
        status=DeliveryStatus.QUEUED if email else DeliveryStatus.NO_ADDRESS,
        next_attempt_at=now if email else None,
    )
    if email:
        from widen.notifications.tasks import notification_deliver_task  # noqa: PLC0415

        try:
            notification_deliver_task.enqueue(str(notification.pk))
        except Exception:  # the outbox keeps it: `widen notifications send` sends it
            logger.exception("Notification %s was queued but its job was not", notification.pk)
    return notification


# --- A person's own list and choices -------------------------------------------------------


def notification_mark_read(
    *, actor: Any, notification: Notification, read: bool = True
) -> Notification:
    """Mark one of `actor`'s own notifications read (or unread again); another's answers
    `NotFound`."""
    notification_policy.require(actor, MARK_READ, notification)
    if read and notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    elif not read and notification.read_at is not None:
        notification.read_at = None
        Notification.objects.filter(pk=notification.pk).update(read_at=None)
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of `actor`'s own read; how many were."""
    if not is_person(actor):
        raise ApplicationError("Only a signed-in person has notifications to read.")
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_set(*, actor: Any, category: Category | str, enabled: bool) -> Preference:
    """Turn one optional category of `actor`'s notifications on or off."""
    if not is_person(actor):
        raise ApplicationError("Only a signed-in person has choices to make.")
    category = _optional_category(category)
    preference, _ = Preference.objects.update_or_create(
        user=actor, category=category, defaults={"enabled": enabled}
    )
    return preference


def preferences_of(*, actor: Any) -> dict[str, bool]:
    """Each optional category, and whether `actor` receives it."""
    chosen = dict(
        Preference.objects.filter(user=actor).values_list("category", "enabled")
        if is_person(actor)
        else []
    )
    return {
        category.value: chosen.get(category.value, True)
        for category in Category
        if category not in ESSENTIAL_CATEGORIES
    }


def address_preference_set(*, email: str, category: Category | str, enabled: bool) -> Preference:
    """Turn one optional category on or off for an address without an account (from the
    signed link in an e-mail it was sent)."""
    category = _optional_category(category)
    preference, _ = Preference.objects.update_or_create(
        user=None, email=address_key(email), category=category, defaults={"enabled": enabled}
    )
    return preference


def _optional_category(category: Category | str) -> Category:
    try:
        chosen = Category(category)
    except ValueError as error:
        raise ApplicationError(
            f"There is no kind of notification called {category!r}.", field="category"
        ) from error
    if chosen in ESSENTIAL_CATEGORIES:
        raise ApplicationError(
            f"'{chosen.label}' are always sent: they cannot be turned off.", field="category"
        )
    return chosen
