"""A mentee's answers (their own, signed in, or a pupil's filled in by a coordinator), and a
coordinator inviting a pupil to sign in to their place or stopping that sign-in."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out, form_page
from widen.mentoring.coordinator_forms import PupilSignInForm
from widen.mentoring.models import Mentee
from widen.mentoring.people_forms import MenteeApplicationForm
from widen.mentoring.permissions import DECIDE, RESPOND, mentee_policy
from widen.mentoring.selectors.coordinator import mentee_name
from widen.mentoring.services.mentees import (
    PUPIL_THEMSELVES,
    mentee_answers_update,
    pupil_invite,
    pupil_sign_in_stop,
)
from widen.mentoring.services.people import MENTEE_FIELDS
from widen.mentoring.views.people import in_mentoring


def _answers_page(
    request: AuthenticatedRequest, mentee: Mentee, *, back: str, own: bool
) -> HttpResponse:
    # Every answer may be left empty: a form sent with none is still sent.
    posted = request.POST if request.method == "POST" else None
    form = MenteeApplicationForm(
        posted, initial={name: getattr(mentee, name) for name in MENTEE_FIELDS}
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        mentee_answers_update(actor=request.user, mentee=mentee, profile=data)
        messages.success(request, "Saved the answers." if not own else "Saved your answers.")
        return redirect(back)

    return form_page(
        request,
        form,
        save,
        "mentoring/people/answers.html",
        {
            "programme": mentee.programme,
            "mentee": mentee,
            "own": own,
            "name": "" if own else mentee_name(mentee),
            "back": back,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def mine_answers_view(request: AuthenticatedRequest, mentee_id: UUID) -> HttpResponse:
    """A mentee changes their own answers."""
    in_mentoring(request)
    mentee: Mentee = mentee_policy.get(request.user, mentee_id, action=RESPOND)
    return _answers_page(request, mentee, back=reverse("mentoring:mine"), own=True)


def _coordinated_pupil(request: AuthenticatedRequest, mentee_id: UUID) -> Mentee:
    mentee: Mentee = mentee_policy.get(request.user, mentee_id, action=DECIDE)
    if mentee.learner_id is None:
        raise NotFound
    return mentee


@require_http_methods(["GET", "POST"])
def pupil_answers_view(request: AuthenticatedRequest, mentee_id: UUID) -> HttpResponse:
    """A coordinator fills in a pupil's answers, as the pupil gave them."""
    mentee = _coordinated_pupil(request, mentee_id)
    back = reverse("mentoring:programme", args=[mentee.programme_id])
    return _answers_page(request, mentee, back=back, own=False)


@never_cache
@require_http_methods(["GET", "POST"])
def pupil_sign_in_view(request: AuthenticatedRequest, mentee_id: UUID) -> HttpResponse:
    """A coordinator records consent and invites a pupil to sign in, or stops their sign-in."""
    mentee = _coordinated_pupil(request, mentee_id)
    name = mentee_name(mentee)
    back = reverse("mentoring:programme", args=[mentee.programme_id])
    if request.method == "POST" and request.POST.get("action") == "stop":
        carried_out(
            request,
            lambda: pupil_sign_in_stop(actor=request.user, mentee=mentee),
            f"{name} can no longer sign in to their place.",
        )
        return redirect(back)
    by_pupil = mentee.consent_given_by == PUPIL_THEMSELVES
    form = PupilSignInForm(
        request.POST or None,
        initial={
            "email": mentee.user.email if mentee.user is not None else "",
            "consent_by_pupil": by_pupil,
            "consent_given_by": "" if by_pupil else mentee.consent_given_by,
            "consent_given_on": mentee.consent_given_on,
        },
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        invited = pupil_invite(
            actor=request.user,
            mentee=mentee,
            email=data["email"],
            consent_by_pupil=data["consent_by_pupil"],
            consent_given_by=data["consent_given_by"],
            consent_given_on=data["consent_given_on"],
            site_url=request.build_absolute_uri("/"),
        )
        address = invited.user.email if invited.user is not None else data["email"]
        messages.success(request, f"Sent {name} a sign-in link at {address}.")
        return redirect(back)

    return form_page(
        request,
        form,
        save,
        "mentoring/coordinator/pupil_sign_in.html",
        {"mentee": mentee, "name": name, "back": back},
    )
