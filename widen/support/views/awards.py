"""Award schemes' pages for those who manage a provider's awards: the list, a new award scheme
and changing one, an award scheme's page (its awards by status with their instalments, offering
it to the support scheme's members, stopping an award, the award letter), the instalments to
chase, and the finance page (committed, paid and forecast; reconciliation; the forecast's CSV)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import form_page
from widen.core.spreadsheets import csv_download
from widen.support.award_forms import (
    AwardSchemeForm,
    InstalmentFilterForm,
    StopAwardForm,
    amount_words,
    band_amounts,
)
from widen.support.letters import award_letter_filename, award_letter_pdf
from widen.support.models import Award, AwardStatus, Scheme
from widen.support.permissions.awards import (
    MANAGE,
    award_policy,
    award_providers,
    award_scheme_policy,
)
from widen.support.selectors.award_schemes import (
    award_counts,
    award_scheme_awards,
    award_scheme_get,
    award_scheme_list,
    award_students_record,
    instalment_list,
)
from widen.support.selectors.finance import (
    finance_reconciliation,
    finance_summary,
    forecast_rows,
    reconciliation_students,
)
from widen.support.services.awards import (
    award_scheme_create,
    award_scheme_update,
    award_stop,
    awards_offer,
)

PAGE_SIZE = 50


def _providers(request: AuthenticatedRequest) -> Any:
    providers = award_providers(request.user)
    if not providers.exists():
        raise NotFound
    return providers


@require_GET
def award_scheme_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _providers(request)
    award_schemes = [
        (award_scheme, amount_words(award_scheme))
        for award_scheme in award_scheme_list(actor=request.user)
    ]
    return render(request, "support/awards/list.html", {"award_schemes": award_schemes})


def _schemes(providers: Any) -> Any:
    """The support schemes an award scheme may be for: those of the person's providers."""
    return Scheme.objects.filter(organisation__in=providers).order_by("name", "pk")


@require_http_methods(["GET", "POST"])
def award_scheme_create_view(request: AuthenticatedRequest) -> HttpResponse:
    providers = _providers(request)
    form = AwardSchemeForm(
        request.POST or None,
        initial={"organisation": providers.first()},
        providers=providers,
        schemes=_schemes(providers),
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        award_scheme = award_scheme_create(
            actor=request.user, organisation=data["organisation"], **form.service_fields()
        )
        messages.success(
            request, f"Saved {award_scheme}. Offer it to the scheme's members when ready."
        )
        return redirect("support:award_scheme", award_scheme_id=award_scheme.pk)

    return form_page(request, form, save, "support/awards/form.html", {"award_scheme": None})


@require_http_methods(["GET", "POST"])
def award_scheme_edit_view(request: AuthenticatedRequest, award_scheme_id: UUID) -> HttpResponse:
    award_scheme = award_scheme_policy.get(request.user, award_scheme_id, action=MANAGE)
    providers = award_providers(request.user).filter(pk=award_scheme.organisation_id)
    form = AwardSchemeForm(
        request.POST or None,
        initial=AwardSchemeForm.initial_for(award_scheme),
        providers=providers,
        schemes=_schemes(providers),
        editing=True,
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        changed = award_scheme_update(
            actor=request.user, award_scheme=award_scheme, **form.service_fields()
        )
        messages.success(request, f"Saved {changed}.")
        return redirect("support:award_scheme", award_scheme_id=changed.pk)

    return form_page(
        request, form, save, "support/awards/form.html", {"award_scheme": award_scheme}
    )


def _award_scheme_page(
    request: AuthenticatedRequest, award_scheme_id: UUID, extra: dict[str, Any]
) -> HttpResponse:
    award_scheme = award_scheme_get(actor=request.user, award_scheme_id=award_scheme_id)
    status = request.GET.get("status", "")
    if status not in AwardStatus.values:
        status = ""
    awards = Paginator(
        award_scheme_awards(actor=request.user, award_scheme=award_scheme, status=status),
        PAGE_SIZE,
    )
    page = awards.get_page(request.GET.get("page"))
    named = [award.student for award in page.object_list]
    offer = extra.get("offer")
    if offer is not None:
        named += [student for student, _ in offer.not_offered]
    award_students_record(
        actor=request.user,
        award_scheme=award_scheme,
        students=named,
        purpose=f"awards of the award scheme {award_scheme}",
    )
    return render(
        request,
        "support/awards/detail.html",
        {
            "award_scheme": award_scheme,
            "amount": amount_words(award_scheme),
            "bands": band_amounts(award_scheme),
            "days": [date.fromisoformat(str(day)) for day in award_scheme.instalment_days],
            "counts": award_counts(actor=request.user, award_scheme=award_scheme),
            "status": status,
            "statuses": AwardStatus.choices,
            "page": page,
            **extra,
        },
    )


@require_GET
def award_scheme_view(request: AuthenticatedRequest, award_scheme_id: UUID) -> HttpResponse:
    return _award_scheme_page(request, award_scheme_id, {})


@require_POST
def award_scheme_offer_view(request: AuthenticatedRequest, award_scheme_id: UUID) -> HttpResponse:
    """Offer the award to every member without one: the page again, saying who was offered
    and who was not, and why."""
    award_scheme = award_scheme_policy.get(request.user, award_scheme_id, action=MANAGE)
    try:
        offer = awards_offer(actor=request.user, award_scheme=award_scheme)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("support:award_scheme", award_scheme_id=award_scheme.pk)
    return _award_scheme_page(request, award_scheme_id, {"offer": offer})


def _award(request: AuthenticatedRequest, award_scheme_id: UUID, award_id: UUID) -> Award:
    award = award_policy.get(request.user, award_id, action=MANAGE)
    if award.award_scheme_id != award_scheme_id:
        raise NotFound
    return award


@require_http_methods(["GET", "POST"])
def award_stop_view(
    request: AuthenticatedRequest, award_scheme_id: UUID, award_id: UUID
) -> HttpResponse:
    award = _award(request, award_scheme_id, award_id)
    award_scheme = award_scheme_get(actor=request.user, award_scheme_id=award_scheme_id)
    award_students_record(
        actor=request.user,
        award_scheme=award_scheme,
        students=[award.student],
        purpose=f"stopping an award of {award_scheme}",
    )
    form = StopAwardForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        award_stop(actor=request.user, award=award, reason=data["reason"])
        messages.success(
            request, f"Stopped {award.student.display_name}'s award. They have been told why."
        )
        return redirect("support:award_scheme", award_scheme_id=award_scheme.pk)

    return form_page(
        request,
        form,
        save,
        "support/awards/stop.html",
        {"award": award, "award_scheme": award_scheme, "instalments": award.instalments.all()},
    )


@require_GET
def award_letter_view(
    request: AuthenticatedRequest, award_scheme_id: UUID, award_id: UUID
) -> HttpResponse:
    """The award letter as a PDF: what the student was offered, its instalments and what became
    of each."""
    award = _award(request, award_scheme_id, award_id)
    award_scheme = award_scheme_get(actor=request.user, award_scheme_id=award_scheme_id)
    award_students_record(
        actor=request.user,
        award_scheme=award_scheme,
        students=[award.student],
        purpose=f"the award letter of {award_scheme}",
    )
    response = HttpResponse(award_letter_pdf(award), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{award_letter_filename(award)}"'
    return response


@require_GET
def award_instalments_view(request: AuthenticatedRequest) -> HttpResponse:
    _providers(request)
    form = InstalmentFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    found = Paginator(instalment_list(actor=request.user, status=status), PAGE_SIZE)
    page = found.get_page(request.GET.get("page"))
    award_students_record(
        actor=request.user,
        award_scheme=None,
        students=[instalment.award.student for instalment in page.object_list],
        purpose="award instalments to chase",
    )
    return render(
        request,
        "support/awards/instalments.html",
        {"form": form, "page": page, "status": status},
    )


def _year(request: AuthenticatedRequest) -> str:
    year = request.GET.get("year", "").strip()
    return year if len(year) == 7 and year[4] == "/" else ""


@require_GET
def award_finance_view(request: AuthenticatedRequest) -> HttpResponse:
    _providers(request)
    year = _year(request)
    reconciliation = finance_reconciliation(actor=request.user)
    award_students_record(
        actor=request.user,
        award_scheme=None,
        students=reconciliation_students(reconciliation),
        purpose="reconciling award instalments with payment runs",
    )
    years = (
        award_scheme_policy.visible_to(request.user)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .distinct()
    )
    return render(
        request,
        "support/awards/finance.html",
        {
            "finance": finance_summary(actor=request.user, academic_year=year),
            "reconciliation": reconciliation,
            "year": year,
            "years": list(years),
        },
    )


@require_GET
def award_forecast_csv_view(request: AuthenticatedRequest) -> HttpResponse:
    _providers(request)
    year = _year(request)
    finance = finance_summary(actor=request.user, academic_year=year)
    response = HttpResponse(csv_download(forecast_rows(finance)), content_type="text/csv")
    stem = f"award-forecast-{year.replace('/', '-')}" if year else "award-forecast"
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
