"""Hours and pay pages.

The student's (their own only; anyone else's answers 404): my timesheets, a timesheet (confirm
it, correct a line with a note, add work not on a shift), and what I will be paid and when.
The coordinator's (their own providers' only): pay periods (list, add), a period's timesheets
(draft them from the shifts worked; the approvals queue), one timesheet (approve or query), and
the period's payroll file.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.downloads import table_download
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.core.forms import add_service_error
from widen.partners.models import TIMESHEET_WORKFLOW, Timesheet
from widen.partners.permissions import may_coordinate
from widen.partners.selectors import payroll
from widen.partners.selectors import timesheets as selectors
from widen.partners.services import timesheets as services
from widen.partners.views.timesheet_forms import (
    ConfirmForm,
    LineAddForm,
    LineCorrectForm,
    PayPeriodForm,
    QueryForm,
)

# --- The student's pages ---------------------------------------------------------------------


def _require_student(request: AuthenticatedRequest) -> None:
    if not selectors.is_student(request.user):
        raise NotFound


@never_cache
@require_http_methods(["GET"])
def my_timesheets_view(request: AuthenticatedRequest) -> HttpResponse:
    """The student's timesheets, newest period first, with what each waits for."""
    _require_student(request)
    rows = selectors.my_expected_pay(actor=request.user)
    return render(request, "partners/timesheets/my_timesheets.html", {"rows": rows})


def _my_timesheet_context(timesheet: Timesheet) -> dict[str, Any]:
    lines = list(selectors.timesheet_lines(timesheet))
    return {
        "timesheet": timesheet,
        "lines": lines,
        "hours": selectors.hours_shown(timesheet.total_minutes),
        "may_change": timesheet.partner_may_change,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def my_timesheet_view(request: AuthenticatedRequest, timesheet_id: UUID) -> HttpResponse:
    """One of the student's timesheets: its lines, and confirming it."""
    timesheet = selectors.my_timesheet_get(actor=request.user, timesheet_id=timesheet_id)
    form = ConfirmForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        if not timesheet.partner_may_change:
            raise ApplicationError(
                f"This timesheet is {timesheet.get_status_display().lower()} already."
            )
        services.timesheet_confirm(actor=request.user, timesheet=timesheet, note=data["note"])
        messages.success(
            request,
            "Your timesheet is confirmed. Your coordinator approves it for payroll; you are told "
            "if they have a question.",
        )
        return redirect("partners:my_timesheet", timesheet_id=timesheet.pk)

    if request.method == "POST" and not timesheet.partner_may_change:
        messages.error(
            request, f"This timesheet is {timesheet.get_status_display().lower()} already."
        )
        return redirect("partners:my_timesheet", timesheet_id=timesheet.pk)
    return form_page(
        request,
        form,
        save,
        "partners/timesheets/my_timesheet.html",
        _my_timesheet_context(timesheet),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_timesheet_line_view(
    request: AuthenticatedRequest, timesheet_id: UUID, line_id: UUID
) -> HttpResponse:
    """Correct the time of one line, with a note for the coordinator."""
    timesheet = selectors.my_timesheet_get(actor=request.user, timesheet_id=timesheet_id)
    line = selectors.my_line_get(actor=request.user, timesheet=timesheet, line_id=line_id)
    if not timesheet.partner_may_change:
        raise NotFound
    form = LineCorrectForm(
        request.POST or None, initial={"minutes": line.minutes, "note": line.correction_note}
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        services.timesheet_line_correct(
            actor=request.user, line=line, minutes=data["minutes"], note=data["note"]
        )
        messages.success(request, f"The time of {line.description} is saved.")
        return redirect("partners:my_timesheet", timesheet_id=timesheet.pk)

    return form_page(
        request,
        form,
        save,
        "partners/timesheets/my_line_form.html",
        {
            "timesheet": timesheet,
            "line": line,
            "drafted_hours": selectors.hours_shown(line.drafted_minutes),
            "cancel": reverse("partners:my_timesheet", kwargs={"timesheet_id": timesheet.pk}),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_timesheet_add_view(request: AuthenticatedRequest, timesheet_id: UUID) -> HttpResponse:
    """Add work that was not on a shift, in one of the student's roles, with a note."""
    timesheet = selectors.my_timesheet_get(actor=request.user, timesheet_id=timesheet_id)
    if not timesheet.partner_may_change:
        raise NotFound
    roles = services.partner_roles(timesheet.partner)
    form = LineAddForm(request.POST or None, roles=roles)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.timesheet_line_add(actor=request.user, timesheet=timesheet, **data)
        messages.success(request, f"{data['description']} is added to your timesheet.")
        return redirect("partners:my_timesheet", timesheet_id=timesheet.pk)

    return form_page(
        request,
        form,
        save,
        "partners/timesheets/my_line_add.html",
        {
            "timesheet": timesheet,
            "cancel": reverse("partners:my_timesheet", kwargs={"timesheet_id": timesheet.pk}),
        },
    )


@never_cache
@require_http_methods(["GET"])
def my_pay_view(request: AuthenticatedRequest) -> HttpResponse:
    """What the student will be paid and when: each timesheet's pay and its period's pay date,
    and shifts recorded worked after they confirmed a timesheet (paid with the next one)."""
    _require_student(request)
    rows = selectors.my_expected_pay(actor=request.user)
    waiting = selectors.my_shifts_waiting(actor=request.user)
    return render(request, "partners/timesheets/my_pay.html", {"rows": rows, "waiting": waiting})


# --- The coordinator's pages -----------------------------------------------------------------


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not may_coordinate(request.user):
        raise NotFound


@require_http_methods(["GET"])
def pay_periods_view(request: AuthenticatedRequest) -> HttpResponse:
    """The pay periods of the providers the coordinator keeps, newest first."""
    _require_coordinator(request)
    periods = selectors.pay_periods(actor=request.user)
    return render(request, "partners/timesheets/pay_periods.html", {"periods": periods})


@require_http_methods(["GET", "POST"])
def pay_period_add_view(request: AuthenticatedRequest) -> HttpResponse:
    _require_coordinator(request)
    form = PayPeriodForm(request.POST or None, organisations=selectors.coordinated(request.user))

    def save(data: dict[str, Any]) -> HttpResponse:
        period = services.pay_period_create(actor=request.user, **data)
        paid = f"{period.pay_date.day} {period.pay_date:%B %Y}"
        messages.success(request, f"Pay period {period} added, paid on {paid}.")
        return redirect("partners:pay_period", pay_period_id=period.pk)

    return form_page(
        request,
        form,
        save,
        "partners/timesheets/pay_period_form.html",
        {"cancel": reverse("partners:pay_periods")},
    )


def _drafted_message(drafted: services.Drafted) -> str:
    if not drafted.lines_added:
        message = "No new worked shifts to add: every shift worked is on a timesheet already."
    else:
        shifts = "shift" if drafted.lines_added == 1 else "shifts"
        people = "partner" if drafted.partners_told == 1 else "partners"
        message = (
            f"{drafted.lines_added} worked {shifts} added to timesheets; "
            f"{drafted.partners_told} {people} told a timesheet waits for them."
        )
    if drafted.late_added:
        message += (
            f" {drafted.late_added} of them were worked in an earlier pay period whose "
            "timesheet was already confirmed or approved."
        )
    if drafted.shifts_waiting:
        message += (
            f" {drafted.shifts_waiting} worked shift(s) were left out: their partner's "
            "timesheet is already confirmed or approved, so they go on the partner's timesheet "
            "of the next pay period drafted."
        )
    return message


@require_http_methods(["GET", "POST"])
def pay_period_view(request: AuthenticatedRequest, pay_period_id: UUID) -> HttpResponse:
    """A pay period's timesheets: confirmed ones first (to approve or query); drafting them from
    the shifts worked; the payroll file."""
    period = selectors.pay_period_get(actor=request.user, pay_period_id=pay_period_id)
    if request.method == "POST":
        if request.POST.get("action") == "draft":
            carried_out(
                request,
                lambda: services.timesheets_draft(actor=request.user, pay_period=period),
                _drafted_message,
            )
        else:
            messages.error(request, "Choose what to do with the pay period.")
        return redirect("partners:pay_period", pay_period_id=period.pk)
    timesheets = selectors.period_timesheets(actor=request.user, pay_period=period)
    rows = [(sheet, selectors.hours_shown(sheet.total_minutes)) for sheet in timesheets]
    return render(
        request,
        "partners/timesheets/pay_period.html",
        {
            "period": period,
            "rows": rows,
            "to_approve": sum(1 for sheet in timesheets if sheet.is_confirmed),
            "approved": sum(1 for sheet in timesheets if sheet.is_approved),
        },
    )


@require_http_methods(["GET", "POST"])
def timesheet_review_view(request: AuthenticatedRequest, timesheet_id: UUID) -> HttpResponse:
    """A coordinator's view of one timesheet: approve it for payroll, or query it back."""
    timesheet = selectors.coordinated_timesheet_get(actor=request.user, timesheet_id=timesheet_id)
    query_form = QueryForm(request.POST if request.POST.get("action") == "query" else None)
    back = redirect("partners:timesheet_review", timesheet_id=timesheet.pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in {"approve", "query"} or not TIMESHEET_WORKFLOW.can(timesheet, action):
            messages.error(
                request,
                f"This timesheet is {timesheet.get_status_display().lower()}: only a confirmed "
                "timesheet can be approved or queried.",
            )
            return back
        if action == "approve":
            name = timesheet.partner.student
            carried_out(
                request,
                lambda: services.timesheet_approve(actor=request.user, timesheet=timesheet),
                f"The timesheet of {name} is approved for payroll.",
            )
            return back
        if query_form.is_valid():
            try:
                services.timesheet_query(
                    actor=request.user, timesheet=timesheet, note=query_form.cleaned_data["note"]
                )
            except ApplicationError as error:
                add_service_error(query_form, error)
            else:
                messages.success(
                    request, f"The timesheet is sent back to {timesheet.partner.student}."
                )
                return back
    return render(
        request,
        "partners/timesheets/timesheet_review.html",
        {
            **_my_timesheet_context(timesheet),
            "query_form": query_form,
            "may_decide": timesheet.is_confirmed,
        },
    )


@require_http_methods(["POST"])
def payroll_file_view(
    request: AuthenticatedRequest, pay_period_id: UUID
) -> StreamingHttpResponse | FileResponse:
    """The period's payroll file (CSV): every line of its approved timesheets. Each export is
    recorded on the period (who and when) and in the access log."""
    period = selectors.pay_period_get(actor=request.user, pay_period_id=pay_period_id)
    timesheet_ids = list(
        payroll.payroll_lines(period).values_list("timesheet_id", flat=True).distinct()
    )

    def log() -> None:
        services.payroll_export(actor=request.user, pay_period=period, timesheet_ids=timesheet_ids)

    return table_download(
        file_name=payroll.payroll_file_name(period),
        columns=payroll.COLUMNS,
        rows=payroll.payroll_rows(period),
        access_log=log,
        identities=True,
    )


urlpatterns = [
    path("timesheets/", my_timesheets_view, name="my_timesheets"),
    path("timesheets/<uuid:timesheet_id>/", my_timesheet_view, name="my_timesheet"),
    path(
        "timesheets/<uuid:timesheet_id>/lines/<uuid:line_id>/",
        my_timesheet_line_view,
        name="my_timesheet_line",
    ),
    path("timesheets/<uuid:timesheet_id>/add/", my_timesheet_add_view, name="my_timesheet_add"),
    path("pay/", my_pay_view, name="my_pay"),
    path("pay-periods/", pay_periods_view, name="pay_periods"),
    path("pay-periods/new/", pay_period_add_view, name="pay_period_add"),
    path("pay-periods/<uuid:pay_period_id>/", pay_period_view, name="pay_period"),
    path("pay-periods/<uuid:pay_period_id>/payroll/", payroll_file_view, name="payroll_file"),
    path(
        "pay-periods/timesheets/<uuid:timesheet_id>/",
        timesheet_review_view,
        name="timesheet_review",
    ),
]
