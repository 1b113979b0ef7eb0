"""A coordinator's programme pages: their programmes, a new programme and its changes, and a
programme with its cohort (mentors' places, capacity and checks; mentees accepted or declined;
pupils added) and its matching runs."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out, form_page
from widen.mentoring.coordinator_forms import (
    CapacityForm,
    MentorChecksForm,
    ProgrammeForm,
    PupilsForm,
)
from widen.mentoring.matching import CRITERIA
from widen.mentoring.models import Mentee, MenteesAre, ProgrammeMentor
from widen.mentoring.permissions import (
    DECIDE,
    MANAGE,
    coordinated_organisations,
    mentee_policy,
    programme_mentor_policy,
    programme_policy,
)
from widen.mentoring.selectors.coordinator import (
    cohort_mentees,
    cohort_mentors,
    mentee_name,
    mentor_name,
    programme_get,
    programme_list,
    runs_of,
)
from widen.mentoring.services.programmes import (
    CRITERION_WORDS,
    mentee_accept,
    mentee_decline,
    mentor_checks_record,
    programme_create,
    programme_mentor_approve,
    programme_mentor_capacity_set,
    programme_mentor_decline,
    programme_update,
    pupils_add,
    pupils_addable,
)
from widen.students.member_groups import member_group_name

PUPILS_SHOWN = 200


def _coordinated(request: AuthenticatedRequest) -> Any:
    organisations = coordinated_organisations(request.user).order_by("name")
    if not organisations.exists():
        raise NotFound
    return organisations


@require_GET
def programme_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _coordinated(request)
    return render(
        request,
        "mentoring/coordinator/programme_list.html",
        {"programmes": list(programme_list(actor=request.user))},
    )


@require_http_methods(["GET", "POST"])
def programme_create_view(request: AuthenticatedRequest) -> HttpResponse:
    organisations = _coordinated(request)
    form = ProgrammeForm(
        request.POST or None,
        initial={**ProgrammeForm.initial_for(None), "organisation": organisations.first()},
        organisations=organisations,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        programme = programme_create(
            actor=request.user, organisation=data["organisation"], details=form.details()
        )
        messages.success(request, f"Saved {programme}.")
        return redirect("mentoring:programme", programme_id=programme.pk)

    return form_page(
        request,
        form,
        save,
        "mentoring/coordinator/programme_form.html",
        {"programme": None, "criteria": CRITERIA},
    )


@require_http_methods(["GET", "POST"])
def programme_edit_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_policy.get(request.user, programme_id, action=MANAGE)
    form = ProgrammeForm(
        request.POST or None,
        initial=ProgrammeForm.initial_for(programme),
        organisations=coordinated_organisations(request.user),
        programme=programme,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        programme_update(actor=request.user, programme=programme, changes=form.details())
        messages.success(request, f"Saved the changes to {programme}.")
        return redirect("mentoring:programme", programme_id=programme.pk)

    return form_page(
        request,
        form,
        save,
        "mentoring/coordinator/programme_form.html",
        {"programme": programme, "criteria": CRITERIA},
    )


@require_GET
def programme_detail_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_get(actor=request.user, programme_id=programme_id)
    places = list(cohort_mentors(actor=request.user, programme=programme))
    mentees = list(cohort_mentees(actor=request.user, programme=programme))
    for place in places:
        place.name = mentor_name(place.mentor)  # type: ignore[attr-defined]
    for mentee in mentees:
        mentee.name = mentee_name(mentee)  # type: ignore[attr-defined]
    return render(
        request,
        "mentoring/coordinator/programme_detail.html",
        {
            "programme": programme,
            "places": places,
            "mentees": mentees,
            "runs": list(runs_of(actor=request.user, programme=programme)[:10]),
            "weights": [(CRITERION_WORDS[c], programme.weights.get(c, 0)) for c in CRITERIA],
            "group": member_group_name(programme.organisation, programme.mentees_must_belong_to),
            "for_pupils": programme.mentees_are == MenteesAre.PUPILS,
        },
    )


def _place(request: AuthenticatedRequest, place_id: UUID) -> ProgrammeMentor:
    place = programme_mentor_policy.get(request.user, place_id)
    return programme_mentor_policy.require(request.user, DECIDE, place)


@require_POST
def place_decide_view(request: AuthenticatedRequest, place_id: UUID) -> HttpResponse:
    place = _place(request, place_id)
    decision = request.POST.get("decision")
    if decision == "approve":
        carried_out(
            request,
            lambda: programme_mentor_approve(actor=request.user, place=place),
            "Approved the mentor's place.",
        )
    elif decision == "decline":
        carried_out(
            request,
            lambda: programme_mentor_decline(actor=request.user, place=place),
            "Declined the mentor's place.",
        )
    else:
        messages.error(request, "Choose to approve or decline the place.")
    return redirect("mentoring:programme", programme_id=place.programme_id)


@require_http_methods(["GET", "POST"])
def place_edit_view(request: AuthenticatedRequest, place_id: UUID) -> HttpResponse:
    """A mentor's capacity in the programme and their checks, each saved on its own."""
    place = _place(request, place_id)
    mentor = place.mentor
    action = request.POST.get("action") if request.method == "POST" else None
    capacity = CapacityForm(
        request.POST if action == "capacity" else None, initial={"capacity": place.capacity}
    )
    checks = MentorChecksForm(
        request.POST if action == "checks" else None,
        initial={
            "training_completed_on": mentor.training_completed_on,
            "dbs_certificate_number": mentor.dbs_certificate_number,
            "dbs_issued_on": mentor.dbs_issued_on,
            "dbs_update_service": mentor.dbs_update_service,
        },
    )
    back = redirect("mentoring:programme", programme_id=place.programme_id)

    def save_capacity(data: dict[str, Any]) -> HttpResponse:
        programme_mentor_capacity_set(actor=request.user, place=place, capacity=data["capacity"])
        messages.success(request, f"{mentor_name(mentor)} can take {data['capacity']}.")
        return back

    def save_checks(data: dict[str, Any]) -> HttpResponse:
        mentor_checks_record(actor=request.user, mentor=mentor, **data)
        messages.success(request, f"Recorded {mentor_name(mentor)}'s checks.")
        return back

    context = {
        "place": place,
        "name": mentor_name(mentor),
        "capacity_form": capacity,
        "checks_form": checks,
    }
    template = "mentoring/coordinator/place_form.html"
    if action == "capacity":
        response = form_page(request, capacity, save_capacity, template, context)
    else:
        response = form_page(request, checks, save_checks, template, context)
    return response


@require_POST
def mentee_decide_view(request: AuthenticatedRequest, mentee_id: UUID) -> HttpResponse:
    mentee: Mentee = mentee_policy.require(
        request.user, DECIDE, mentee_policy.get(request.user, mentee_id)
    )
    decision = request.POST.get("decision")
    if decision == "accept":
        carried_out(
            request,
            lambda: mentee_accept(actor=request.user, mentee=mentee),
            "Accepted the mentee.",
        )
    elif decision == "decline":
        carried_out(
            request,
            lambda: mentee_decline(actor=request.user, mentee=mentee),
            "Declined the mentee.",
        )
    else:
        messages.error(request, "Choose to accept or decline the mentee.")
    return redirect("mentoring:programme", programme_id=mentee.programme_id)


@require_http_methods(["GET", "POST"])
def pupils_add_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_policy.get(request.user, programme_id, action=MANAGE)
    if programme.mentees_are != MenteesAre.PUPILS:
        raise NotFound
    addable = pupils_addable(actor=request.user, programme=programme).order_by(
        "last_name", "first_name", "pk"
    )
    form = PupilsForm(request.POST or None, learners=addable)
    form.fields["learners"].queryset = addable.filter(  # type: ignore[attr-defined]
        pk__in=addable.values("pk")[:PUPILS_SHOWN]
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        added = pupils_add(actor=request.user, programme=programme, learners=data["learners"])
        messages.success(request, f"Added {len(added)} pupil{'s' if len(added) != 1 else ''}.")
        return redirect("mentoring:programme", programme_id=programme.pk)

    return form_page(
        request,
        form,
        save,
        "mentoring/coordinator/pupils_form.html",
        {"programme": programme, "shown": PUPILS_SHOWN},
    )
