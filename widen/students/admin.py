"""Django admin for students: read-only, scoped exactly like the pages. Students are changed on
their pages (or by import), where a change of status or of a declared characteristic keeps its
history; the admin never bypasses that."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from widen.organisations.models import DataCategory
from widen.students.models import Student, TermDates
from widen.students.permissions import student_policy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Student)
class StudentAdmin(ReadOnlyAdmin):
    list_display = ("student_number", "last_name", "first_name", "organisation", "status")
    list_filter = ("status", "level")
    search_fields = ("student_number", "last_name", "first_name")
    # Only what names the record: its characteristics are shown on its page, with the access log.
    fields = ("organisation", "student_number", "first_name", "last_name", "status")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        visible = student_policy.visible_to(request.user, needing=DataCategory.IDENTITY)
        return queryset.filter(pk__in=visible.values("pk"))


@admin.register(TermDates)
class TermDatesAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "academic_year", "name", "starts_on", "ends_on")
    list_filter = ("academic_year",)
