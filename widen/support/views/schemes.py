"""Support schemes' pages: the list, a new scheme, a scheme (who is eligible and why, working it
out), and its rules changed with a preview of who would gain and lose before saving."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.support.forms import SchemeForm
from widen.support.permissions import MANAGE, managed_providers, scheme_policy
from widen.support.selectors import (
    eligible_views_record,
    scheme_counts,
    scheme_eligible_students,
    scheme_get,
    scheme_list,
)
from widen.support.services.preview import scheme_rule_preview
from widen.support.services.schemes import (
    scheme_create,
    scheme_eligibility_compute,
    scheme_rule_set,
)

PAGE_SIZE = 50
KEPT_ON_ADD = ("organisation", "name", "purpose", "special_category_condition")
KEPT_DATES = ("period_starts", "period_ends")


@require_GET
def scheme_list_view(request: AuthenticatedRequest) -> HttpResponse:
    providers = managed_providers(request.user)
    if not providers.exists():
        raise NotFound
    schemes = [scheme_counts(actor=request.user, scheme=s) for s in scheme_list(actor=request.user)]
    return render(request, "support/scheme_list.html", {"schemes": schemes})


def _scheme_form(
    request: AuthenticatedRequest, initial: dict[str, Any], **options: Any
) -> tuple[SchemeForm, dict[str, Any]]:
    """The scheme form: bound to what was sent when saving or previewing; laid out afresh with a
    condition more or fewer when "Add" or "Remove" was pressed (as the rule set form)."""
    extra: dict[str, Any] = {"focus": "", "add_problem": None}
    if request.method != "POST":
        conditions = initial.pop("conditions", [])
        return SchemeForm(initial=initial, conditions=conditions, **options), extra
    add = request.POST.get("add", "")
    remove = request.POST.get("remove", "")
    if not add and not remove:
        return SchemeForm(request.POST, initial=initial, **options), extra
    drafted, focus = SchemeForm.draft(request.POST, add=add, remove=remove)
    conditions = drafted.pop("conditions")
    kept: dict[str, Any] = {
        name: request.POST[name] for name in (*KEPT_ON_ADD, *KEPT_DATES) if name in request.POST
    }
    kept["is_active"] = "is_active" in request.POST  # an unticked box is not sent at all
    form = SchemeForm(initial={**initial, **kept, **drafted}, conditions=conditions, **options)
    extra["focus"] = focus
    if focus.startswith("id_") and focus[3:] in form.fields:
        form.fields[focus[3:]].widget.attrs["data-focus"] = ""
    if add and not focus.startswith("condition-"):
        extra["add_problem"] = {
            "id": f"id_{add}_new",
            "message": "Choose the condition to add from the list, then press Add.",
        }
    return form, extra


@require_http_methods(["GET", "POST"])
def scheme_create_view(request: AuthenticatedRequest) -> HttpResponse:
    providers = managed_providers(request.user)
    if not providers.exists():
        raise NotFound
    form, extra = _scheme_form(request, {"organisation": providers.first()}, providers=providers)

    def save(data: dict[str, Any]) -> HttpResponse:
        scheme = scheme_create(
            actor=request.user,
            organisation=data["organisation"],
            name=data["name"],
            definition=form.definition(),
            purpose=data["purpose"],
            special_category_condition=data["special_category_condition"],
            period_starts=data["period_starts"],
            period_ends=data["period_ends"],
            is_active=data["is_active"],
        )
        messages.success(request, f"Saved {scheme}. Work out who is eligible when you are ready.")
        return redirect("support:scheme", scheme_id=scheme.pk)

    return form_page(request, form, save, "support/scheme_form.html", {"scheme": None, **extra})


@require_GET
def scheme_detail_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    versions = list(scheme.versions.select_related("created_by"))
    eligible = Paginator(scheme_eligible_students(actor=request.user, scheme=scheme), PAGE_SIZE)
    page = eligible.get_page(request.GET.get("page"))
    eligible_views_record(
        actor=request.user,
        scheme=scheme,
        rows=list(page.object_list),
        purpose=f"eligible students of the support scheme {scheme}",
    )
    return render(
        request,
        "support/scheme_detail.html",
        {
            "scheme": scheme,
            "current": versions[0] if versions else None,
            "versions": versions,
            "counts": scheme_counts(actor=request.user, scheme=scheme),
            "page": page,
            "worked_out_with": {row.version.number for row in page},
        },
    )


@require_POST
def scheme_compute_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    scheme = scheme_policy.get(request.user, scheme_id, action=MANAGE)
    carried_out(
        request,
        lambda: scheme_eligibility_compute(scheme, actor=request.user),
        lambda run: f"Worked out {run.summary()}.",
    )
    return redirect("support:scheme", scheme_id=scheme.pk)


@require_http_methods(["GET", "POST"])
def scheme_rule_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    """Change who the scheme is for: "Preview changes" shows who would gain and lose, course by
    course; "Save as a new version" keeps the rules as the scheme's next version."""
    scheme = scheme_policy.get(request.user, scheme_id, action=MANAGE)
    current = scheme.current_version
    initial = {
        "purpose": scheme.purpose,
        "special_category_condition": scheme.special_category_condition,
        **SchemeForm.initial_for(current.definition if current else {}),
    }
    form, extra = _scheme_form(request, initial)
    preview = None
    if form.is_bound and form.is_valid():
        definition = form.definition()
        purpose = form.cleaned_data["purpose"]
        condition = form.cleaned_data["special_category_condition"]
        try:
            if "save" in request.POST:
                version = scheme_rule_set(
                    actor=request.user,
                    scheme=scheme,
                    definition=definition,
                    purpose=purpose,
                    special_category_condition=condition,
                )
                messages.success(
                    request,
                    f"Saved version {version.number}. Work out who is eligible to use it.",
                )
                return redirect("support:scheme", scheme_id=scheme.pk)
            scheme.purpose, scheme.special_category_condition = purpose, condition
            preview = scheme_rule_preview(scheme, definition, actor=request.user)
        except ApplicationError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "support/scheme_form.html",
        {"form": form, "scheme": scheme, "current": current, "preview": preview, **extra},
    )
