"""Evaluation report pages (an activity's, a programme's, an event's), their HTML and PDF files,
and the theory of change form. Anyone in the partnership reads a report; partnership admins and
outreach officers write theories of change. Another partnership's, or a missing, activity,
programme or event answers 404 alike."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.models import Activity
from widen.audit.services import access_log_record_subjects
from widen.core.downloads import file_download
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.forms import add_service_error
from widen.evaluation.permissions import may_write_theory
from widen.evaluation.reports import (
    MATCHING_METHODS,
    Subject,
    SubjectKind,
    evaluation_report,
    report_subject_get,
)
from widen.evaluation.reports.pdf import report_pdf
from widen.evaluation.services.theory_of_change import (
    TEXT_FIELDS,
    TEXT_MAX,
    TheoryDetails,
    details_from,
    moat_outcome_choices,
    theory_of_change_for,
    theory_of_change_save,
)
from widen.organisations.models import DataCategory
from widen.programmes.models import Programme

REPORT_SUBJECT = "evaluation.report"


def _slug(text: str) -> str:
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in slug.split("-") if part)[:50] or "report"


def _theory_url(request: HttpRequest, subject: Subject) -> str:
    target = subject.theory_target
    if target is None or not may_write_theory(request.user, subject.partnership):
        return ""
    if isinstance(target, Activity):
        return reverse("evaluation_reports:activity_theory", kwargs={"activity_id": target.pk})
    return reverse("evaluation_reports:programme_theory", kwargs={"programme_id": target.pk})


def _report(request: AuthenticatedRequest, kind: SubjectKind, subject_id: UUID) -> HttpResponse:
    subject = report_subject_get(actor=request.user, kind=kind, subject_id=subject_id)
    method = request.GET.get("matching", "exact")
    method = method if method in MATCHING_METHODS else "exact"
    report = evaluation_report(subject, method=method)
    wanted = request.GET.get("format", "")
    if wanted in {"html", "pdf"}:

        def log() -> None:
            access_log_record_subjects(
                actor=request.user,
                subject_type=REPORT_SUBJECT,
                subjects=[(subject.pk, None)],
                data_categories=[DataCategory.CHARACTERISTICS],
                purpose=f"evaluation report ({wanted.upper()}): {subject.name}",
            )

        name = f"{_slug(subject.name)}-evaluation-{timezone.localdate().isoformat()}"
        if wanted == "pdf":
            return file_download(
                report_pdf(report, method=method),
                file_name=f"{name}.pdf",
                content_type="application/pdf",
                access_log=log,
            )
        html = render_to_string(
            "evaluation/report_export.html",
            {
                "report": report,
                "made_on": timezone.localdate(),
                "method_label": MATCHING_METHODS[method],
            },
        )
        return file_download(
            html,
            file_name=f"{name}.html",
            content_type="text/html; charset=utf-8",
            access_log=log,
        )
    return render(
        request,
        "evaluation/report.html",
        {
            "report": report,
            "method": method,
            "methods": [
                ("exact", "Exact matching"),
                ("propensity", "Propensity score matching"),
            ],
            "theory_url": _theory_url(request, subject),
        },
    )


@require_GET
def activity_report_view(request: AuthenticatedRequest, activity_id: UUID) -> HttpResponse:
    return _report(request, SubjectKind.ACTIVITY, activity_id)


@require_GET
def programme_report_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    return _report(request, SubjectKind.PROGRAMME, programme_id)


@require_GET
def event_report_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    return _report(request, SubjectKind.EVENT, event_id)


# --- Theory of change -------------------------------------------------------------------------

HELP = {
    "problem": "The problem the work addresses, and for whom.",
    "inputs": "Staff, money, time, partners and materials it needs.",
    "activities": "What is done with the learners.",
    "outcomes": "The short- and medium-term changes it aims for.",
    "impacts": "The long-term change it contributes to.",
    "assumptions": "What must hold true for each step to lead to the next.",
}


class TheoryOfChangeForm(forms.Form):
    problem = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX)
    inputs = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)
    activities = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)
    outcomes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)
    impacts = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)
    assumptions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX)
    moat_outcomes = forms.MultipleChoiceField(
        label="MOAT outcomes it aims at",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The intended outcomes of the activity types involved (TASO's MOAT).",
    )

    def __init__(self, *args: Any, outcomes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[name].help_text = HELP[name]
        self.fields["moat_outcomes"].choices = [(item, item) for item in outcomes]  # type: ignore[attr-defined]


def _theory(request: AuthenticatedRequest, kind: SubjectKind, subject_id: UUID) -> HttpResponse:
    """The theory of change page of an activity or a programme, back to its report once saved."""
    subject = report_subject_get(actor=request.user, kind=kind, subject_id=subject_id)
    target: Activity | Programme = subject.target  # type: ignore[assignment]
    report_url = reverse(f"evaluation_reports:{kind}", kwargs={f"{kind}_id": subject.pk})
    if not may_write_theory(request.user, target.partnership):
        raise NotFound
    theory = theory_of_change_for(target)
    form = TheoryOfChangeForm(
        request.POST or None, initial=details_from(theory), outcomes=moat_outcome_choices(target)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theory_of_change_save(
                actor=request.user,
                target=target,
                details=TheoryDetails(
                    **{name: data[name] for name in TEXT_FIELDS},
                    moat_outcomes=tuple(data["moat_outcomes"]),
                ),
            )
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Saved the theory of change for {target}.")
            return redirect(report_url)
    return render(
        request,
        "evaluation/report_theory_of_change.html",
        {"form": form, "target": target, "theory": theory, "report_url": report_url},
    )


@require_http_methods(["GET", "POST"])
def activity_theory_view(request: AuthenticatedRequest, activity_id: UUID) -> HttpResponse:
    return _theory(request, SubjectKind.ACTIVITY, activity_id)


@require_http_methods(["GET", "POST"])
def programme_theory_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    return _theory(request, SubjectKind.PROGRAMME, programme_id)
