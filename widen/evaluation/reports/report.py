"""The evaluation report itself: for each scale, the change from before to after (paired), the
matched comparison group with its balance and difference-in-differences, the OfS standard of
evidence each result meets, and quotes people agreed to have published. Counts and averages only,
never a learner; figures from fewer than `SMALL_COUNT` learners are hidden."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from widen.core.charts import BarChart, bar_chart
from widen.core.small_numbers import SMALL_COUNT, SUPPRESSED, count_text, suppressed
from widen.evaluation.analysis import (
    BALANCED_SMD,
    EFFECT_SIZE_EXPLAINED,
    AnalysisError,
    DifferenceInDifferences,
    GroupDifference,
    Matching,
    PairedChange,
    difference_in_differences,
    group_difference,
    match_exact,
    match_propensity,
    paired_change,
)
from widen.evaluation.evidence import (
    StandardOfEvidence,
    characteristic_label,
    standard_of_evidence,
)
from widen.evaluation.models import (
    Answer,
    QuestionKind,
    TheoryOfChange,
)
from widen.evaluation.quotes import without_identifying
from widen.evaluation.reports.subjects import (
    MATCH_ON,
    MATCHING_METHODS,
    NOT_SHOWN,
    Subject,
    learner_characteristics,
    subject_participants,
    subject_responses,
    subject_scores,
)
from widen.organisations.models import Organisation

# --- The report ------------------------------------------------------------------------------


def _fixed(value: float | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def p_text(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"  # noqa: PLR2004


@dataclass(frozen=True)
class ScaleResult:
    scale_id: str
    scale_name: str
    paired: PairedChange
    evidence: StandardOfEvidence
    did: DifferenceInDifferences | None = None
    did_note: str = ""
    after_only: GroupDifference | None = None

    @property
    def shown(self) -> bool:
        """Figures from fewer than SMALL_COUNT learners are not shown."""
        return self.paired.n_paired >= SMALL_COUNT

    @property
    def n_paired_text(self) -> str:
        return count_text(self.paired.n_paired)

    @property
    def dropped(self) -> list[tuple[str, str]]:
        """Learners left out, by reason. Paired and left-out learners add up to those who
        answered, so when any of those counts is 1 to 4 the others are not shown either (they
        would give it away by subtraction)."""
        cells = [self.paired.n_paired, *(item.learners for item in self.paired.dropped)]
        hide = any(suppressed(cell) for cell in cells)
        return [
            (
                item.reason,
                count_text(item.learners) if not hide or suppressed(item.learners) else NOT_SHOWN,
            )
            for item in self.paired.dropped
        ]

    @property
    def gives_away_left_out(self) -> bool:
        """Whether the participants' count less the paired count would give away 1 to 4
        learners left out."""
        return self.paired.n_paired > 0 and suppressed(self.paired.n_dropped)

    def cells(self) -> dict[str, str]:
        """The figures as the report prints them ("not shown" under the small-number rule)."""
        p = self.paired
        if not self.shown:
            hidden = "not shown"
            return dict.fromkeys(
                ("before", "after", "change", "sd", "t", "p", "effect", "ci"), hidden
            )
        return {
            "before": _fixed(p.mean_before),
            "after": _fixed(p.mean_after),
            "change": _signed(p.mean_change),
            "sd": _fixed(p.sd_change),
            "t": _fixed(p.t_statistic),
            "p": p_text(p.p_value),
            "effect": _fixed(p.effect_size),
            "ci": "–"
            if p.ci_low is None or p.ci_high is None
            else f"{_signed(p.ci_low)} to {_signed(p.ci_high)}",
        }

    def after_only_cells(self) -> dict[str, str] | None:
        if self.after_only is None:
            return None
        g = self.after_only
        return {
            "participants": count_text(g.participants),
            "others": count_text(g.others),
            "mean_participants": _fixed(g.mean_participants),
            "mean_others": _fixed(g.mean_others),
            "difference": _signed(g.difference),
            "ci": "–"
            if g.ci_low is None or g.ci_high is None
            else f"{_signed(g.ci_low)} to {_signed(g.ci_high)}",
            "p": p_text(g.p_value),
        }

    def did_cells(self) -> dict[str, str] | None:
        if self.did is None:
            return None
        d = self.did
        return {
            "participants": count_text(d.participants),
            "others": count_text(d.others),
            "change_participants": _signed(d.change_participants),
            "change_others": _signed(d.change_others),
            "estimate": _signed(d.estimate),
            "ci": f"{_signed(d.ci_low)} to {_signed(d.ci_high)}",
            "p": p_text(d.p_value),
        }


@dataclass(frozen=True)
class BalanceLine:
    characteristic: str
    participants: str
    others: str
    smd_before: str
    smd_after: str
    balanced: bool


@dataclass(frozen=True)
class Comparison:
    """The comparison group: who answered but did not take part, and how they were matched."""

    method: str
    method_text: str
    respondents: int  # learners who answered but did not take part
    matching: Matching | None = None
    note: str = ""
    school_names: dict[str, str] = field(default_factory=dict)

    @property
    def respondents_text(self) -> str:
        return count_text(self.respondents)

    # Matched and unmatched participants add up to the participants: when one is 1 to 4, the
    # other is not shown (it would give that one away by subtraction).
    @property
    def matched_text(self) -> str:
        if self.matching is None:
            return "0"
        matched, unmatched = self.matching.matched, self.matching.unmatched_participants
        return NOT_SHOWN if suppressed(unmatched) and matched else count_text(matched)

    @property
    def unmatched_text(self) -> str:
        if self.matching is None:
            return "0"
        matched, unmatched = self.matching.matched, self.matching.unmatched_participants
        return NOT_SHOWN if suppressed(matched) and unmatched else count_text(unmatched)

    @property
    def shown(self) -> bool:
        return self.matching is not None and self.matching.matched >= SMALL_COUNT

    def balance(self) -> list[BalanceLine]:
        if self.matching is None or not self.shown:
            return []
        lines = []
        matched = self.matching.matched
        for row in self.matching.balance:
            name, _, level = row.characteristic.partition(": ")
            label = characteristic_label(name)
            if level:
                school = self.school_names.get(level, level)
                label = f"{label}: {school if name == 'school' else level}"
            lines.append(
                BalanceLine(
                    characteristic=label,
                    participants=_share(row.participants_after, matched, year=name == "year_group"),
                    others=_share(row.others_after, matched, year=name == "year_group"),
                    smd_before=_fixed(row.smd_before),
                    smd_after=_fixed(row.smd_after),
                    balanced=row.balanced,
                )
            )
        return lines


def _share(value: float | None, learners: int, *, year: bool) -> str:
    """A share of the matched learners (or the mean year group). A share is not shown when it
    stands for 1 to 4 learners, or when the rest of the group is 1 to 4 learners (100% less the
    share would give their number away); a mean year group is not shown when it gives away
    that 1 to 4 learners are in a year above the others (the mean of 4 learners in Year 9 and
    one in Year 10 is 9.2)."""
    if value is None:
        return "–"
    if year:
        above = round((value - math.floor(value)) * learners)
        if suppressed(above) or suppressed(learners - above) and above:
            return SUPPRESSED
        return f"{value:.1f}"
    count = round(value * learners)
    return (
        SUPPRESSED if suppressed(count) or suppressed(learners - count) else f"{value * 100:.0f}%"
    )


@dataclass(frozen=True)
class Quote:
    text: str
    question: str


@dataclass
class EvaluationReport:
    subject: Subject
    theory: TheoryOfChange | None
    participants_answered: int
    others_answered: int
    without_learner: int
    results: list[ScaleResult]
    comparison: Comparison | None
    evidence: StandardOfEvidence
    quotes: list[Quote]
    chart: BarChart
    attendance_note: str = ""
    notes: list[str] = field(default_factory=list)
    effect_size_explained: str = EFFECT_SIZE_EXPLAINED
    balanced_smd: float = BALANCED_SMD
    small_count: int = SMALL_COUNT

    @property
    def participants_answered_text(self) -> str:
        """Not shown when, less a scale's paired learners, it would give away 1 to 4 learners
        left out of the pairing."""
        if any(result.gives_away_left_out for result in self.results):
            return NOT_SHOWN
        return count_text(self.participants_answered)

    @property
    def has_after_only(self) -> bool:
        return any(result.after_only is not None for result in self.results)


def _quotes(subject: Subject) -> list[Quote]:
    answers = (
        Answer.objects.filter(
            response__in=subject_responses(subject),
            published_at__isnull=False,
            response__publication_consent=True,
            question__kind=QuestionKind.FREE_TEXT,
        )
        .exclude(value_text="")
        .select_related("question")
        .order_by("published_at", "pk")
    )
    # A quote that names its author (marked before that was refused, or since renamed) is left
    # out.
    return [
        Quote(text=answer.value_text.strip(), question=answer.question.text)
        for answer in without_identifying(answers)
    ]


def _chart(results: list[ScaleResult]) -> BarChart:
    items: list[tuple[str, float | None, str]] = []
    for result in results:
        cells = result.cells()
        for phase, mean in (
            ("before", result.paired.mean_before),
            ("after", result.paired.mean_after),
        ):
            value = mean if result.shown else None
            items.append((f"{phase.capitalize()}: {result.scale_name}", value, cells[phase]))
    return bar_chart(
        "chart-scales",
        "Mean score before and after, by scale (learners who answered both)",
        items,
        table_name="Change on each scale",
    )


def evaluation_report(subject: Subject, *, method: str = "exact") -> EvaluationReport:
    """Everything the report page, the HTML file and the PDF show."""
    method = method if method in MATCHING_METHODS else "exact"
    theory = subject.theory_of_change()
    frame, names, without_learner = subject_scores(subject)
    participants = subject_participants(subject)
    answered = set(frame["learner_id"].to_list())
    notes: list[str] = []
    attendance_note = ""
    if answered and not answered & participants:
        attendance_note = (
            "The register does not show any of the learners who answered as taking part, so "
            "everyone who answered counts as a participant and there is no comparison group."
        )
        participants = answered
    treated_ids = answered & participants
    other_ids = answered - participants
    if without_learner:
        notes.append(
            f"{count_text(without_learner)} responses came from people without a learner record "
            "(parents or teachers, say); they cannot be paired before and after."
        )

    comparison: Comparison | None = None
    matched_ids: set[str] = set()
    if other_ids:
        characteristics = (
            learner_characteristics(subject)
            .filter(pl.col("learner_id").is_in(sorted(treated_ids | other_ids)))
            .with_columns(pl.col("learner_id").is_in(sorted(treated_ids)).alias("treated"))
        )
        schools = _school_names(characteristics)
        try:
            matcher = match_propensity if method == "propensity" else match_exact
            matching = matcher(characteristics, list(MATCH_ON))
            matched_ids = matching.matched_learner_ids()
            comparison = Comparison(
                method, MATCHING_METHODS[method], len(other_ids), matching, school_names=schools
            )
        except AnalysisError as error:
            comparison = Comparison(
                method, MATCHING_METHODS[method], len(other_ids), note=str(error)
            )

    results: list[ScaleResult] = []
    for scale_id, scale_name in sorted(names.items(), key=lambda item: item[1]):
        scale_frame = frame.filter(pl.col("scale_id") == scale_id)
        paired = paired_change(scale_frame.filter(pl.col("learner_id").is_in(sorted(treated_ids))))
        did: DifferenceInDifferences | None = None
        after_only: GroupDifference | None = None
        did_note = ""
        matching_used = comparison.matching if comparison else None
        if matching_used is not None and matching_used.matched < SMALL_COUNT:
            did_note = (
                f"Fewer than {SMALL_COUNT} participants could be matched with learners who did "
                "not take part."
            )
        elif matching_used is not None and matched_ids:
            panel = (
                scale_frame.filter(pl.col("learner_id").is_in(sorted(matched_ids)))
                .sort("answered_at")
                .select("learner_id", "phase", "score", "answered_at", "activity_id")
                .with_columns(pl.col("learner_id").is_in(sorted(treated_ids)).alias("treated"))
            )
            try:
                did = difference_in_differences(panel)
                if min(did.participants, did.others) < SMALL_COUNT:
                    did_note = (
                        f"Fewer than {SMALL_COUNT} learners in a group answered this scale: "
                        "the difference-in-differences is not shown."
                    )
            except AnalysisError as error:
                did_note = f"No difference-in-differences: {error}"
                after_only = _after_only(panel)
        evidence = standard_of_evidence(
            theory_of_change=theory is not None,
            paired=paired,
            matching=matching_used,
            did=did,
            after_only=after_only,
        )
        shown_did = did if did is not None and not did_note else None
        results.append(
            ScaleResult(scale_id, scale_name, paired, evidence, shown_did, did_note, after_only)
        )

    overall = max(
        (result.evidence for result in results),
        key=lambda evidence: evidence.type,
        default=standard_of_evidence(theory_of_change=theory is not None),
    )
    return EvaluationReport(
        subject=subject,
        theory=theory,
        participants_answered=len(treated_ids),
        others_answered=len(other_ids),
        without_learner=without_learner,
        results=results,
        comparison=comparison,
        evidence=overall,
        quotes=_quotes(subject),
        chart=_chart(results),
        attendance_note=attendance_note,
        notes=notes,
    )


def _school_names(characteristics: pl.DataFrame) -> dict[str, str]:
    ids = [
        value for value in characteristics["school"].unique().to_list() if value != "(not recorded)"
    ]
    return {
        str(pk): name
        for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
    }


def _after_only(panel: pl.DataFrame) -> GroupDifference | None:
    """Participants against the matched others after the activity, when at least
    `SMALL_COUNT` of each answered after (the comparison group was not surveyed before)."""
    try:
        difference = group_difference(panel)
    except AnalysisError:
        return None
    if min(difference.participants, difference.others) < SMALL_COUNT:
        return None
    return difference
