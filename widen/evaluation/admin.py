"""The question bank in the admin: scoped to the person's partnerships, and a published scale's
wording read-only (its items cannot be added, changed or removed; the scale cannot be deleted).
Only its description can still be improved; a change of wording is a new version."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from widen.evaluation.models import Scale, ScaleItem
from widen.organisations.permissions import organisation_policy

LOCKED_SCALE_FIELDS = (
    "partnership",
    "key",
    "name",
    "version",
    "source",
    "response_options",
    "scoring",
    "status",
    "published_at",
    "previous_version",
)


def _published(obj: Any) -> bool:
    return isinstance(obj, Scale) and obj.pk is not None and obj.is_published


class ScaleItemInline(admin.TabularInline):
    model = ScaleItem
    fields = ("position", "code", "text", "reverse_scored")
    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields if _published(obj) else ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "status", "source", "partnership")
    list_filter = ("status", "source")
    search_fields = ("name", "key")
    inlines = (ScaleItemInline,)
    fields = (*LOCKED_SCALE_FIELDS, "description")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        partnerships = organisation_policy.partnerships_visible_to(request.user)
        return queryset.filter(Q(partnership=None) | Q(partnership__in=partnerships))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return LOCKED_SCALE_FIELDS if _published(obj) else ("status", "published_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)
