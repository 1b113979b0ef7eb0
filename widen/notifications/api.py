"""The caller's own notifications in the JSON API, and their choices."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page, page_of
from widen.notifications.models import Notification
from widen.notifications.selectors import notification_get, notification_list
from widen.notifications.services import (
    notification_mark_read,
    preference_set,
    preferences_of,
)

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: UUID
    category: str
    subject: str
    body_text: str
    link: str
    created_at: datetime
    read: bool
    read_at: datetime | None
    emailed_at: datetime | None

    @staticmethod
    def resolve_read(notification: Notification) -> bool:
        return notification.read_at is not None

    @staticmethod
    def resolve_emailed_at(notification: Notification) -> datetime | None:
        return notification.sent_at


class NotificationChange(InputSchema):
    read: bool


class PreferencesIn(InputSchema):
    """The optional categories to turn on (true) or off (false); others stay as they are."""

    reminders: bool | None = None
    surveys: bool | None = None
    updates: bool | None = None


class PreferencesOut(Schema):
    reminders: bool
    surveys: bool
    updates: bool


@router.get("", response=Page[NotificationOut], operation_id="notification_list")
def notification_list_api(
    request: HttpRequest, unread: bool = False, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """The caller's own notifications, newest first (`unread=true`: only those not read)."""
    notifications = notification_list(actor=api_actor(request), unread_only=unread)
    return page_of(notifications, limit=limit, offset=offset).answer()


@router.get("/preferences", response=PreferencesOut, operation_id="notification_preferences")
def notification_preferences_api(request: HttpRequest) -> dict[str, bool]:
    return preferences_of(actor=api_actor(request))


@router.patch(
    "/preferences", response=PreferencesOut, operation_id="notification_preferences_update"
)
def notification_preferences_update_api(
    request: HttpRequest, payload: PreferencesIn
) -> dict[str, bool]:
    actor = api_actor(request)
    for category, enabled in payload.model_dump(exclude_none=True).items():
        preference_set(actor=actor, category=category, enabled=enabled)
    return preferences_of(actor=actor)


@router.get("/{notification_id}", response=NotificationOut, operation_id="notification_get")
def notification_get_api(request: HttpRequest, notification_id: UUID) -> Notification:
    return notification_get(actor=api_actor(request), notification_id=notification_id)


@router.patch("/{notification_id}", response=NotificationOut, operation_id="notification_update")
def notification_update_api(
    request: HttpRequest, notification_id: UUID, payload: NotificationChange
) -> Notification:
    """Mark one of the caller's notifications read (or unread again)."""
    actor = api_actor(request)
    notification = notification_get(actor=actor, notification_id=notification_id)
    notification = notification_mark_read(actor=actor, notification=notification, read=payload.read)
    return notification
