"""The payments pages: "My payments" for everyone paid, and the payment runs for finance."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.forms import add_service_error
from widen.payments import selectors, services
from widen.payments.exports import payment_run_csv, payment_run_file_name
from widen.payments.forms import BankDetailsForm, MarkPaidForm, RunCreateForm
from widen.payments.money import pounds
from widen.payments.permissions import EDIT_BANK_DETAILS, may_manage_payments

ENTRIES_PER_PAGE = 50


@require_http_methods(["GET"])
def my_payments_view(request: AuthenticatedRequest) -> HttpResponse:
    """Each amount the signed-in person is owed or was paid, what it is for, and when paid."""
    entries = selectors.my_payments(actor=request.user)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(entry, selectors.entry_status(entry)) for entry in page]
    payees = selectors.my_payees(actor=request.user)
    return render(
        request,
        "payments/my_payments.html",
        {
            "payees": payees,
            "several_payers": len(payees) > 1,
            "page": page,
            "rows": rows,
            "may_manage": may_manage_payments(request.user),
        },
    )


@require_http_methods(["GET"])
def my_payment_view(request: AuthenticatedRequest, entry_id: UUID) -> HttpResponse:
    entry = selectors.my_payment_get(actor=request.user, entry_id=entry_id)
    return render(
        request,
        "payments/my_payment.html",
        {
            "entry": entry,
            "status": selectors.entry_status(entry),
            "paid_on": selectors.entry_paid_on(entry),
        },
    )


@sensitive_post_parameters("account_name", "sort_code", "account_number")
@require_http_methods(["GET", "POST"])
def bank_details_view(request: AuthenticatedRequest, payee_id: UUID) -> HttpResponse:
    """The payee (or finance) gives the bank details; the page shows only their last digits."""
    payee = selectors.payee_get(actor=request.user, payee_id=payee_id, action=EDIT_BANK_DETAILS)
    form = BankDetailsForm(request.POST or None)
    own = payee.user_id == request.user.pk
    if request.method == "POST" and form.is_valid():
        try:
            services.payee_bank_details_set(actor=request.user, payee=payee, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Bank details saved for {payee.name}.")
            return redirect("payments:mine" if own else "payments:payees")
    return render(request, "payments/bank_details.html", {"payee": payee, "form": form, "own": own})


def _require_finance(request: AuthenticatedRequest) -> None:
    if not may_manage_payments(request.user):
        raise NotFound


@require_http_methods(["GET"])
def payees_view(request: AuthenticatedRequest) -> HttpResponse:
    """Finance: every payee, whether they have given bank details, and what each is owed."""
    _require_finance(request)
    payees = list(selectors.payees_for_finance(actor=request.user))
    owed: dict[object, int] = {}
    for organisation_id in {payee.organisation_id for payee in payees}:
        for balance in selectors.open_balances(organisation_id):
            owed[balance.payee.pk] = balance.amount_pence
    rows = [(payee, owed.get(payee.pk, 0)) for payee in payees]
    return render(request, "payments/payees.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def runs_view(request: AuthenticatedRequest) -> HttpResponse:
    """Finance: the payment runs, and a new run of everything owed."""
    _require_finance(request)
    organisations = selectors.organisations_paying(actor=request.user)
    form = RunCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.payment_run_create(
                actor=request.user, organisation=form.cleaned_data["organisation"]
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            message = (
                f"Payment run {made.run.number} made: {pounds(made.run.total_pence)} to "
                f"{made.run.payee_count} {'payee' if made.run.payee_count == 1 else 'payees'}."
            )
            if made.skipped_without_bank_details:
                message += (
                    f" {made.skipped_without_bank_details} more owed money have given no bank "
                    "details and wait for a later run."
                )
            messages.success(request, message)
            return redirect("payments:run", run_id=made.run.pk)
    return render(
        request,
        "payments/runs.html",
        {"runs": selectors.payment_runs(actor=request.user), "form": form},
    )


@require_http_methods(["GET", "POST"])
def run_view(request: AuthenticatedRequest, run_id: UUID) -> HttpResponse:
    """Finance: one run, payee by payee; export it, mark it paid, or discard a draft."""
    run = selectors.payment_run_get(actor=request.user, run_id=run_id)
    paid_form = MarkPaidForm(request.POST if request.POST.get("action") == "mark_paid" else None)
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "export":
                services.payment_run_export(actor=request.user, run=run)
                messages.success(
                    request, f"Payment run {run.number} is exported: download its file below."
                )
                return redirect("payments:run", run_id=run.pk)
            if action == "discard":
                services.payment_run_discard(actor=request.user, run=run)
                messages.success(request, f"Draft payment run {run.number} discarded.")
                return redirect("payments:runs")
            if action == "mark_paid":
                if paid_form.is_valid():
                    services.payment_run_mark_paid(
                        actor=request.user, run=run, paid_on=paid_form.cleaned_data["paid_on"]
                    )
                    messages.success(request, f"Payment run {run.number} is marked paid.")
                    return redirect("payments:run", run_id=run.pk)
            else:
                problem = "Choose what to do with the payment run."
        except ApplicationError as error:
            if action == "mark_paid":
                add_service_error(paid_form, error)
            else:
                problem = error.message
        run.refresh_from_db()
    return render(
        request,
        "payments/run.html",
        {
            "run": run,
            "lines": selectors.payment_run_lines(run),
            "paid_form": paid_form,
            "run_problem": problem,
            "page_errors": bool(problem),
        },
    )


@require_http_methods(["GET"])
def run_file_view(request: AuthenticatedRequest, run_id: UUID) -> HttpResponse:
    """Finance: the exported run's file, every download recorded in the access log."""
    run = selectors.payment_run_get(actor=request.user, run_id=run_id)
    services.payment_run_file_opened(actor=request.user, run=run)
    response = HttpResponse(payment_run_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{payment_run_file_name(run)}"'
    return response
