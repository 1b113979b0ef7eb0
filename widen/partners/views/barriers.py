"""The barriers register: partners read it and raise barriers (anonymously if they wish);
coordinators write barriers up from workshops and keep the register, with mitigations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import form_page
from widen.partners.selectors.barriers import (
    barrier_get,
    barrier_register,
    coordinated_provider_get,
    mitigation_get,
    my_registers,
)
from widen.partners.selectors.plans import my_partner_get
from widen.partners.services.barriers import (
    barrier_owners,
    barrier_raise,
    barrier_record,
    barrier_update,
    mitigation_add,
    mitigation_update,
)
from widen.partners.views.barriers_forms import (
    BarrierForm,
    BarrierKeepForm,
    BarrierRaiseForm,
    MitigationForm,
)

# --- Partners ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def my_barriers_view(request: AuthenticatedRequest) -> HttpResponse:
    """The barriers registers of the student's providers, and a way to raise one."""
    registers = my_registers(actor=request.user)
    if not registers:
        raise NotFound
    return render(request, "partners/barriers/my_barriers.html", {"registers": registers})


@never_cache
@require_http_methods(["GET", "POST"])
def my_barrier_raise_view(request: AuthenticatedRequest, partner_id: UUID) -> HttpResponse:
    partner = my_partner_get(actor=request.user, partner_id=partner_id)
    form = BarrierRaiseForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        barrier_raise(
            actor=request.user,
            partner=partner,
            title=data["title"],
            description=data["description"],
            anonymous=data["anonymous"],
        )
        messages.success(
            request,
            "Thank you: your barrier is in the register, with nothing linking it to you."
            if data["anonymous"]
            else "Thank you: your barrier is in the register.",
        )
        return redirect("partners:my_barriers")

    return form_page(
        request,
        form,
        save,
        "partners/barriers/raise_form.html",
        {"partner": partner, "cancel": reverse("partners:my_barriers")},
    )


# --- Coordinators --------------------------------------------------------------------------


@require_http_methods(["GET"])
def barriers_view(request: AuthenticatedRequest, organisation_id: UUID) -> HttpResponse:
    provider = coordinated_provider_get(actor=request.user, organisation_id=organisation_id)
    register = barrier_register(actor=request.user, organisation=provider)
    return render(request, "partners/barriers/register.html", {"register": register})


@require_http_methods(["GET", "POST"])
def barrier_add_view(request: AuthenticatedRequest, organisation_id: UUID) -> HttpResponse:
    """Write up a barrier raised in a workshop."""
    provider = coordinated_provider_get(actor=request.user, organisation_id=organisation_id)
    form = BarrierForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        barrier = barrier_record(
            actor=request.user,
            organisation=provider,
            title=data["title"],
            description=data["description"],
        )
        messages.success(request, f"Added “{barrier.title}” to the register.")
        return redirect("partners:barrier", barrier_id=barrier.pk)

    return form_page(
        request,
        form,
        save,
        "partners/barriers/barrier_add.html",
        {"provider": provider, "cancel": reverse("partners:barriers", args=[provider.pk])},
    )


@require_http_methods(["GET", "POST"])
def barrier_view(request: AuthenticatedRequest, barrier_id: UUID) -> HttpResponse:
    """A barrier as its coordinator keeps it: status, owner, response, mitigations."""
    barrier = barrier_get(actor=request.user, barrier_id=barrier_id)
    form = BarrierKeepForm(
        request.POST or None,
        owners=barrier_owners(barrier.organisation_id),
        initial={"status": barrier.status, "owner": barrier.owner, "response": barrier.response},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        changed = barrier_update(
            actor=request.user,
            barrier=barrier,
            status=data["status"],
            owner=data["owner"],
            response=data["response"],
        )
        messages.success(request, "Saved." if changed else "Nothing was changed.")
        return redirect("partners:barrier", barrier_id=barrier.pk)

    return form_page(request, form, save, "partners/barriers/barrier.html", {"barrier": barrier})


@require_http_methods(["GET", "POST"])
def mitigation_add_view(request: AuthenticatedRequest, barrier_id: UUID) -> HttpResponse:
    barrier = barrier_get(actor=request.user, barrier_id=barrier_id)
    form = MitigationForm(request.POST or None, owners=barrier_owners(barrier.organisation_id))

    def save(data: dict[str, Any]) -> HttpResponse:
        mitigation_add(actor=request.user, barrier=barrier, **data)
        messages.success(request, "Mitigation added.")
        return redirect("partners:barrier", barrier_id=barrier.pk)

    return form_page(
        request,
        form,
        save,
        "partners/barriers/mitigation_form.html",
        {
            "barrier": barrier,
            "heading": "Add a mitigation",
            "submit": "Add the mitigation",
            "cancel": reverse("partners:barrier", args=[barrier.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def mitigation_edit_view(request: AuthenticatedRequest, mitigation_id: UUID) -> HttpResponse:
    mitigation = mitigation_get(actor=request.user, mitigation_id=mitigation_id)
    barrier = mitigation.barrier
    form = MitigationForm(
        request.POST or None,
        owners=barrier_owners(barrier.organisation_id),
        initial={
            "description": mitigation.description,
            "owner": mitigation.owner,
            "status": mitigation.status,
            "due_on": mitigation.due_on,
            "done_on": mitigation.done_on,
        },
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        changed = mitigation_update(actor=request.user, mitigation=mitigation, **data)
        messages.success(request, "Mitigation saved." if changed else "Nothing was changed.")
        return redirect("partners:barrier", barrier_id=barrier.pk)

    return form_page(
        request,
        form,
        save,
        "partners/barriers/mitigation_form.html",
        {
            "barrier": barrier,
            "heading": "Change a mitigation",
            "submit": "Save the mitigation",
            "cancel": reverse("partners:barrier", args=[barrier.pk]),
        },
    )


urlpatterns: list[URLPattern] = [
    path("my/barriers/", my_barriers_view, name="my_barriers"),
    path("my/<uuid:partner_id>/barriers/new/", my_barrier_raise_view, name="my_barrier_raise"),
    path("providers/<uuid:organisation_id>/barriers/", barriers_view, name="barriers"),
    path("providers/<uuid:organisation_id>/barriers/new/", barrier_add_view, name="barrier_add"),
    path("barriers/<uuid:barrier_id>/", barrier_view, name="barrier"),
    path(
        "barriers/<uuid:barrier_id>/mitigations/new/",
        mitigation_add_view,
        name="mitigation_add",
    ),
    path("mitigations/<uuid:mitigation_id>/", mitigation_edit_view, name="mitigation_edit"),
]
