"""Admin pieces every app shares."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class NoWritesAdmin(admin.ModelAdmin):
    """An admin page that shows records and never adds, changes or deletes one: they are written
    only by the app's own services, which keep its rules and its audit trail."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
