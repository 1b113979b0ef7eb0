"""Expense claims and advances pages.

The student's (their own only; anyone else's answers 404): my claims and advances (with what is
owed and when it will arrive), a new claim, adding costs with a receipt photo or PDF, sending it,
a new advance, reconciling an advance after the event. The coordinator's (their own providers'
only): the claims queue (sent first, oldest first, with working days waiting), approving or
querying a claim, and the days-out-of-pocket report. A receipt is served only to those who may
see its claim.
"""

from __future__ import annotations

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
from widen.partners.models import CLAIM_WORKFLOW, ExpenseClaim, Partner, Shift
from widen.partners.out_of_pocket import out_of_pocket_report
from widen.partners.permissions import (
    DECIDE,
    EDIT,
    claim_policy,
    may_coordinate,
    my_partners,
    shift_policy,
)
from widen.partners.selectors import claims as selectors
from widen.partners.services import claims as services
from widen.partners.views.claim_forms import (
    AdvanceForm,
    ClaimForm,
    LineForm,
    QueryForm,
    ReconcileForm,
)

COSTS_COVERED = "Costs covered: you should not need to pay."

# --- The student's pages ---------------------------------------------------------------------


def _my_partners(request: AuthenticatedRequest) -> QuerySet[Partner]:
    partners = my_partners(request.user).select_related("organisation")
    if not partners.exists():
        raise NotFound
    return partners


def _my_shifts(request: AuthenticatedRequest, partners: QuerySet[Partner]) -> QuerySet[Shift]:
    return (
        shift_policy.visible_to(request.user)
        .filter(organisation__in=partners.values("organisation"), cancelled_at__isnull=True)
        .select_related("event")
        .order_by("-starts_at")
    )


@never_cache
@require_http_methods(["GET"])
def my_claims_view(request: AuthenticatedRequest) -> HttpResponse:
    """The student's claims and advances, newest first, with what is owed and when."""
    _my_partners(request)
    owed = [selectors.claim_owed(claim) for claim in selectors.my_claims(actor=request.user)]
    return render(
        request,
        "partners/claims/my_claims.html",
        {
            "owed": owed,
            "to_reconcile": list(selectors.reconcilable_advances(actor=request.user)),
            "covered_shifts": [
                shift
                for shift in _my_shifts(request, _my_partners(request)).filter(costs_covered=True)
                if timezone.localdate(shift.starts_at) >= timezone.localdate()
            ],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def claim_new_view(request: AuthenticatedRequest) -> HttpResponse:
    """Start a claim: what it is for, and the shift (a shift with costs covered says so)."""
    partners = _my_partners(request)
    shifts = _my_shifts(request, partners)
    form = ClaimForm(
        request.POST or None,
        partners=partners,
        shifts=shifts,
        initial={"shift": request.GET.get("shift") or None},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        claim = services.claim_create(
            actor=request.user,
            partner=data["partner"],
            purpose=data["purpose"],
            shift=data["shift"],
        )
        messages.success(request, "Your claim is saved. Add each cost, then send it.")
        return redirect("partners:claim", claim_id=claim.pk)

    return form_page(
        request,
        form,
        save,
        "partners/claims/claim_form.html",
        {
            "covered": [shift for shift in shifts if shift.costs_covered],
            "covered_note": COSTS_COVERED,
            "cancel": reverse("partners:my_claims"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def advance_new_view(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for money before a shift or event, so as never to pay first."""
    partners = _my_partners(request)
    shifts = _my_shifts(request, partners)
    form = AdvanceForm(
        request.POST or None,
        partners=partners,
        shifts=shifts,
        initial={"shift": request.GET.get("shift") or None},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        advance = services.advance_request(
            actor=request.user,
            partner=data["partner"],
            purpose=data["purpose"],
            amount=data["amount"],
            needed_on=data["needed_on"],
            shift=data["shift"],
        )
        messages.success(
            request, "Your advance is asked for. Your coordinator approves it, then it is paid."
        )
        return redirect("partners:claim", claim_id=advance.pk)

    return form_page(
        request,
        form,
        save,
        "partners/claims/advance_form.html",
        {"cancel": reverse("partners:my_claims")},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def claim_reconcile_view(request: AuthenticatedRequest, claim_id: UUID) -> HttpResponse:
    """After the event: a claim listing what was spent against an advance."""
    advance = selectors.claim_get(actor=request.user, claim_id=claim_id)
    if not selectors.reconcilable_advances(actor=request.user).filter(pk=advance.pk).exists():
        raise NotFound
    form = ReconcileForm(
        request.POST or None, initial={"purpose": f"What I spent: {advance.purpose}"[:200]}
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        claim = services.claim_create(
            actor=request.user,
            partner=advance.partner,
            purpose=data["purpose"],
            advance=advance,
        )
        messages.success(request, "Add what you spent, with receipts, then send the claim.")
        return redirect("partners:claim", claim_id=claim.pk)

    return form_page(
        request,
        form,
        save,
        "partners/claims/reconcile_form.html",
        {"advance": advance, "cancel": reverse("partners:my_claims")},
    )


def _claim_context(request: AuthenticatedRequest, claim: ExpenseClaim) -> dict[str, Any]:
    may_edit = claim_policy.may(request.user, EDIT, claim)
    may_decide = claim_policy.may(request.user, DECIDE, claim)
    mine = my_partners(request.user).filter(pk=claim.partner_id).exists()
    return {
        "claim": claim,
        "lines": list(claim.lines.all()),
        "owed": selectors.claim_owed(claim),
        "mine": mine,
        "may_edit": may_edit,
        "may_decide": may_decide,
        "covered_note": COSTS_COVERED if claim.shift and claim.shift.costs_covered else "",
        "transitions": CLAIM_WORKFLOW.allowed(claim),
    }


@never_cache
@require_http_methods(["GET"])
def claim_view(request: AuthenticatedRequest, claim_id: UUID) -> HttpResponse:
    """One claim or advance: its costs and receipts, what is owed and when; the student adds
    costs and sends it, the coordinator approves or queries it."""
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id)
    context = _claim_context(request, claim)
    if context["may_edit"] and not claim.is_advance:
        context["form"] = LineForm()
    if context["may_decide"]:
        context["query_form"] = QueryForm()
    return render(request, "partners/claims/claim.html", context)


@never_cache
@require_http_methods(["POST"])
def claim_line_add_view(request: AuthenticatedRequest, claim_id: UUID) -> HttpResponse:
    """Add one cost, with its receipt photo or PDF, to the student's own claim."""
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id, action=EDIT)
    form = LineForm(request.POST, request.FILES)

    def save(data: dict[str, Any]) -> HttpResponse:
        receipt = data.get("receipt")
        line = services.claim_line_add(
            actor=request.user,
            claim=claim,
            category=data["category"],
            spent_on=data["spent_on"],
            description=data["description"],
            amount=data["amount"] or None,
            miles=data["miles"] or None,
            vehicle=data["vehicle"],
            receipt_name=receipt.name if receipt else "",
            receipt_content=receipt.read() if receipt else None,
        )
        messages.success(request, f"{line.description} is added.")
        return redirect("partners:claim", claim_id=claim.pk)

    context = _claim_context(request, claim)
    return form_page(request, form, save, "partners/claims/claim.html", context)


@never_cache
@require_http_methods(["POST"])
def claim_line_remove_view(request: AuthenticatedRequest, line_id: UUID) -> HttpResponse:
    line = selectors.my_line_get(actor=request.user, line_id=line_id)
    claim = line.claim
    carried_out(
        request,
        lambda: services.claim_line_remove(actor=request.user, line=line),
        f"{line.description} is removed.",
    )
    return redirect("partners:claim", claim_id=claim.pk)


@never_cache
@require_http_methods(["POST"])
def claim_submit_view(request: AuthenticatedRequest, claim_id: UUID) -> HttpResponse:
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id, action=EDIT)
    carried_out(
        request,
        lambda: services.claim_submit(actor=request.user, claim=claim),
        "Your claim is sent to your coordinator.",
    )
    return redirect("partners:claim", claim_id=claim.pk)


@never_cache
@require_http_methods(["GET"])
def claim_receipt_view(request: AuthenticatedRequest, line_id: UUID) -> HttpResponse:
    """A receipt, to those who may see its claim; served as the type its content showed."""
    line = selectors.receipt_line_get(actor=request.user, line_id=line_id)
    response = HttpResponse(bytes(line.receipt_content or b""), content_type=line.receipt_type)
    safe_name = "".join(c for c in line.receipt_name if c.isalnum() or c in "._- ") or "receipt"
    response["Content-Disposition"] = f'inline; filename="{safe_name}"'
    return response


# --- The coordinator's pages -----------------------------------------------------------------


def _require_coordinator(request: AuthenticatedRequest) -> None:
    if not may_coordinate(request.user):
        raise NotFound


@never_cache
@require_http_methods(["GET"])
def claims_queue_view(request: AuthenticatedRequest) -> HttpResponse:
    """The coordinator's claims: sent first, oldest first, with the working days waiting."""
    _require_coordinator(request)
    waiting = selectors.claims_queue(actor=request.user)
    return render(request, "partners/claims/queue.html", {"waiting": waiting})


@never_cache
@require_http_methods(["POST"])
def claim_approve_view(request: AuthenticatedRequest, claim_id: UUID) -> HttpResponse:
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id, action=DECIDE)
    carried_out(
        request,
        lambda: services.claim_approve(actor=request.user, claim=claim),
        f"“{claim.purpose}” is approved; it is paid in the next payment run.",
    )
    return redirect("partners:claims_queue")


@never_cache
@require_http_methods(["POST"])
def claim_query_view(request: AuthenticatedRequest, claim_id: UUID) -> HttpResponse:
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id, action=DECIDE)
    form = QueryForm(request.POST)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.claim_query(actor=request.user, claim=claim, note=data["note"])
        messages.success(request, "Your question is sent to the student.")
        return redirect("partners:claims_queue")

    context = _claim_context(request, claim)
    context["query_form"] = form
    if form.is_valid():
        try:
            return save(form.cleaned_data)
        except ApplicationError as error:
            form.add_error("note", error.message)
    return render(request, "partners/claims/claim.html", context)


@never_cache
@require_http_methods(["GET"])
def days_out_of_pocket_view(request: AuthenticatedRequest) -> HttpResponse:
    """How long partners wait for their money: median and 95th percentile by coordinator,
    provider and month, and the claims still unpaid."""
    _require_coordinator(request)
    report = out_of_pocket_report(actor=request.user)
    return render(request, "partners/claims/out_of_pocket.html", {"report": report})


urlpatterns = [
    path("claims/", claims_queue_view, name="claims_queue"),
    path("claims/mine/", my_claims_view, name="my_claims"),
    path("claims/new/", claim_new_view, name="claim_new"),
    path("claims/days-out-of-pocket/", days_out_of_pocket_view, name="days_out_of_pocket"),
    path("claims/<uuid:claim_id>/", claim_view, name="claim"),
    path("claims/<uuid:claim_id>/costs/", claim_line_add_view, name="claim_line_add"),
    path("claims/<uuid:claim_id>/send/", claim_submit_view, name="claim_submit"),
    path("claims/<uuid:claim_id>/approve/", claim_approve_view, name="claim_approve"),
    path("claims/<uuid:claim_id>/query/", claim_query_view, name="claim_query"),
    path("claims/costs/<uuid:line_id>/remove/", claim_line_remove_view, name="claim_line_remove"),
    path("claims/costs/<uuid:line_id>/receipt/", claim_receipt_view, name="claim_receipt"),
    path("advances/new/", advance_new_view, name="advance_new"),
    path("advances/<uuid:claim_id>/reconcile/", claim_reconcile_view, name="claim_reconcile"),
]
