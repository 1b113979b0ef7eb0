"""A signed-in student's own awards: those offered to them (accept, or decline after
confirming), each award's schedule with what became of every instalment (held ones say why),
what has been paid, and the award letter. Only their own; anything else is missing."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.downloads import file_download
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out
from widen.students.mine.selectors import my_students
from widen.support.letters import award_letter_filename, award_letter_pdf
from widen.support.selectors.awards import award_summary, my_award_get, my_awards_by_state
from widen.support.services.awards import CONDITIONS, award_accept, award_decline


def _is_student(request: AuthenticatedRequest) -> None:
    """These pages are for people signed in with a student record of their own."""
    if not my_students(actor=request.user).exists():
        raise NotFound


@never_cache
@require_GET
def my_awards_view(request: AuthenticatedRequest) -> HttpResponse:
    _is_student(request)
    return render(
        request,
        "support/mine_awards/list.html",
        {"awards": my_awards_by_state(actor=request.user), "conditions": CONDITIONS},
    )


@require_POST
def my_award_accept_view(request: AuthenticatedRequest, award_id: UUID) -> HttpResponse:
    award = my_award_get(actor=request.user, award_id=award_id)
    carried_out(
        request,
        lambda: award_accept(actor=request.user, award=award),
        f"You have accepted {award.award_scheme.name}. Each instalment is paid on its date if "
        "you are enrolled then. Give your bank details so it can be paid to you.",
    )
    return redirect("support:my_awards")


@never_cache
@require_http_methods(["GET", "POST"])
def my_award_decline_view(request: AuthenticatedRequest, award_id: UUID) -> HttpResponse:
    """Decline an award offered, after confirming (it cannot be accepted afterwards)."""
    award = my_award_get(actor=request.user, award_id=award_id)
    if request.method == "POST":
        carried_out(
            request,
            lambda: award_decline(actor=request.user, award=award),
            f"You declined {award.award_scheme.name}. Nothing will be paid.",
        )
        return redirect("support:my_awards")
    if not award.is_offered:
        return redirect("support:my_awards")
    return render(request, "support/mine_awards/decline.html", {"summary": award_summary(award)})


def _students_own() -> None:
    """The access log of a student's own award letter: no one else's data is in it, so there is
    no one's access to record."""


@require_GET
def my_award_letter_view(request: AuthenticatedRequest, award_id: UUID) -> HttpResponse:
    award = my_award_get(actor=request.user, award_id=award_id)
    return file_download(
        award_letter_pdf(award),
        file_name=award_letter_filename(award),
        content_type="application/pdf",
        access_log=_students_own,
    )
