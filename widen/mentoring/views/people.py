"""Mentors' pages: an open programme's public page with "Become a mentor" (no account needed),
and, signed in, "My mentoring" with a mentor's places, profile, programmes to join and
introductions. Anyone without a mentor or student record of their own, staff included, finds
the signed-in pages missing."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from widen.accounts.requests import AuthenticatedRequest
from widen.accounts.sign_in_links import has_staff_role
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.core.forms import add_service_error
from widen.mentoring.models import MentoringProgramme, ProgrammeMentor
from widen.mentoring.people_forms import JoinForm, MentorProfileForm, MentorRegistrationForm
from widen.mentoring.people_reads import (
    my_introductions,
    my_mentee_applications,
    my_mentor_places,
    programmes_to_apply_as_mentee,
    programmes_to_join_as_mentor,
    takes_part,
)
from widen.mentoring.permissions import (
    EDIT_OWN,
    RESPOND,
    mentor_policy,
    my_mentor_records,
    programme_mentor_policy,
    programmes_open,
)
from widen.mentoring.services.people import (
    MENTOR_FIELDS,
    employers_for,
    mentor_join,
    mentor_profile_update,
    mentor_register,
    mentor_withdraw,
)
from widen.students.mine.selectors import my_students

# Registering as a mentor: per address (someone filling another's inbox) and per client address
# (someone trying many addresses), as asking for a sign-in link is limited. Beyond the first,
# the page answers as always and does nothing; beyond the second, 429 until the hour is up.
REGISTER_RATE_PER_ADDRESS = "5/h"
REGISTER_RATE_PER_CLIENT = "30/h"


def _limited(request: HttpRequest, group: str, key: Any, rate: str) -> bool:
    return bool(
        is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)
    )


def _open_programme(programme_id: UUID) -> MentoringProgramme:
    programme = programmes_open().select_related("partnership").filter(pk=programme_id).first()
    if programme is None:
        raise NotFound
    return programme


def in_mentoring(request: AuthenticatedRequest) -> None:
    """The signed-in pages are for mentors and students, never for staff."""
    if has_staff_role(request.user) or not takes_part(request.user):
        raise NotFound


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def programme_open_view(request: HttpRequest, programme_id: UUID) -> HttpResponse:
    """An open programme's public page: what it is, and "Become a mentor". The answer is the
    same whatever the address given (see `mentor_register`)."""
    programme = _open_programme(programme_id)
    employers = employers_for(programme)
    form = MentorRegistrationForm(request.POST or None, employers=employers)
    context = {"programme": programme, "form": form}
    if request.method == "POST" and form.is_valid():
        rate = getattr(settings, "WIDEN_MENTOR_REGISTER_RATE", REGISTER_RATE_PER_CLIENT)
        if _limited(request, "mentoring.mentor_register", "ip", rate):
            return render(request, "students/mine/too_many.html", status=429)
        data = form.cleaned_data
        address = hashlib.sha256(data["email"].strip().lower().encode()).hexdigest()
        address_rate = getattr(
            settings, "WIDEN_MENTOR_REGISTER_ADDRESS_RATE", REGISTER_RATE_PER_ADDRESS
        )
        try:
            if not _limited(
                request,
                "mentoring.mentor_register.address",
                lambda group, request: address,
                address_rate,
            ):
                mentor_register(
                    programme=programme,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    profile=form.profile(),
                    capacity=data["capacity"],
                    agrees_to_code_of_conduct=data["code_of_conduct"],
                    employer=data.get("employer") or None,
                    site_url=request.build_absolute_uri("/"),
                )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return render(
                request,
                "mentoring/people/registered.html",
                {"programme": programme, "email": data["email"]},
            )
    return render(request, "mentoring/people/programme_open.html", context)


@never_cache
@require_http_methods(["GET"])
def mine_view(request: AuthenticatedRequest) -> HttpResponse:
    """My mentoring: a mentor's places and a student's applications, what they may join or
    apply to, and their introductions and pairs."""
    in_mentoring(request)
    return render(
        request,
        "mentoring/people/mine.html",
        {
            "mentor_records": list(my_mentor_records(request.user).select_related("organisation")),
            "places": my_mentor_places(request.user),
            "applications": my_mentee_applications(request.user),
            "to_join": programmes_to_join_as_mentor(request.user),
            "to_apply": programmes_to_apply_as_mentee(request.user),
            "introductions": my_introductions(request.user),
            "is_student": my_students(actor=request.user).exists(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def mine_profile_view(request: AuthenticatedRequest, mentor_id: UUID) -> HttpResponse:
    """A mentor changes their own profile."""
    in_mentoring(request)
    mentor = mentor_policy.get(request.user, mentor_id, action=EDIT_OWN)
    employers = {
        organisation.pk: organisation
        for place in mentor.programmes.select_related("programme")
        for organisation in employers_for(place.programme)
    }
    initial = {name: getattr(mentor, name) for name in MENTOR_FIELDS}
    initial["employer"] = str(mentor.employer_id or "")
    form = MentorProfileForm(
        request.POST or None,
        initial=initial,
        employers=sorted(employers.values(), key=lambda organisation: organisation.name),
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        employer = data.get("employer", "") if employers else ""
        mentor_profile_update(
            actor=request.user,
            mentor=mentor,
            profile=form.profile(),
            employer=(employer or None) if employers else "",
        )
        messages.success(request, "Your mentor profile is saved.")
        return redirect("mentoring:mine")

    return form_page(request, form, save, "mentoring/people/profile.html", {"mentor": mentor})


@never_cache
@require_http_methods(["GET", "POST"])
def mine_join_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """A mentor applies to another open programme."""
    in_mentoring(request)
    if not my_mentor_records(request.user).exists():
        raise NotFound
    programme = _open_programme(programme_id)
    form = JoinForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        mentor_join(actor=request.user, programme=programme, capacity=data["capacity"])
        messages.success(
            request,
            f"You have applied to mentor in {programme.name}. Its coordinators will tell you "
            "their decision.",
        )
        return redirect("mentoring:mine")

    return form_page(request, form, save, "mentoring/people/join.html", {"programme": programme})


@never_cache
@require_http_methods(["GET", "POST"])
def mine_place_withdraw_view(request: AuthenticatedRequest, place_id: UUID) -> HttpResponse:
    """A mentor withdraws from a programme, after confirming."""
    in_mentoring(request)
    place: ProgrammeMentor = programme_mentor_policy.get(request.user, place_id, action=RESPOND)
    if request.method == "POST":
        carried_out(
            request,
            lambda: mentor_withdraw(actor=request.user, place=place),
            f"You have withdrawn from {place.programme.name}.",
        )
        return redirect("mentoring:mine")
    return render(
        request,
        "mentoring/people/withdraw.html",
        {"programme": place.programme, "as_mentor": True},
    )
