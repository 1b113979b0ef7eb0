"""Shift pages.

The coordinator's (their own providers' shifts only; any other answers 404): the week rota, a
new shift (standing alone or for an activity's session or an event), changing and cancelling
it, offering its open places, its page (who is booked, who dropped, who it was offered to),
allocating a place to an eligible partner (the others listed with the reason, never choosable)
and recording what was worked.

The student's (their own only): open shifts that fit and claiming one, a shift of theirs
(dropping it without a reason, asking a colleague to swap, calling a swap off), and taking over
a shift a colleague asked them to.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.partners.hours import week_start
from widen.partners.models import (
    AssignmentStatus,
    Partner,
    Shift,
    ShiftAllocation,
    ShiftAssignment,
)
from widen.partners.permissions import is_partner, may_coordinate
from widen.partners.selectors import shift_pages as pages
from widen.partners.selectors.roles import roles_coordinated
from widen.partners.selectors.shifts import shift_bookings, shift_candidates, shifts_open_to_me
from widen.partners.services import shift_swaps, shifts
from widen.partners.views.shift_forms import AllocateForm, RecordForm, ShiftForm, SwapForm

# --- The coordinator's pages -----------------------------------------------------------------


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not may_coordinate(request.user):
        raise NotFound


def _monday(request: AuthenticatedRequest) -> date:
    asked = request.GET.get("week", "")
    try:
        day = date.fromisoformat(asked) if asked else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return week_start(day)


@never_cache
@require_http_methods(["GET"])
def rota_view(request: AuthenticatedRequest) -> HttpResponse:
    """The week rota of the coordinator's providers: each day's shifts and who is booked."""
    _require_coordinator(request)
    monday = _monday(request)
    return render(
        request,
        "partners/shifts/rota.html",
        {
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "days": pages.rota_week(actor=request.user, monday=monday),
        },
    )


def _rota_of(shift: Shift) -> str:
    monday = week_start(timezone.localtime(shift.starts_at).date())
    return f"{reverse('partners:rota')}?week={monday.isoformat()}"


@never_cache
@require_http_methods(["GET", "POST"])
def shift_add_view(request: AuthenticatedRequest) -> HttpResponse:
    """A new shift, standing alone or for a session or event; a first-come shift's places are
    offered at once to the partners it fits."""
    _require_coordinator(request)
    sessions, events = pages.shift_sources(actor=request.user)
    form = ShiftForm(
        request.POST or None,
        roles=roles_coordinated(actor=request.user),
        sessions=sessions,
        events=events,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        shift = shifts.shift_create(
            actor=request.user,
            role=data["role"],
            session=data.get("session"),
            event=data.get("event"),
            **form.changes(),
        )
        offered = shift.offers.count()
        if shift.allocation == ShiftAllocation.FIRST_COME:
            told = f"It is offered to {offered} partner{'' if offered == 1 else 's'} it fits."
        else:
            told = "Allocate its places from its page."
        messages.success(request, f"{shift.title} is added. {told}")
        return redirect("partners:shift", shift_id=shift.pk)

    return form_page(
        request, form, save, "partners/shifts/shift_form.html", {"cancel": reverse("partners:rota")}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def shift_edit_view(request: AuthenticatedRequest, shift_id: UUID) -> HttpResponse:
    shift = pages.managed_shift_get(actor=request.user, shift_id=shift_id)
    if shift.is_cancelled:
        raise NotFound
    local_start = timezone.localtime(shift.starts_at)
    initial = {
        "role": shift.role,
        "day": local_start.date(),
        "starts": local_start.time(),
        "ends": timezone.localtime(shift.ends_at).time(),
        **{
            name: getattr(shift, name)
            for name in (
                "title",
                "description",
                "kind",
                "mode",
                "place",
                "places",
                "allocation",
                "with_under_18s",
                "costs_covered",
            )
        },
    }
    form = ShiftForm(
        request.POST or None,
        initial=initial,
        roles=roles_coordinated(actor=request.user).filter(pk=shift.role_id),
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        shifts.shift_update(actor=request.user, shift=shift, changes=form.changes())
        messages.success(request, f"{data['title']} is saved.")
        return redirect("partners:shift", shift_id=shift.pk)

    return form_page(
        request,
        form,
        save,
        "partners/shifts/shift_form.html",
        {"shift": shift, "cancel": reverse("partners:shift", kwargs={"shift_id": shift.pk})},
    )


@never_cache
@require_http_methods(["POST"])
def shift_cancel_view(request: AuthenticatedRequest, shift_id: UUID) -> HttpResponse:
    shift = pages.managed_shift_get(actor=request.user, shift_id=shift_id)
    carried_out(
        request,
        lambda: shifts.shift_cancel(actor=request.user, shift=shift),
        f"{shift.title} is cancelled. The partners booked on it are told.",
    )
    return redirect("partners:shift", shift_id=shift.pk)


@never_cache
@require_http_methods(["POST"])
def shift_offer_view(request: AuthenticatedRequest, shift_id: UUID) -> HttpResponse:
    shift = pages.managed_shift_get(actor=request.user, shift_id=shift_id)
    carried_out(
        request,
        lambda: shifts.shift_offer_open_places(
            actor=request.user, shifts=Shift.objects.filter(pk=shift.pk)
        ),
        lambda run: (
            f"Offered to {run.offers_made} more partner"
            f"{'' if run.offers_made == 1 else 's'} it fits."
        ),
    )
    return redirect("partners:shift", shift_id=shift.pk)


def _shift_context(request: AuthenticatedRequest, shift: Shift) -> dict[str, Any]:
    booked = list(shift_bookings(actor=request.user, shift=shift))
    candidates = (
        shift_candidates(actor=request.user, shift=shift)
        if not shift.is_cancelled and shift.starts_at > timezone.now()
        else []
    )
    booked_ids = {one.partner_id for one in booked}
    candidates = [one for one in candidates if one.partner.pk not in booked_ids]
    return {
        "shift": shift,
        "booked": booked,
        "history": list(pages.shift_history(shift=shift)),
        "offers": list(pages.shift_offers(shift=shift)),
        "candidates": candidates,
        "open_places": max(0, shift.places - len(booked)),
        "started": shift.starts_at <= timezone.now(),
        "rota": _rota_of(shift),
        "record_form": RecordForm(),
    }


@never_cache
@require_http_methods(["GET"])
def shift_view(request: AuthenticatedRequest, shift_id: UUID) -> HttpResponse:
    """A shift: who is booked (recording what they worked, once it started), who dropped it,
    who it was offered to, and allocating an open place."""
    shift = pages.managed_shift_get(actor=request.user, shift_id=shift_id)
    context = _shift_context(request, shift)
    context["allocate_form"] = AllocateForm(partners=_eligible(context))
    return render(request, "partners/shifts/shift.html", context)


def _eligible(context: dict[str, Any]) -> QuerySet[Partner]:
    ids = [one.partner.pk for one in context["candidates"] if one.eligible]
    return Partner.objects.filter(pk__in=ids).select_related("student")


@never_cache
@require_http_methods(["POST"])
def shift_allocate_view(request: AuthenticatedRequest, shift_id: UUID) -> HttpResponse:
    """Give an open place to an eligible partner. Only eligible partners are choices: a partner
    who is not (a forged form) is refused with the reason."""
    shift = pages.managed_shift_get(actor=request.user, shift_id=shift_id)
    context = _shift_context(request, shift)
    form = AllocateForm(request.POST, partners=_eligible(context))
    if form.is_valid():
        partner = form.cleaned_data["partner"]
        try:
            shifts.shift_allocate(actor=request.user, shift=shift, partner=partner)
        except ApplicationError as error:
            form.add_error("partner", error.message)
        else:
            messages.success(
                request, f"{partner.student.display_name} is booked on {shift.title} and told."
            )
            return redirect("partners:shift", shift_id=shift.pk)
    context["allocate_form"] = form
    return render(request, "partners/shifts/shift.html", context, status=400)


@never_cache
@require_http_methods(["POST"])
def shift_record_view(request: AuthenticatedRequest, assignment_id: UUID) -> HttpResponse:
    """Record that a booked partner worked the shift (minutes), or that it did not take place."""
    assignment = (
        ShiftAssignment.objects.filter(pk=assignment_id)
        .select_related("shift__role", "partner__student")
        .first()
    )
    if assignment is None:
        raise NotFound
    shift = pages.managed_shift_get(actor=request.user, shift_id=assignment.shift_id)
    form = RecordForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect("partners:shift", shift_id=shift.pk)
    name = assignment.partner.student.display_name
    if form.cleaned_data["outcome"] == "worked":
        carried_out(
            request,
            lambda: shifts.shift_record_worked(
                actor=request.user, assignment=assignment, minutes=form.cleaned_data["minutes"]
            ),
            f"{name}'s time is recorded.",
        )
    else:
        carried_out(
            request,
            lambda: shifts.shift_record_not_worked(actor=request.user, assignment=assignment),
            f"Recorded that the shift did not take place for {name}.",
        )
    return redirect("partners:shift", shift_id=shift.pk)


# --- The student's pages ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def open_shifts_view(request: AuthenticatedRequest) -> HttpResponse:
    """Open shifts offered to the signed-in partner, each with a way to claim it."""
    if not is_partner(request.user):
        raise NotFound
    return render(
        request,
        "partners/shifts/open_shifts.html",
        {"shifts": list(shifts_open_to_me(actor=request.user))},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def shift_claim_view(request: AuthenticatedRequest, shift_id: UUID) -> HttpResponse:
    """An open shift offered to the partner: what it is, and claiming it (first come)."""
    shift = pages.offered_shift_get(actor=request.user, shift_id=shift_id)
    if request.method == "POST":
        try:
            assignment = shifts.shift_claim(actor=request.user, shift=shift)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{shift.title} is yours. You can drop or swap it at any time, without a reason.",
            )
            return redirect("partners:my_shift", assignment_id=assignment.pk)
    mine = (
        ShiftAssignment.objects.filter(
            shift=shift, partner__student__user=request.user, status=AssignmentStatus.BOOKED
        )
        .only("pk")
        .first()
    )
    still_open = shifts_open_to_me(actor=request.user).filter(pk=shift.pk).exists()
    return render(
        request,
        "partners/shifts/claim.html",
        {"shift": shift, "mine": mine, "still_open": still_open},
    )


@never_cache
@require_http_methods(["GET"])
def my_shift_view(request: AuthenticatedRequest, assignment_id: UUID) -> HttpResponse:
    """A shift of mine: when and where, and dropping or swapping it."""
    assignment = pages.my_booking_get(actor=request.user, assignment_id=assignment_id)
    upcoming = assignment.is_booked and assignment.shift.starts_at > timezone.now()
    return render(
        request,
        "partners/shifts/my_shift.html",
        {"assignment": assignment, "shift": assignment.shift, "upcoming": upcoming},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_shift_drop_view(request: AuthenticatedRequest, assignment_id: UUID) -> HttpResponse:
    """Drop a shift: one button, no reason asked."""
    assignment = pages.my_booking_get(actor=request.user, assignment_id=assignment_id)
    if not assignment.is_booked:
        raise NotFound
    if request.method == "POST":
        carried_out(
            request,
            lambda: shift_swaps.shift_drop(actor=request.user, assignment=assignment),
            f"You have dropped {assignment.shift.title}. Nothing counts against you: it is "
            "offered to others, and your coordinator is told.",
        )
        return redirect("partners:my_work")
    return render(
        request,
        "partners/shifts/drop.html",
        {"assignment": assignment, "shift": assignment.shift},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_shift_swap_view(request: AuthenticatedRequest, assignment_id: UUID) -> HttpResponse:
    """Ask a colleague who could work the shift to take it over."""
    assignment = pages.my_booking_get(actor=request.user, assignment_id=assignment_id)
    if not assignment.is_booked:
        raise NotFound
    colleagues = pages.swap_colleagues(assignment=assignment)
    form = SwapForm(request.POST or None, colleagues=colleagues)

    def save(data: dict[str, Any]) -> HttpResponse:
        shift_swaps.shift_swap_offer(
            actor=request.user, assignment=assignment, colleague=data["colleague"]
        )
        messages.success(
            request,
            f"{data['colleague'].student.display_name} is asked to take it over. The shift stays "
            "yours until they accept.",
        )
        return redirect("partners:my_shift", assignment_id=assignment.pk)

    return form_page(
        request,
        form,
        save,
        "partners/shifts/swap_form.html",
        {
            "assignment": assignment,
            "shift": assignment.shift,
            "colleagues": colleagues,
            "cancel": reverse("partners:my_shift", kwargs={"assignment_id": assignment.pk}),
        },
    )


@never_cache
@require_http_methods(["POST"])
def my_shift_swap_cancel_view(request: AuthenticatedRequest, assignment_id: UUID) -> HttpResponse:
    """Call off a swap I asked for; the shift stays mine."""
    assignment = pages.my_booking_get(actor=request.user, assignment_id=assignment_id)
    carried_out(
        request,
        lambda: shift_swaps.shift_swap_cancel(actor=request.user, assignment=assignment),
        "The swap is called off. The shift is still yours.",
    )
    return redirect("partners:my_shift", assignment_id=assignment.pk)


@never_cache
@require_http_methods(["GET", "POST"])
def swap_accept_view(request: AuthenticatedRequest, assignment_id: UUID) -> HttpResponse:
    """A shift a colleague asked me to take over: accept it, or say no."""
    assignment = pages.swap_asked_of_me_get(actor=request.user, assignment_id=assignment_id)
    if request.method == "POST":
        if request.POST.get("action") == "decline":
            carried_out(
                request,
                lambda: shift_swaps.shift_swap_cancel(actor=request.user, assignment=assignment),
                f"{assignment.partner.student.display_name} keeps the shift.",
            )
            return redirect("partners:my_work")
        try:
            taken = shift_swaps.shift_swap_accept(actor=request.user, assignment=assignment)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{assignment.shift.title} is yours now.")
            return redirect("partners:my_shift", assignment_id=taken.pk)
    return render(
        request,
        "partners/shifts/swap_accept.html",
        {"assignment": assignment, "shift": assignment.shift},
    )


urlpatterns = [
    path("rota/", rota_view, name="rota"),
    path("shifts/new/", shift_add_view, name="shift_add"),
    path("shifts/<uuid:shift_id>/", shift_view, name="shift"),
    path("shifts/<uuid:shift_id>/edit/", shift_edit_view, name="shift_edit"),
    path("shifts/<uuid:shift_id>/cancel/", shift_cancel_view, name="shift_cancel"),
    path("shifts/<uuid:shift_id>/offer/", shift_offer_view, name="shift_offer"),
    path("shifts/<uuid:shift_id>/allocate/", shift_allocate_view, name="shift_allocate"),
    path("bookings/<uuid:assignment_id>/record/", shift_record_view, name="shift_record"),
    path("my-work/open-shifts/", open_shifts_view, name="my_open_shifts"),
    path("my-work/open-shifts/<uuid:shift_id>/", shift_claim_view, name="my_shift_claim"),
    path("my-work/shifts/<uuid:assignment_id>/", my_shift_view, name="my_shift"),
    path("my-work/shifts/<uuid:assignment_id>/drop/", my_shift_drop_view, name="my_shift_drop"),
    path("my-work/shifts/<uuid:assignment_id>/swap/", my_shift_swap_view, name="my_shift_swap"),
    path(
        "my-work/shifts/<uuid:assignment_id>/swap/cancel/",
        my_shift_swap_cancel_view,
        name="my_shift_swap_cancel",
    ),
    path("my-work/swaps/<uuid:assignment_id>/", swap_accept_view, name="my_swap_accept"),
]
