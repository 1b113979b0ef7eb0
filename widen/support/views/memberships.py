"""A scheme's members page, for its managers: invite everyone eligible, the invitations and
members with their status and why, and applications to accept or refuse with a reason."""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out
from widen.support.permissions import DECIDE, MANAGE, membership_policy, scheme_policy
from widen.support.selectors import (
    eligible_views_record,
    membership_counts,
    scheme_applications,
    scheme_get,
    scheme_memberships,
)
from widen.support.services.memberships import Invited, membership_decide, memberships_invite

PAGE_SIZE = 50


def _invited_text(invited: Invited) -> str:
    if not invited.invited:
        return "Nobody new to invite: everyone eligible has been invited already."
    people = "student" if invited.invited == 1 else "students"
    return f"Invited {invited.invited:,} {people} to {invited.scheme}. Each is told why."


@require_GET
def scheme_members_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    applications = list(scheme_applications(actor=request.user, scheme=scheme))
    members = Paginator(scheme_memberships(actor=request.user, scheme=scheme), PAGE_SIZE)
    page = members.get_page(request.GET.get("page"))
    eligible_views_record(
        actor=request.user,
        scheme=scheme,
        rows=[*applications, *page.object_list],
        purpose=f"members and applications of the support scheme {scheme}",
    )
    return render(
        request,
        "support/scheme_members.html",
        {
            "scheme": scheme,
            "counts": membership_counts(actor=request.user, scheme=scheme),
            "applications": applications,
            "page": page,
        },
    )


@require_POST
def scheme_invite_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    scheme = scheme_policy.get(request.user, scheme_id, action=MANAGE)
    carried_out(request, lambda: memberships_invite(scheme, actor=request.user), _invited_text)
    return redirect("support:scheme_members", scheme_id=scheme.pk)


@require_POST
def membership_decide_view(
    request: AuthenticatedRequest, scheme_id: UUID, membership_id: UUID
) -> HttpResponse:
    """Accept an application (the student is a member) or refuse it with a reason."""
    membership = membership_policy.get(request.user, membership_id, action=DECIDE)
    if membership.scheme_id != scheme_id:
        raise NotFound
    accept = request.POST.get("decision") == "accept"
    name = membership.student.display_name
    carried_out(
        request,
        lambda: membership_decide(
            actor=request.user,
            membership=membership,
            accept=accept,
            reason=request.POST.get("reason", ""),
        ),
        f"Accepted {name}: they are a member and have been told."
        if accept
        else f"Refused the application of {name}; they have been told why.",
    )
    return redirect("support:scheme_members", scheme_id=scheme_id)
