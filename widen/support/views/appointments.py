"""1-2-1 appointments' pages for a provider's student support advisers: the requests students
made and the appointments booked; one appointment, to book it (when, where, with whom), to open
a case from the request, or to mark it held or cancel it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out
from widen.core.forms import add_service_error
from widen.support.case_forms import AppointmentBookForm, CaseFromAppointmentForm
from widen.support.models import APPOINTMENT_WORKFLOW, Appointment
from widen.support.permissions.casework import WORK, appointment_policy, casework_providers
from widen.support.permissions.providers import advisers_of
from widen.support.selectors.casework import (
    appointment_get,
    appointment_requests,
    appointments_booked,
)
from widen.support.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_hold,
    case_open_from_appointment,
)


@never_cache
@require_GET
def appointments_view(request: AuthenticatedRequest) -> HttpResponse:
    if not casework_providers(request.user).exists():
        raise NotFound
    return render(
        request,
        "support/cases/appointments.html",
        {
            "requests": list(appointment_requests(actor=request.user)),
            "booked": list(appointments_booked(actor=request.user)),
        },
    )


def _page(
    request: AuthenticatedRequest, appointment: Appointment, failed: dict[str, Any] | None = None
) -> HttpResponse:
    advisers = advisers_of(appointment.organisation_id)
    forms = {
        "book": AppointmentBookForm(advisers=advisers, initial={"adviser": request.user.pk}),
        "case": CaseFromAppointmentForm(advisers=advisers, initial={"assignee": request.user.pk}),
        **(failed or {}),
    }
    return render(
        request,
        "support/cases/appointment_detail.html",
        {
            "appointment": appointment,
            "forms": forms,
            "page_errors": bool(failed),
            "may_book": APPOINTMENT_WORKFLOW.can(appointment, "book"),
            "may_hold": APPOINTMENT_WORKFLOW.can(appointment, "hold"),
            "may_cancel": APPOINTMENT_WORKFLOW.can(appointment, "cancel"),
        },
    )


@never_cache
@require_GET
def appointment_detail_view(request: AuthenticatedRequest, appointment_id: UUID) -> HttpResponse:
    return _page(request, appointment_get(actor=request.user, appointment_id=appointment_id))


@require_POST
def appointment_book_view(request: AuthenticatedRequest, appointment_id: UUID) -> HttpResponse:
    appointment = appointment_policy.get(request.user, appointment_id, action=WORK)
    form = AppointmentBookForm(request.POST, advisers=advisers_of(appointment.organisation_id))
    if form.is_valid():
        try:
            appointment_book(actor=request.user, appointment=appointment, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Booked the appointment; the student has been told.")
            return redirect("support:appointment", appointment_id=appointment.pk)
    return _page(
        request, appointment_get(actor=request.user, appointment_id=appointment.pk), {"book": form}
    )


@require_POST
def appointment_open_case_view(request: AuthenticatedRequest, appointment_id: UUID) -> HttpResponse:
    """Open a case from this request: about its topic, linked to it; the student is told."""
    appointment = appointment_policy.get(request.user, appointment_id, action=WORK)
    form = CaseFromAppointmentForm(request.POST, advisers=advisers_of(appointment.organisation_id))
    if form.is_valid():
        try:
            case = case_open_from_appointment(
                actor=request.user, appointment=appointment, **form.cleaned_data
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Opened a case from the request; the student has been told.")
            return redirect("support:case", case_id=case.pk)
    return _page(
        request, appointment_get(actor=request.user, appointment_id=appointment.pk), {"case": form}
    )


@require_POST
def appointment_hold_view(request: AuthenticatedRequest, appointment_id: UUID) -> HttpResponse:
    appointment = appointment_policy.get(request.user, appointment_id, action=WORK)
    carried_out(
        request,
        lambda: appointment_hold(actor=request.user, appointment=appointment),
        "Marked the appointment as held.",
    )
    return redirect("support:appointment", appointment_id=appointment.pk)


@require_POST
def appointment_cancel_view(request: AuthenticatedRequest, appointment_id: UUID) -> HttpResponse:
    appointment = appointment_policy.get(request.user, appointment_id, action=WORK)
    carried_out(
        request,
        lambda: appointment_cancel(
            actor=request.user, appointment=appointment, reason=request.POST.get("reason", "")
        ),
        "Cancelled the appointment.",
    )
    return redirect("support:appointment", appointment_id=appointment.pk)
