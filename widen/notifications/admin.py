"""The outbox in the admin site: who was sent what kind of message, each attempt and the last
error, to see why an e-mail did not go. Never the bodies (they may hold one-time links), and
nothing is changed here: `widen notifications retry` queues failed ones again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "user", "email", "category", "status", "attempts", "created_at")
    list_filter = ("status", "category")
    search_fields = ("email", "user__username")
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
