"""A programme's pairs never to be made: listed with why, one added (a declared conflict, the same
family, a relationship that ended badly...), one removed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out, form_page
from widen.mentoring.coordinator_forms import NeverPairForm
from widen.mentoring.models import Mentee, Mentor, NeverPair
from widen.mentoring.permissions import MANAGE, programme_policy
from widen.mentoring.selectors.coordinator import (
    cohort_mentees,
    cohort_mentors,
    mentee_name,
    mentor_name,
    never_pairs,
)
from widen.mentoring.services.programmes import never_pair_add, never_pair_remove


@require_http_methods(["GET", "POST"])
def never_pairs_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_policy.get(request.user, programme_id, action=MANAGE)
    places = cohort_mentors(actor=request.user, programme=programme)
    mentees = cohort_mentees(actor=request.user, programme=programme)
    form = NeverPairForm(
        request.POST or None,
        mentors=[(str(place.mentor_id), mentor_name(place.mentor)) for place in places],
        mentees=[(str(mentee.pk), mentee_name(mentee)) for mentee in mentees],
    )
    rows = list(never_pairs(actor=request.user, programme=programme))
    for row in rows:
        row.names = f"{mentor_name(row.mentor)} and {mentee_name(row.mentee)}"  # type: ignore[attr-defined]

    def save(data: dict[str, Any]) -> HttpResponse:
        mentor = Mentor.objects.get(pk=data["mentor"])
        mentee = Mentee.objects.get(pk=data["mentee"], programme=programme)
        never_pair_add(
            actor=request.user,
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            reason=data["reason"],
            note=data["note"],
        )
        messages.success(
            request, f"{mentor_name(mentor)} and {mentee_name(mentee)} will never be paired."
        )
        return redirect("mentoring:never_pairs", programme_id=programme.pk)

    return form_page(
        request,
        form,
        save,
        "mentoring/coordinator/never_pairs.html",
        {"programme": programme, "rows": rows},
    )


@require_POST
def never_pair_remove_view(request: AuthenticatedRequest, never_id: int) -> HttpResponse:
    found = (
        NeverPair.objects.filter(programme__in=programme_policy.visible_to(request.user))
        .filter(pk=never_id)
        .first()
    )
    if found is None:
        raise NotFound
    never_pair = found
    carried_out(
        request,
        lambda: never_pair_remove(actor=request.user, never_pair=never_pair),
        "The matching may pair them again.",
    )
    return redirect("mentoring:never_pairs", programme_id=never_pair.programme_id)
