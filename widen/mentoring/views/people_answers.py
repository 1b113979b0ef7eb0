"""A student applying to be a mentee and withdrawing, and either side of an introduced pair
accepting or declining it. Only their own; anything else is missing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out, form_page
from widen.mentoring.models import Mentee, Relationship
from widen.mentoring.people_forms import DeclineForm, MenteeApplicationForm
from widen.mentoring.permissions import (
    RESPOND,
    mentee_policy,
    my_mentee_places,
    programmes_open,
    relationship_policy,
)
from widen.mentoring.services.people import (
    introduction_accept,
    introduction_decline,
    mentee_apply,
    mentee_group_refusal,
    mentee_student_for,
    mentee_withdraw,
)
from widen.mentoring.views.people import in_mentoring


@never_cache
@require_http_methods(["GET", "POST"])
def mine_apply_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """A student applies to be a mentee of an open programme of their provider; someone outside
    the group it is for is told which group that is."""
    in_mentoring(request)
    programme = programmes_open().filter(pk=programme_id).first()
    student = mentee_student_for(request.user, programme) if programme else None
    if programme is None or student is None:
        raise NotFound
    if my_mentee_places(request.user).filter(programme=programme).exists():
        messages.info(request, f"You have already applied to {programme.name}.")
        return redirect("mentoring:mine")
    refusal = mentee_group_refusal(student, programme)
    form = MenteeApplicationForm(None if refusal else (request.POST or None))

    def save(data: dict[str, Any]) -> HttpResponse:
        mentee_apply(actor=request.user, programme=programme, profile=data)
        messages.success(
            request,
            f"Your application to {programme.name} is sent. Its coordinators will tell you "
            "their decision, then introduce you to a mentor.",
        )
        return redirect("mentoring:mine")

    return form_page(
        request,
        form,
        save,
        "mentoring/people/apply.html",
        {"programme": programme, "refusal": refusal},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def mine_application_withdraw_view(request: AuthenticatedRequest, mentee_id: UUID) -> HttpResponse:
    """A student withdraws their application or place as a mentee, after confirming."""
    in_mentoring(request)
    mentee: Mentee = mentee_policy.get(request.user, mentee_id, action=RESPOND)
    if request.method == "POST":
        carried_out(
            request,
            lambda: mentee_withdraw(actor=request.user, mentee=mentee),
            f"You have withdrawn from {mentee.programme.name}.",
        )
        return redirect("mentoring:mine")
    return render(
        request,
        "mentoring/people/withdraw.html",
        {"programme": mentee.programme, "as_mentor": False},
    )


def _introduction(request: AuthenticatedRequest, relationship_id: UUID) -> Relationship:
    in_mentoring(request)
    return relationship_policy.get(request.user, relationship_id, action=RESPOND)


@require_POST
def mine_introduction_accept_view(
    request: AuthenticatedRequest, relationship_id: UUID
) -> HttpResponse:
    relationship = _introduction(request, relationship_id)
    carried_out(
        request,
        lambda: introduction_accept(actor=request.user, relationship=relationship),
        lambda pair: (
            "You have both accepted: your mentoring can begin."
            if pair.is_active
            else "You have accepted the introduction. We will tell you when the other person has."
        ),
    )
    return redirect("mentoring:mine")


@never_cache
@require_http_methods(["GET", "POST"])
def mine_introduction_decline_view(
    request: AuthenticatedRequest, relationship_id: UUID
) -> HttpResponse:
    """Decline an introduction, saying why in a sentence the other side may read."""
    relationship = _introduction(request, relationship_id)
    form = DeclineForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        introduction_decline(actor=request.user, relationship=relationship, reason=data["reason"])
        messages.success(
            request,
            "You have declined the introduction. The other person and the coordinators have "
            "been told.",
        )
        return redirect("mentoring:mine")

    return form_page(
        request,
        form,
        save,
        "mentoring/people/decline.html",
        {"relationship": relationship},
    )
