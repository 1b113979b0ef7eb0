"""What a scheme offers its members. For its managers, the scheme's "Benefits" page: add an
opportunity, a members-only event or an award, change or withdraw one, and see take-up. For a
signed-in student, "What my schemes offer": the benefits on offer to them, booking an event
(members only) and taking up an opportunity. Anything else is missing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import form_page
from widen.events.models import Event
from widen.students.mine.selectors import my_students
from widen.support.models import Benefit, BenefitKind
from widen.support.permissions import USE, benefit_policy
from widen.support.selectors import scheme_get
from widen.support.selectors.benefit_take_up import benefit_take_up_rows
from widen.support.selectors.benefits import my_benefits, scheme_benefit_get, scheme_benefits
from widen.support.services.benefits import (
    award_schemes_to_offer,
    benefit_add,
    benefit_event_book,
    benefit_take_up,
    benefit_update,
    events_to_offer,
)
from widen.support.views.benefit_forms import BenefitForm


@never_cache
@require_http_methods(["GET", "POST"])
def scheme_benefits_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    """The scheme's benefits with their take-up, and a form to add one."""
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    award_schemes = award_schemes_to_offer(scheme)
    form = BenefitForm(
        request.POST or None, events=events_to_offer(scheme), award_schemes=award_schemes
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        benefit = benefit_add(actor=request.user, scheme=scheme, details=form.details(data["kind"]))
        messages.success(request, f"Added {benefit.title}. Members who asked to be told are told.")
        return redirect("support:scheme_benefits", scheme_id=scheme.pk)

    benefits = list(scheme_benefits(actor=request.user, scheme=scheme))
    return form_page(
        request,
        form,
        save,
        "support/benefits/scheme_benefits.html",
        {
            "scheme": scheme,
            "benefits": benefit_take_up_rows(actor=request.user, scheme=scheme, benefits=benefits),
            "no_award_schemes": not award_schemes.exists(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def scheme_benefit_edit_view(
    request: AuthenticatedRequest, scheme_id: UUID, benefit_id: UUID
) -> HttpResponse:
    """Change a benefit, or withdraw it ("Offered now" unticked)."""
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    benefit = scheme_benefit_get(actor=request.user, scheme=scheme, benefit_id=benefit_id)
    initial = {
        "title": benefit.title,
        "description": benefit.description,
        "offered_by": benefit.offered_by,
        "link": benefit.link,
        "members_first_until": benefit.members_first_until,
        "event_id": benefit.event_id,
        "award_scheme_id": benefit.award_scheme_id,
        "is_active": benefit.is_active,
    }
    form = BenefitForm(
        request.POST or None,
        initial=initial,
        events=events_to_offer(scheme) | _current_event(benefit),
        award_schemes=award_schemes_to_offer(scheme),
        editing=True,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        benefit_update(
            actor=request.user,
            benefit=benefit,
            details=form.details(benefit.kind),
            is_active=data["is_active"],
        )
        messages.success(request, f"Saved {benefit.title if data['is_active'] else 'withdrawal'}.")
        return redirect("support:scheme_benefits", scheme_id=scheme.pk)

    return form_page(
        request,
        form,
        save,
        "support/benefits/benefit_edit.html",
        {"scheme": scheme, "benefit": benefit},
    )


def _current_event(benefit: Benefit) -> Any:
    """The event a benefit offers, still to choose even once it has started."""
    return Event.objects.filter(pk__in=[benefit.event_id] if benefit.event_id else [])


def _is_student(request: AuthenticatedRequest) -> None:
    if not my_students(actor=request.user).exists():
        raise NotFound


@never_cache
@require_http_methods(["GET"])
def my_benefits_view(request: AuthenticatedRequest) -> HttpResponse:
    _is_student(request)
    return render(
        request,
        "support/my_benefits.html",
        {"benefits": my_benefits(actor=request.user), "kinds": BenefitKind},
    )


@require_POST
def my_benefit_take_up_view(request: AuthenticatedRequest, benefit_id: UUID) -> HttpResponse:
    """ "Count me in" for an opportunity: recorded, then on to its link (if it has one)."""
    benefit = benefit_policy.get(request.user, benefit_id, action=USE)
    benefit_take_up(actor=request.user, benefit=benefit)
    if benefit.link:
        return redirect(benefit.link)
    messages.success(request, f"You are counted in for {benefit.title}.")
    return redirect("support:my_benefits")


@never_cache
@require_http_methods(["GET", "POST"])
def my_benefit_book_view(request: AuthenticatedRequest, benefit_id: UUID) -> HttpResponse:
    """Book a place at a members-only event, after confirming (with any access needs)."""
    benefit = benefit_policy.get(request.user, benefit_id, action=USE)
    if benefit.kind != BenefitKind.EVENT or benefit.event is None:
        raise NotFound
    if request.method == "POST":
        try:
            made = benefit_event_book(
                actor=request.user,
                benefit=benefit,
                access_requirements=request.POST.get("access_requirements", "")[:2000],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"You are booked on {benefit.event.title}"
                if made.booking.is_booked
                else f"{benefit.event.title} is full: you are on the waiting list",
            )
            return redirect("support:my_benefits")
    return render(request, "support/my_benefit_book.html", {"benefit": benefit})
