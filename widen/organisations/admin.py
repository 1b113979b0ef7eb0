from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from widen.organisations.models import (
    DataSharingAgreement,
    Organisation,
    Partnership,
    PartnershipMember,
)
from widen.organisations.permissions import organisation_policy


class ScopedToPartnershipAdmin(admin.ModelAdmin):
    """Non-superusers see only their partnerships, and change nothing here."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Organisation)
class OrganisationAdmin(ScopedToPartnershipAdmin):
    list_display = ("name", "organisation_type", "ukprn", "urn", "local_authority")
    list_filter = ("organisation_type",)
    search_fields = ("name", "ukprn", "urn")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return organisation_policy.visible_to(request.user)


class PartnershipMemberInline(admin.TabularInline):
    model = PartnershipMember
    raw_id_fields = ("organisation",)
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(ScopedToPartnershipAdmin):
    list_display = ("name", "lead_organisation")
    inlines = [PartnershipMemberInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return organisation_policy.partnerships_visible_to(request.user)


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(ScopedToPartnershipAdmin):
    list_display = ("title", "partnership", "starts_on", "ends_on", "revoked_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return organisation_policy.agreements_visible_to(request.user)
