from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from widen.audit.models import AccessLogEntry, AuditEvent, StateChange
from widen.core.admin import NoWritesAdmin


class ReadOnlyAdmin(NoWritesAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor_username", "action", "object_type", "object_id", "source")
    list_filter = ("action", "source", "object_type")
    search_fields = ("actor_username", "object_id", "learner_id")


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "actor_username",
        "subject_type",
        "subject_id",
        "learner_id",
        "purpose",
        "source",
    )
    list_filter = ("subject_type", "source")
    search_fields = ("actor_username", "learner_id", "subject_id")


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "actor_username",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
        "source",
    )
    list_filter = ("object_type", "transition", "source")
    search_fields = ("actor_username", "object_id")
