"""The outbox in the admin site: who was sent what kind of message, each attempt and the last
error, to see why an e-mail did not go. Never the bodies (they may hold one-time links), and
nothing is changed here: `widen notifications retry` queues failed ones again."""

from __future__ import annotations

from django.contrib import admin

from widen.core.admin import NoWritesAdmin
from widen.notifications.models import Notification

SHOWN = (
    "subject",
    "user",
    "email",
    "category",
    "template",
    "status",
    "attempts",
    "attempt_limit",
    "next_attempt_at",
    "last_error",
    "created_at",
    "sent_at",
    "read_at",
)


@admin.register(Notification)
class NotificationAdmin(NoWritesAdmin):
    list_display = ("subject", "user", "email", "category", "status", "attempts", "created_at")
    list_filter = ("status", "category")
    search_fields = ("email", "user__username")
    fields = SHOWN
    readonly_fields = SHOWN
