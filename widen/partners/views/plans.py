"""Flexibility plans: the student's "My plan" (seeing and changing it, one-off changes) and a
coordinator's read-only view of a partner's plan."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.core.forms import add_service_error
from widen.partners.selectors.plans import (
    my_partner_get,
    my_plan_change_get,
    my_plan_get,
    my_plans,
    partner_plan_get,
    plan_views_record,
)
from widen.partners.services.plans import (
    Window,
    plan_change_add,
    plan_change_remove,
    plan_update,
)
from widen.partners.views.plans_forms import (
    PlanChangeForm,
    PlanForm,
    hours_initial,
    window_rows,
)


@never_cache
@require_http_methods(["GET"])
def my_plan_view(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in student's plans, one per provider they work for; nobody else has one."""
    plans = my_plans(actor=request.user)
    if not plans:
        raise NotFound
    return render(request, "partners/plans/my_plan.html", {"plans": plans})


def _rows_problems(rows: Any) -> list[dict[str, str]]:
    """Each error of a weekly window's row, for the page's error summary."""
    problems = []
    for number, row in enumerate(rows.forms, start=1):
        for name, errors in row.errors.items():
            for error in errors:
                problems.append({"id": row[name].id_for_label, "message": f"Row {number}: {error}"})
    return problems


@never_cache
@require_http_methods(["GET", "POST"])
def my_plan_edit_view(request: AuthenticatedRequest, partner_id: UUID) -> HttpResponse:
    """Change the plan: the weekly windows (a row each; more rows by posting), the most hours
    a week, the ways of working, what helps and the private reasons."""
    partner = my_partner_get(actor=request.user, partner_id=partner_id)
    shown = my_plan_get(actor=request.user, partner=partner)
    plan = shown.plan
    if request.method == "POST":
        form = PlanForm(request.POST)
        rows = window_rows(request.POST)
        if "add_rows" not in request.POST:
            valid = form.is_valid() & rows.is_valid()
            if valid:
                try:
                    changed = plan_update(
                        actor=request.user,
                        partner=partner,
                        windows=[Window(*window) for row in rows.forms if (window := row.window())],
                        max_weekly_hours=form.cleaned_data["max_weekly_hours"],
                        modes=form.cleaned_data["modes"],
                        what_helps=form.cleaned_data["what_helps"],
                        reasons=form.cleaned_data["reasons"],
                        share_reasons=form.cleaned_data["share_reasons"],
                    )
                except (ApplicationError, ValidationError) as error:
                    add_service_error(form, error)
                else:
                    messages.success(
                        request, "Your plan is saved." if changed else "Nothing was changed."
                    )
                    return redirect("partners:my_plan")
        else:
            # More rows: the page again with what was typed, and no errors yet.
            form = PlanForm(initial={name: form[name].value() for name in form.fields})
            rows = window_rows(
                saved=[
                    tuple(row[name].value() for name in ("weekday", "starts_at", "ends_at"))
                    for row in rows.forms
                    if any(row[name].value() for name in ("weekday", "starts_at", "ends_at"))
                ]
            )
    else:
        form = PlanForm(
            initial={
                "max_weekly_hours": hours_initial(plan.max_weekly_minutes),
                "modes": [] if plan._state.adding else plan.modes,
                "what_helps": plan.what_helps,
                "reasons": plan.reasons,
                "share_reasons": plan.share_reasons,
            }
        )
        rows = window_rows(
            saved=[
                (pattern.weekday, pattern.starts_at, pattern.ends_at)
                for day in shown.days
                for pattern in day.windows
            ]
        )
    problems = _rows_problems(rows) if rows.is_bound else []
    return render(
        request,
        "partners/plans/plan_form.html",
        {
            "form": form,
            "rows": rows,
            "row_problems": problems,
            "page_errors": bool(problems),
            "partner": partner,
            "cancel": reverse("partners:my_plan"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_plan_change_add_view(request: AuthenticatedRequest, partner_id: UUID) -> HttpResponse:
    """A one-off change on a date: not available that day, or available only in a window."""
    partner = my_partner_get(actor=request.user, partner_id=partner_id)
    form = PlanChangeForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        change = plan_change_add(
            actor=request.user,
            partner=partner,
            on=data["on"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        messages.success(request, f"Added: {change}.")
        return redirect("partners:my_plan")

    return form_page(
        request,
        form,
        save,
        "partners/plans/change_form.html",
        {"partner": partner, "cancel": reverse("partners:my_plan")},
    )


@require_http_methods(["POST"])
def my_plan_change_remove_view(request: AuthenticatedRequest, change_id: UUID) -> HttpResponse:
    change = my_plan_change_get(actor=request.user, change_id=change_id)
    what = str(change)
    carried_out(
        request,
        lambda: plan_change_remove(actor=request.user, change=change),
        f"Removed: {what}. Your usual week holds that day again.",
    )
    return redirect("partners:my_plan")


@require_http_methods(["GET"])
def partner_plan_view(request: AuthenticatedRequest, partner_id: UUID) -> HttpResponse:
    """A partner's plan as their coordinator sees it: read only, the reasons only if shared.
    Each view is put in the access log."""
    shown = partner_plan_get(actor=request.user, partner_id=partner_id)
    plan_views_record(actor=request.user, shown=[shown], purpose="Partner's flexibility plan")
    return render(request, "partners/plans/partner_plan.html", {"shown": shown})


urlpatterns: list[URLPattern] = [
    path("my/plan/", my_plan_view, name="my_plan"),
    path("my/<uuid:partner_id>/plan/edit/", my_plan_edit_view, name="my_plan_edit"),
    path(
        "my/<uuid:partner_id>/plan/changes/new/",
        my_plan_change_add_view,
        name="my_plan_change_add",
    ),
    path(
        "my/plan/changes/<uuid:change_id>/remove/",
        my_plan_change_remove_view,
        name="my_plan_change_remove",
    ),
    path("partners/<uuid:partner_id>/plan/", partner_plan_view, name="partner_plan"),
]
