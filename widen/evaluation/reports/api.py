"""The evaluation report in the API: the same figures, rule for who may read them (anyone in the
partnership) and small-number rule as the page. A figure from fewer than 5 learners is null, and
its count reads "fewer than 5"."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.evaluation.reports import (
    MATCHING_METHODS,
    EvaluationReport,
    SubjectKind,
    evaluation_report,
    report_subject_get,
)

evaluation_reports_router = Router(tags=["evaluation"])


class EvidenceOut(Schema):
    type: int
    label: str
    reasons: list[str]


class PairedOut(Schema):
    learners_paired: str
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    sd_change: float | None
    t_statistic: float | None
    degrees_of_freedom: int | None
    p_value: float | None
    effect_size: float | None
    effect_size_name: str
    ci_low: float | None
    ci_high: float | None
    left_out: dict[str, str]


class DifferenceInDifferencesOut(Schema):
    participants: str
    others: str
    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float


class AfterOnlyOut(Schema):
    participants: str
    others: str
    mean_participants: float
    mean_others: float
    difference: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


class ScaleResultOut(Schema):
    scale_id: UUID
    scale: str
    paired: PairedOut
    difference_in_differences: DifferenceInDifferencesOut | None
    difference_in_differences_note: str
    participants_against_others_after: AfterOnlyOut | None
    evidence: EvidenceOut


class ComparisonOut(Schema):
    method: str
    learners_who_did_not_take_part: str
    participants_matched: str
    participants_unmatched: str
    balanced: bool | None
    note: str


class ReportOut(Schema):
    kind: str
    id: UUID
    name: str
    participants_answered: str
    evidence: EvidenceOut
    scales: list[ScaleResultOut]
    comparison: ComparisonOut | None
    theory_of_change: bool
    quotes: list[str]


def _out(report: EvaluationReport) -> ReportOut:
    scales = []
    for result in report.results:
        paired = result.paired
        shown = result.shown
        did = result.did
        scales.append(
            ScaleResultOut(
                scale_id=UUID(result.scale_id),
                scale=result.scale_name,
                paired=PairedOut(
                    learners_paired=result.n_paired_text,
                    mean_before=paired.mean_before if shown else None,
                    mean_after=paired.mean_after if shown else None,
                    mean_change=paired.mean_change if shown else None,
                    sd_change=paired.sd_change if shown else None,
                    t_statistic=paired.t_statistic if shown else None,
                    degrees_of_freedom=paired.degrees_of_freedom if shown else None,
                    p_value=paired.p_value if shown else None,
                    effect_size=paired.effect_size if shown else None,
                    effect_size_name=paired.effect_size_name,
                    ci_low=paired.ci_low if shown else None,
                    ci_high=paired.ci_high if shown else None,
                    left_out=dict(result.dropped),
                ),
                difference_in_differences=None
                if did is None
                else DifferenceInDifferencesOut(
                    participants=f"{did.participants:,}",
                    others=f"{did.others:,}",
                    estimate=did.estimate,
                    standard_error=did.standard_error,
                    ci_low=did.ci_low,
                    ci_high=did.ci_high,
                    p_value=did.p_value,
                ),
                difference_in_differences_note=result.did_note,
                participants_against_others_after=None
                if result.after_only is None
                else AfterOnlyOut(
                    participants=f"{result.after_only.participants:,}",
                    others=f"{result.after_only.others:,}",
                    mean_participants=result.after_only.mean_participants,
                    mean_others=result.after_only.mean_others,
                    difference=result.after_only.difference,
                    ci_low=result.after_only.ci_low,
                    ci_high=result.after_only.ci_high,
                    p_value=result.after_only.p_value,
                ),
                evidence=EvidenceOut(
                    type=result.evidence.type,
                    label=result.evidence.label,
                    reasons=list(result.evidence.reasons),
                ),
            )
        )
    comparison = report.comparison
    return ReportOut(
        kind=str(report.subject.kind),
        id=report.subject.pk,
        name=report.subject.name,
        participants_answered=report.participants_answered_text,
        evidence=EvidenceOut(
            type=report.evidence.type,
            label=report.evidence.label,
            reasons=list(report.evidence.reasons),
        ),
        scales=scales,
        comparison=None
        if comparison is None
        else ComparisonOut(
            method=comparison.method,
            learners_who_did_not_take_part=comparison.respondents_text,
            participants_matched=comparison.matched_text,
            participants_unmatched=comparison.unmatched_text,
            balanced=comparison.matching.balanced
            if comparison.matching and comparison.shown
            else None,
            note=comparison.note,
        ),
        theory_of_change=report.theory is not None,
        quotes=[quote.text for quote in report.quotes],
    )


def _report(request: HttpRequest, kind: SubjectKind, subject_id: UUID, matching: str) -> ReportOut:
    subject = report_subject_get(actor=api_actor(request), kind=kind, subject_id=subject_id)
    method = matching if matching in MATCHING_METHODS else "exact"
    return _out(evaluation_report(subject, method=method))


@evaluation_reports_router.get(
    "/activities/{activity_id}", response=ReportOut, operation_id="evaluation_report_activity"
)
def evaluation_report_activity_api(
    request: HttpRequest, activity_id: UUID, matching: str = "exact"
) -> ReportOut:
    """An activity's evaluation report (`matching`: exact or propensity)."""
    return _report(request, SubjectKind.ACTIVITY, activity_id, matching)


@evaluation_reports_router.get(
    "/programmes/{programme_id}", response=ReportOut, operation_id="evaluation_report_programme"
)
def evaluation_report_programme_api(
    request: HttpRequest, programme_id: UUID, matching: str = "exact"
) -> ReportOut:
    """A programme's evaluation report (`matching`: exact or propensity)."""
    return _report(request, SubjectKind.PROGRAMME, programme_id, matching)


@evaluation_reports_router.get(
    "/events/{event_id}", response=ReportOut, operation_id="evaluation_report_event"
)
def evaluation_report_event_api(
    request: HttpRequest, event_id: UUID, matching: str = "exact"
) -> ReportOut:
    """An event's evaluation report (`matching`: exact or propensity)."""
    return _report(request, SubjectKind.EVENT, event_id, matching)
