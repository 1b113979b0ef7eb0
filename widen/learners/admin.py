"""Django admin for learners, scoped exactly like the pages (SECURITY 14)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from widen.learners.forms import ConsentRecordForm
from widen.learners.imports.selectors import import_run_list
from widen.learners.models import (
    CHARACTERISTIC_FIELDS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    ConsentRecord,
    ImportRun,
    Learner,
    ParentCarer,
)
from widen.learners.permissions import learner_policy
from widen.learners.selectors import learner_access_map
from widen.learners.services import learner_views_record
from widen.organisations.models import DataCategory


class ScopedLearnerAdmin(admin.ModelAdmin):
    """Staff see only learners the policy lets them see, and change only those they may edit."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # The admin's lists show and search learners' names: only those the person sees by name.
        visible = learner_policy.visible_to(
            request.user,  # type: ignore[arg-type]
            needing=DataCategory.IDENTITY,
        )
        return queryset.filter(**{f"{self.learner_path}__in": visible})

    learner_path = "id"

    def _access(self, request: HttpRequest, learner: Learner | None) -> Any:
        if learner is None:
            return None
        return learner_policy.access(request.user, learner)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_module_permission(request):
            return False
        if obj is None or request.user.is_superuser:
            return True
        learner = self.learner_of(obj)
        # Only the organisation holding the learner changes them (the learner policy decides).
        return learner is not None and learner_policy.may_change(request.user, learner)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser and super().has_delete_permission(request, obj))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser and super().has_add_permission(request))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        # Someone else's learner answers exactly like a missing one (SECURITY 10, 14).
        if self.get_object(request, object_id) is None:
            raise Http404("No such learner.")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        if self.get_object(request, object_id) is None:
            raise Http404("No such learner.")
        return super().history_view(request, object_id, extra_context)

    def learner_of(self, obj: Any) -> Learner | None:
        return obj if isinstance(obj, Learner) else getattr(obj, "learner", None)


@admin.register(Learner)
class LearnerAdmin(ScopedLearnerAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "school", "organisation")
    list_filter = ("organisation",)
    search_fields = ("last_name", "first_name", "upn")
    raw_id_fields = ("school", "organisation")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and not request.user.is_superuser:
            # Names a partner's staff see in the list are in the access log, one insert a page.
            shown = list(changelist.result_list)
            learner_views_record(
                actor=request.user,  # type: ignore[arg-type]
                learners=shown,
                access_by_learner=learner_access_map(actor=request.user, learners=shown),  # type: ignore[arg-type]
                purpose="admin learner list",
                categories_shown=[DataCategory.IDENTITY],
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        learner = self.get_object(request, object_id)
        access = self._access(request, learner)
        if learner is not None and access is not None and request.method == "GET":
            learner_views_record(
                actor=request.user,  # type: ignore[arg-type]
                learners=[learner],
                access_by_learner={learner.id: access},
                purpose="admin learner record viewed",
            )
        return response

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return [
                "organisation",
                "school",
                *IDENTITY_FIELDS,
                *CHARACTERISTIC_FIELDS,
                *SPECIAL_CATEGORY_FIELDS,
            ]
        access = self._access(request, obj)
        visible = access.visible_fields() if access else (*IDENTITY_FIELDS, *CHARACTERISTIC_FIELDS)
        return ["school", *visible]


@admin.register(ParentCarer)
class ParentCarerAdmin(ScopedLearnerAdmin):
    learner_path = "learner"
    list_display = ("name", "relationship", "learner")
    fields = ("name", "relationship", "email", "phone")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ScopedLearnerAdmin):
    learner_path = "learner"
    list_display = ("learner", "lawful_basis", "given_by", "recorded_on")
    fields = (*ConsentRecordForm.Meta.fields, "withdrawn_on")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The import ledger, read-only: who imported which file when, and what it did."""

    list_display = (
        "file_name",
        "created_at",
        "uploaded_by",
        "organisation",
        "school",
        "status",
        "rows_created",
        "rows_updated",
        "rows_rejected",
    )
    list_filter = ("status",)
    fields = (
        "file_name",
        "file_format",
        "file_sha256",
        "file_size",
        "organisation",
        "school",
        "uploaded_by",
        "created_at",
        "status",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_repeated",
        "rows_rejected",
        "partial",
        "committed_at",
        "rolled_back_at",
        "message",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if request.user.is_superuser:
            return super().get_queryset(request).defer("file_content", "changes")
        return import_run_list(actor=request.user)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
