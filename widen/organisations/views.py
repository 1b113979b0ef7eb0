"""Pages for a partnership, its member organisations and its data-sharing agreements."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from widen.organisations.models import OrganisationType
from widen.organisations.selectors import (
    agreements_of,
    organisation_get,
    organisation_list,
    partnership_agreements,
    partnership_get,
    partnership_list,
    partnership_members,
)


@require_GET
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    organisation_type = request.GET.get("type", "")
    search = request.GET.get("q", "").strip()
    organisations = organisation_list(
        actor=request.user, organisation_type=organisation_type, search=search
    )
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "organisations": organisations,
            "types": OrganisationType.choices,
            "chosen_type": organisation_type
            if organisation_type in OrganisationType.values
            else "",
            "search": search[:100],
            "partnerships": partnership_list(actor=request.user),
        },
    )


@require_GET
def organisation_detail_view(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    organisation = organisation_get(actor=request.user, organisation_id=organisation_id)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "agreements": agreements_of(actor=request.user, organisation=organisation),
        },
    )


@require_GET
def partnership_list_view(request: HttpRequest) -> HttpResponse:
    partnerships = list(partnership_list(actor=request.user))
    if len(partnerships) == 1:
        return redirect("organisations:partnership", partnership_id=partnerships[0].id)
    return render(request, "organisations/partnership_list.html", {"partnerships": partnerships})


@require_GET
def partnership_detail_view(request: HttpRequest, partnership_id: UUID) -> HttpResponse:
    partnership = partnership_get(actor=request.user, partnership_id=partnership_id)
    members = list(partnership_members(actor=request.user, partnership=partnership))
    by_type = [
        (label, [member for member in members if member.organisation_type == value])
        for value, label in OrganisationType.choices
    ]
    return render(
        request,
        "organisations/partnership_detail.html",
        {
            "partnership": partnership,
            "members_by_type": [(label, group) for label, group in by_type if group],
            "agreements": partnership_agreements(actor=request.user, partnership=partnership),
        },
    )
