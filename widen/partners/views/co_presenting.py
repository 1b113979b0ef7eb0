"""Naming a student partner a co-presenter of a talk at an event (a conference strand's talk).

A coordinator whose provider is a member of the event's partnership opens the talk's
co-presenting page (from the event's "Strands, talks and presenters"): the talk's presenters,
with the preparation and delivery shifts their students are booked on, and a form choosing one
of the coordinator's own partners, a co-presenter role, and the preparation time. Anyone else
gets 404, as for a talk that does not exist. A refusal (the student's plan, checks, pay or hour
caps) is shown on the form with the reason, and nothing is added.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.form_pages import form_page
from widen.partners.selectors.co_presenting import (
    co_presenter_choices,
    co_presenting_talk_get,
    talk_presenters,
)
from widen.partners.services.co_presenting import co_presenter_add
from widen.partners.views.co_presenting_forms import CoPresenterForm


@never_cache
@require_http_methods(["GET", "POST"])
def co_presenter_add_view(request: AuthenticatedRequest, talk_id: UUID) -> HttpResponse:
    """A talk's presenters and adding a student co-presenter: the student is named among the
    presenters and booked on a preparation and a delivery shift, costs covered."""
    talk = co_presenting_talk_get(actor=request.user, talk_id=talk_id)
    partners, roles = co_presenter_choices(actor=request.user)
    form = CoPresenterForm(request.POST or None, partners=partners, roles=roles)

    def save(data: dict[str, Any]) -> HttpResponse:
        made = co_presenter_add(
            actor=request.user,
            talk=talk,
            partner=data["partner"],
            role=data["role"],
            preparation_starts_at=data["preparation_starts_at"],
            preparation_minutes=data["preparation_minutes"],
            preparation_mode=data["preparation_mode"],
        )
        messages.success(
            request,
            f"{made.presenter.name} co-presents {talk.title}: they are booked on the preparation "
            "and delivery shifts, costs covered, and told.",
        )
        return redirect("partners:co_presenter_add", talk_id=talk.pk)

    return form_page(
        request,
        form,
        save,
        "partners/co_presenting/co_presenter_form.html",
        {
            "talk": talk,
            "event": talk.event,
            "presenters": talk_presenters(actor=request.user, talk=talk),
            "has_roles": roles.exists(),
            "programme": reverse("events:talks", kwargs={"event_id": talk.event_id}),
        },
    )


urlpatterns = [
    path("talks/<uuid:talk_id>/co-presenter/", co_presenter_add_view, name="co_presenter_add"),
]
