"""What open data is loaded: each dataset edition, read-only (files are loaded with the CLI)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from widen.core.admin import NoWritesAdmin
from widen.reference.models import DatasetEdition


@admin.register(DatasetEdition)
class DatasetEditionAdmin(NoWritesAdmin):
    list_display = (
        "dataset",
        "edition",
        "publisher",
        "row_count",
        "file_name",
        "loaded_at",
        "synthetic",
    )
    list_filter = ("dataset", "synthetic")
    search_fields = ("edition", "file_name", "file_sha256", "title")
    ordering = ("dataset", "-loaded_at")
    readonly_fields = [field.name for field in DatasetEdition._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
