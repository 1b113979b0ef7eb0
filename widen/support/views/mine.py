"""A signed-in student's own support schemes: invitations with why they are eligible and what
membership means (join or no thanks), the schemes they belong to (leave, after confirming), and
their provider's schemes they may ask to join with evidence. Only their own; anything else is
missing."""

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
from widen.students.mine.selectors import my_students
from widen.support.forms import EvidenceForm
from widen.support.models import MembershipStatus, Scheme, SchemeMembership
from widen.support.permissions import RESPOND, membership_policy
from widen.support.selectors import my_memberships, schemes_open_to_me
from widen.support.services.memberships import (
    MEMBERSHIP_MEANS,
    membership_apply,
    membership_contact_set,
    membership_decline,
    membership_join,
    membership_leave,
)


def _is_student(request: AuthenticatedRequest) -> None:
    """These pages are for people signed in with a student record of their own."""
    if not my_students(actor=request.user).exists():
        raise NotFound


def _mine(request: AuthenticatedRequest, membership_id: UUID) -> SchemeMembership:
    """One of the student's own memberships (a scheme manager's sight of it is not enough)."""
    return membership_policy.get(request.user, membership_id, action=RESPOND)


@never_cache
@require_http_methods(["GET"])
def my_schemes_view(request: AuthenticatedRequest) -> HttpResponse:
    _is_student(request)
    memberships = list(my_memberships(actor=request.user))
    return render(
        request,
        "support/my_schemes.html",
        {
            "invitations": [m for m in memberships if m.status == MembershipStatus.INVITED],
            "belongs": [m for m in memberships if m.status == MembershipStatus.MEMBER],
            "applications": [m for m in memberships if m.status == MembershipStatus.APPLIED],
            "ended": [
                m
                for m in memberships
                if m.status
                in {MembershipStatus.DECLINED, MembershipStatus.LEFT, MembershipStatus.REFUSED}
            ],
            "open_schemes": list(schemes_open_to_me(actor=request.user)),
            "means": MEMBERSHIP_MEANS,
        },
    )


@require_POST
def my_membership_join_view(request: AuthenticatedRequest, membership_id: UUID) -> HttpResponse:
    membership = _mine(request, membership_id)
    carried_out(
        request,
        lambda: membership_join(actor=request.user, membership=membership),
        f"You are a member of {membership.scheme.name}.",
    )
    return redirect("support:my_schemes")


@require_POST
def my_membership_decline_view(request: AuthenticatedRequest, membership_id: UUID) -> HttpResponse:
    membership = _mine(request, membership_id)
    carried_out(
        request,
        lambda: membership_decline(actor=request.user, membership=membership),
        f"You said no thanks to {membership.scheme.name}. You will not be invited to it again.",
    )
    return redirect("support:my_schemes")


@require_POST
def my_membership_contact_view(request: AuthenticatedRequest, membership_id: UUID) -> HttpResponse:
    """Say whether to be told about a scheme's new benefits."""
    membership = _mine(request, membership_id)
    may_contact = request.POST.get("may_contact") == "yes"
    carried_out(
        request,
        lambda: membership_contact_set(
            actor=request.user, membership=membership, may_contact=may_contact
        ),
        f"You will be told about new events and opportunities of {membership.scheme.name}."
        if may_contact
        else f"You will not be told about new events and opportunities of "
        f'{membership.scheme.name}. They are still on "What my schemes offer".',
    )
    return redirect("support:my_schemes")


@never_cache
@require_http_methods(["GET", "POST"])
def my_membership_leave_view(request: AuthenticatedRequest, membership_id: UUID) -> HttpResponse:
    """Leave a scheme, after confirming."""
    membership = _mine(request, membership_id)
    if request.method == "POST":
        carried_out(
            request,
            lambda: membership_leave(actor=request.user, membership=membership),
            f"You have left {membership.scheme.name}.",
        )
        return redirect("support:my_schemes")
    return render(request, "support/my_membership_leave.html", {"membership": membership})


@never_cache
@require_http_methods(["GET", "POST"])
def my_scheme_apply_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    """Ask to join one of the provider's schemes, saying why one is eligible."""
    _is_student(request)
    scheme = Scheme.objects.filter(
        pk=scheme_id,
        is_active=True,
        organisation_id__in=my_students(actor=request.user).values("organisation_id"),
    ).first()
    if scheme is None:
        raise NotFound
    if not schemes_open_to_me(actor=request.user).filter(pk=scheme.pk).exists():
        messages.info(request, f"You have already been invited to, or applied to, {scheme.name}.")
        return redirect("support:my_schemes")
    form = EvidenceForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        membership_apply(actor=request.user, scheme=scheme, evidence=data["evidence"])
        messages.success(
            request, f"Your application to {scheme.name} is sent. You will be told the decision."
        )
        return redirect("support:my_schemes")

    return form_page(request, form, save, "support/my_scheme_apply.html", {"scheme": scheme})
