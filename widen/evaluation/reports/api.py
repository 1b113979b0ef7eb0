"""The evaluation report in the API: the same figures, rule for who may read them (anyone in the
partnership) and small-number rule as the page. A figure from fewer than 5 learners is null, and
its count reads "fewer than 5"."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_outputs import read_from, shown_if
from widen.evaluation.reports import (
    MATCHING_METHODS,
    EvaluationReport,
    ScaleResult,
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
    """A scale's paired before-and-after figures: null where too few learners are paired to
    show them."""

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

    resolve_learners_paired = read_from("n_paired_text")
    resolve_mean_before = shown_if("shown", "paired.mean_before")
    resolve_mean_after = shown_if("shown", "paired.mean_after")
    resolve_mean_change = shown_if("shown", "paired.mean_change")
    resolve_sd_change = shown_if("shown", "paired.sd_change")
    resolve_t_statistic = shown_if("shown", "paired.t_statistic")
    resolve_degrees_of_freedom = shown_if("shown", "paired.degrees_of_freedom")
    resolve_p_value = shown_if("shown", "paired.p_value")
    resolve_effect_size = shown_if("shown", "paired.effect_size")
    resolve_effect_size_name = read_from("paired.effect_size_name")
    resolve_ci_low = shown_if("shown", "paired.ci_low")
    resolve_ci_high = shown_if("shown", "paired.ci_high")

    @staticmethod
    def resolve_left_out(result: ScaleResult) -> dict[str, str]:
        return dict(result.dropped)


class GroupsOut(Schema):
    """How many participants and others a comparison of the two groups stands on."""

    participants: str
    others: str

    @staticmethod
    def resolve_participants(groups: Any) -> str:
        return f"{groups.participants:,}"

    @staticmethod
    def resolve_others(groups: Any) -> str:
        return f"{groups.others:,}"


class DifferenceInDifferencesOut(GroupsOut):
    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float


class AfterOnlyOut(GroupsOut):
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

    resolve_scale = read_from("scale_name")
    resolve_difference_in_differences = read_from("did")
    resolve_difference_in_differences_note = read_from("did_note")
    resolve_participants_against_others_after = read_from("after_only")

    @staticmethod
    def resolve_paired(result: ScaleResult) -> ScaleResult:
        return result  # PairedOut reads the result: its figures, and whether they are shown


class ComparisonOut(Schema):
    method: str
    learners_who_did_not_take_part: str
    participants_matched: str
    participants_unmatched: str
    balanced: bool | None
    note: str

    resolve_learners_who_did_not_take_part = read_from("respondents_text")
    resolve_participants_matched = read_from("matched_text")
    resolve_participants_unmatched = read_from("unmatched_text")

    @staticmethod
    def resolve_balanced(comparison: Any) -> bool | None:
        if comparison.matching and comparison.shown:
            return bool(comparison.matching.balanced)
        return None


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

    resolve_id = read_from("subject.pk")
    resolve_name = read_from("subject.name")
    resolve_participants_answered = read_from("participants_answered_text")
    resolve_scales = read_from("results")

    @staticmethod
    def resolve_kind(report: EvaluationReport) -> str:
        return str(report.subject.kind)

    @staticmethod
    def resolve_theory_of_change(report: EvaluationReport) -> bool:
        return report.theory is not None

    @staticmethod
    def resolve_quotes(report: EvaluationReport) -> list[str]:
        return [quote.text for quote in report.quotes]


def _report(request: HttpRequest, kind: SubjectKind, subject_id: UUID, matching: str) -> ReportOut:
    subject = report_subject_get(actor=api_actor(request), kind=kind, subject_id=subject_id)
    method = matching if matching in MATCHING_METHODS else "exact"
    return ReportOut.from_orm(evaluation_report(subject, method=method))


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
