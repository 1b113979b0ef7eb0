"""Programme pages: design a programme stage by stage, and enrol its learners."""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError
from widen.core.form_pages import carried_out, form_page
from widen.learners.permissions import learner_policy
from widen.learners.selectors import MAX_SEARCH_LENGTH
from widen.organisations.permissions import organisation_policy
from widen.programmes.forms import ProgrammeForm
from widen.programmes.permissions import (
    ENROL,
    may_design_programmes,
    may_enrol,
    programme_policy,
)
from widen.programmes.selectors import (
    current_enrolment,
    enrollable_learner,
    enrolment_counts,
    enrolment_hidden_count,
    enrolment_list,
    enrolment_search,
    programme_get,
    programme_list,
)
from widen.programmes.services import (
    PROGRAMME_YEAR_GROUPS,
    StagePlan,
    enrol,
    enrol_eligible,
    enrolment_candidates,
    enrolment_candidates_for,
    enrolment_leave,
    programme_create,
)
from widen.targeting.learner_filters import rule_set_categories


@require_GET
def programme_list_view(request: AuthenticatedRequest) -> HttpResponse:
    programmes = programme_list(actor=request.user)
    designing = organisation_policy.partnerships_where(request.user, may_design_programmes)
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": programmes, "designing": designing},
    )


@require_http_methods(["GET", "POST"])
def programme_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = organisation_policy.partnership_for(
        request.user, partnership_id, may=may_design_programmes
    )
    form = ProgrammeForm(request.POST or None, partnership=partnership)

    def save(data: dict[str, Any]) -> HttpResponse:
        stages = [
            StagePlan(
                year_group=year,
                target_hours=data[f"year_{year}_hours"],
                required_types=list(data[f"year_{year}_required"]),
                optional_types=list(data[f"year_{year}_optional"]),
            )
            for year in PROGRAMME_YEAR_GROUPS
            if data[f"year_{year}_hours"] is not None
        ]
        programme = programme_create(
            actor=request.user,
            partnership=partnership,
            name=data["name"],
            description=data["description"],
            rule_set=data["rule_set"],
            stages=stages,
            sustained_hours=data["sustained_hours"],
            sustained_activities=data["sustained_activities"],
            sustained_years=data["sustained_years"],
        )
        messages.success(request, f"Saved {programme.name}.")
        return redirect("programmes:detail", programme_id=programme.pk)

    return form_page(
        request, form, save, "programmes/programme_form.html", {"partnership": partnership}
    )


@require_GET
def programme_detail_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_get(actor=request.user, programme_id=programme_id)
    stages = programme.stages.prefetch_related("required_types", "optional_types")
    counts = enrolment_counts(programme=programme)
    context: dict[str, Any] = {
        "programme": programme,
        "stages": stages,
        "enrolled": counts.enrolled,
        "left": counts.left,
        "may_enrol": may_enrol(request.user, programme.partnership),
    }
    if context["may_enrol"] and programme.rule_set is not None:
        by_school = Counter(
            enrolment_candidates_for(request.user, programme).values_list("school__name", flat=True)
        )
        context["candidates"] = sum(by_school.values())
        # Eligible learners other organisations hold: only those the person may see, with
        # their special category data when the rule set reads it.
        context["candidates_elsewhere"] = (
            enrolment_candidates(programme)
            .filter(
                learner_policy.visible_query(
                    request.user, needing=rule_set_categories(programme.rule_set)
                )
            )
            .exclude(pk__in=enrolment_candidates_for(request.user, programme).values("pk"))
            .count()
        )
        context["candidates_by_school"] = sorted(
            ((school or "No school recorded", count) for school, count in by_school.items()),
            key=lambda item: (-item[1], item[0]),
        )
    return render(request, "programmes/programme_detail.html", context)


@require_POST
def programme_enrol_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_policy.get(request.user, programme_id, action=ENROL)
    carried_out(
        request,
        lambda: enrol_eligible(actor=request.user, programme=programme),
        lambda change: (
            f"Enrolled {len(change.enrolled)} learner{'s' if len(change.enrolled) != 1 else ''} "
            "from the rule set."
        ),
    )
    return redirect("programmes:detail", programme_id=programme.pk)


ENROLMENTS_PER_PAGE = 50


@require_GET
def programme_enrolments_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """Who is on the programme and who has left (the learners the person sees by name), and,
    for those who enrol, adding a learner by hand, a learner leaving, and re-joining."""
    programme = programme_get(actor=request.user, programme_id=programme_id)
    enrolling = may_enrol(request.user, programme.partnership)
    search = str(request.GET.get("q", "") or "")[:MAX_SEARCH_LENGTH]
    periods = Paginator(
        enrolment_list(actor=request.user, programme=programme), ENROLMENTS_PER_PAGE
    )
    return render(
        request,
        "programmes/enrolments.html",
        {
            "programme": programme,
            "page": periods.get_page(request.GET.get("page")),
            "hidden": enrolment_hidden_count(actor=request.user, programme=programme),
            "may_enrol": enrolling,
            "search": search,
            "found": (
                enrolment_search(actor=request.user, programme=programme, search=search)
                if enrolling
                else []
            ),
        },
    )


@require_POST
def programme_enrolment_change_view(
    request: AuthenticatedRequest, programme_id: UUID
) -> HttpResponse:
    """Enrol one learner by hand (or again, after leaving), or record that one has left."""
    programme = programme_policy.get(request.user, programme_id, action=ENROL)
    action = request.POST.get("action")
    # A learner seen under an agreement but held by a partner answers like a missing one.
    learner = enrollable_learner(actor=request.user, learner_id=request.POST.get("learner", ""))
    if learner is None or action not in {"enrol", "leave"}:
        messages.error(request, "There is no such learner your organisation holds.")
        return redirect("programmes:enrolments", programme_id=programme.pk)
    try:
        if action == "enrol":
            change = enrol(actor=request.user, programme=programme, learners=[learner])
            if change.already_enrolled:
                messages.info(request, f"{learner.display_name} is already on the programme.")
            else:
                messages.success(request, f"Enrolled {learner.display_name}.")
        else:
            current = current_enrolment(programme=programme, learner=learner)
            if current is None:
                raise ApplicationError(f"{learner.display_name} is not on the programme now.")
            enrolment_leave(
                actor=request.user,
                enrolment=current,
                reason=str(request.POST.get("reason", "")),
            )
            messages.success(request, f"Recorded that {learner.display_name} left.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("programmes:enrolments", programme_id=programme.pk)
