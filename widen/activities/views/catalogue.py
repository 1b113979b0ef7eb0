"""The catalogue of a partnership's activities, and planning their sessions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.forms import ActivityForm, SessionForm
from widen.activities.permissions import (
    PLAN,
    activity_policy,
    delivering_organisations,
    may_deliver,
    plans_in,
    registers_taken_by,
)
from widen.activities.selectors import (
    activity_get,
    activity_list,
    schools_with_pupils_seen,
    session_register_reach,
)
from widen.activities.services import SessionDetails, activity_create, session_create
from widen.core.details import details_given
from widen.core.exceptions import NotFound
from widen.core.form_pages import form_page
from widen.organisations.permissions import organisation_policy


@require_GET
def activity_list_view(request: AuthenticatedRequest) -> HttpResponse:
    activities = activity_list(actor=request.user).order_by("partnership__name", "name")
    planning = organisation_policy.partnerships_where(request.user, plans_in)
    return render(
        request,
        "activities/activity_list.html",
        {"activities": activities, "planning": planning},
    )


@require_http_methods(["GET", "POST"])
def activity_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = organisation_policy.partnership_for(request.user, partnership_id)
    deliverers = delivering_organisations(request.user, partnership)
    if not deliverers.exists():
        raise NotFound
    form = ActivityForm(request.POST or None, partnership=partnership, deliverers=deliverers)

    def save(data: dict[str, Any]) -> HttpResponse:
        activity = activity_create(
            actor=request.user,
            partnership=partnership,
            delivered_by=data["delivered_by"],
            name=data["name"],
            sub_type=data["sub_type"],
            description=data["description"],
        )
        messages.success(request, f"Added {activity.name}. Now plan its sessions.")
        return redirect("activities:detail", activity_id=activity.pk)

    return form_page(
        request, form, save, "activities/activity_form.html", {"partnership": partnership}
    )


@require_GET
def activity_detail_view(request: HttpRequest, activity_id: UUID) -> HttpResponse:
    activity = activity_get(actor=request.user, activity_id=activity_id)
    sessions = list(activity.sessions.select_related("school").prefetch_related("joint_partners"))
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "sessions": sessions,
            # A "Register" link only where the person may open it.
            "open_registers": registers_taken_by(request.user, sessions),
            "may_deliver": may_deliver(request.user, activity.delivered_by),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create_view(request: AuthenticatedRequest, activity_id: UUID) -> HttpResponse:
    activity = activity_policy.get(request.user, activity_id, action=PLAN)
    form = SessionForm(
        request.POST or None,
        partnership=activity.partnership,
        schools_seen=lambda schools: schools_with_pupils_seen(actor=request.user, schools=schools),
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        session = session_create(
            actor=request.user,
            activity=activity,
            details=details_given(
                SessionDetails, data, joint_partners=list(data["joint_partners"])
            ),
        )
        messages.success(request, f"Added the session on {session.date:%-d %B %Y}.")
        reach = session_register_reach(actor=request.user, session=session)
        if reach is not None and reach.note:
            messages.warning(request, reach.note)
        return redirect("activities:detail", activity_id=activity.pk)

    return form_page(request, form, save, "activities/session_form.html", {"activity": activity})
