"""A signed-in student's own 1-2-1 support: their cases (what each is about, its status and
outcome, who is helping), what they agreed with their adviser, their appointments, and asking for
an appointment. Never an adviser's private note; nobody else's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import form_page
from widen.students.mine.selectors import my_students
from widen.support.case_forms import AppointmentRequestForm
from widen.support.selectors.casework import (
    my_appointment_list,
    my_case_list,
    my_case_timeline,
)
from widen.support.services.appointments import appointment_request


def _is_student(request: AuthenticatedRequest) -> None:
    if not my_students(actor=request.user).exists():
        raise NotFound


@never_cache
@require_GET
def my_cases_view(request: AuthenticatedRequest) -> HttpResponse:
    _is_student(request)
    cases = [(case, my_case_timeline(case)) for case in my_case_list(actor=request.user)]
    return render(
        request,
        "support/cases/my_cases.html",
        {
            "cases": cases,
            "appointments": [
                a for a in my_appointment_list(actor=request.user) if a.case_id is None
            ],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_appointment_request_view(request: AuthenticatedRequest) -> HttpResponse:
    _is_student(request)
    form = AppointmentRequestForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        appointment_request(actor=request.user, **data)
        messages.success(
            request,
            "Your request is sent. A student support adviser will book a time and tell you.",
        )
        return redirect("support:cases_mine")

    return form_page(request, form, save, "support/cases/my_appointment_request.html")
