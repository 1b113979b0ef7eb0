"""Difference-in-differences (participants' change against the comparison group's), and
participants against others after the activity only."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats

from widen.evaluation.analysis.paired import (
    CONFIDENCE,
    POST,
    PRE,
    AnalysisError,
    first_before_last_after,
    none_if_nan,
)

# --- Difference-in-differences ----------------------------------------------------------------


@dataclass(frozen=True)
class DifferenceInDifferences:
    """The change among participants minus the change among the comparison group, from the OLS
    regression score ~ treated + post + treated:post, with standard errors clustered by learner
    (each learner answers twice) and Student's t with (learners - 1) degrees of freedom."""

    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float
    participants: int
    others: int
    answers: int
    change_participants: float
    change_others: float
    confidence: float = CONFIDENCE
    method: str = (
        "OLS of score on taking part, after, and their interaction; standard errors clustered "
        "by learner"
    )


def difference_in_differences(scores: pl.DataFrame) -> DifferenceInDifferences:
    missing = [c for c in ("learner_id", "treated", "phase", "score") if c not in scores]
    if missing:
        raise AnalysisError(f"Missing column(s): {', '.join(missing)}.")
    ordered = "answered_at" in scores.columns
    answers = scores.select(
        pl.col("learner_id").cast(pl.String),
        pl.col("treated").cast(pl.Boolean),
        pl.col("phase").cast(pl.String),
        pl.col("score").cast(pl.Float64),
        *([pl.col("answered_at")] if ordered else []),
        *([pl.col("activity_id").cast(pl.String)] if "activity_id" in scores.columns else []),
    ).filter(
        pl.col("phase").is_in([PRE, POST])
        & pl.col("score").is_not_null()
        & pl.col("score").is_not_nan()
    )
    if answers.group_by("learner_id").agg(pl.col("treated").n_unique() > 1)["treated"].any():
        raise AnalysisError("A learner cannot be both a participant and in the comparison group.")
    # Each learner once before and once after (a panel): learners with one side only, or their
    # answers after given before their answers before, tell nothing about change.
    frame = first_before_last_after(answers.drop("treated")).join(
        answers.group_by("learner_id").agg(pl.col("treated").first()), on="learner_id"
    )
    cells = {
        (bool(row["treated"]), row["phase"]): row["len"]
        for row in answers.group_by(["treated", "phase"]).len().to_dicts()
    }
    for group, label in ((True, "participants"), (False, "comparison group")):
        for phase, when in ((PRE, "before"), (POST, "after")):
            if not cells.get((group, phase)):
                raise AnalysisError(f"The {label} has no answers {when}.")
    learners_per_group = frame.group_by("treated").agg(pl.col("learner_id").n_unique())
    counts = {bool(r["treated"]): r["learner_id"] for r in learners_per_group.to_dicts()}
    if counts.get(True, 0) < 2 or counts.get(False, 0) < 2:  # noqa: PLR2004
        raise AnalysisError("Each group needs at least two learners who answered before and after.")
    treated = frame["treated"].cast(pl.Float64).to_numpy()
    post = (frame["phase"] == POST).cast(pl.Float64).to_numpy()
    y = frame["score"].to_numpy()
    design = np.column_stack([np.ones_like(y), treated, post, treated * post])
    groups = frame["learner_id"].cast(pl.Categorical).to_physical().to_numpy()
    result = sm.OLS(y, design).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    if not (math.isfinite(float(result.bse[3])) and float(result.bse[3]) > 1e-12):  # noqa: PLR2004
        raise AnalysisError(
            "every learner's score changed by the same amount in each group, so there is no "
            "confidence interval"
        )
    low, high = result.conf_int(alpha=1 - CONFIDENCE)[3]
    means = {
        (bool(r["treated"]), r["phase"]): r["score"]
        for r in frame.group_by(["treated", "phase"]).agg(pl.col("score").mean()).to_dicts()
    }
    return DifferenceInDifferences(
        estimate=float(result.params[3]),
        standard_error=float(result.bse[3]),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(result.pvalues[3]),
        participants=counts[True],
        others=counts[False],
        answers=frame.height,
        change_participants=float(means[(True, POST)] - means[(True, PRE)]),
        change_others=float(means[(False, POST)] - means[(False, PRE)]),
    )


# --- Participants against others, after only ---------------------------------------------------


@dataclass(frozen=True)
class GroupDifference:
    """Participants' mean score after the activity minus the comparison group's, when the
    comparison group answered after only: Welch's t-test (SciPy `ttest_ind`, unequal
    variances) and its 95 % confidence interval. Participants against others: empirical, not
    causal (the groups may have differed before)."""

    participants: int
    others: int
    mean_participants: float
    mean_others: float
    difference: float
    t_statistic: float | None
    degrees_of_freedom: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float = CONFIDENCE


def group_difference(scores: pl.DataFrame) -> GroupDifference:
    """From `learner_id`, `treated`, `phase`, `score`: each learner's last answer after."""
    missing = [c for c in ("learner_id", "treated", "phase", "score") if c not in scores]
    if missing:
        raise AnalysisError(f"Missing column(s): {', '.join(missing)}.")
    after = (
        scores.filter(
            (pl.col("phase") == POST) & pl.col("score").is_not_null() & pl.col("score").is_not_nan()
        )
        .group_by("learner_id", maintain_order=True)
        .agg(pl.col("treated").last(), pl.col("score").last())
    )
    treated = after.filter(pl.col("treated"))["score"].to_numpy()
    others = after.filter(~pl.col("treated"))["score"].to_numpy()
    if len(treated) < 2 or len(others) < 2:  # noqa: PLR2004
        raise AnalysisError("Each group needs at least two learners who answered after.")
    difference = float(treated.mean() - others.mean())
    tested = float(treated.var(ddof=1)) > 0 or float(others.var(ddof=1)) > 0
    base: dict[str, Any] = {
        "participants": len(treated),
        "others": len(others),
        "mean_participants": float(treated.mean()),
        "mean_others": float(others.mean()),
        "difference": difference,
    }
    if not tested:
        return GroupDifference(
            **base,
            t_statistic=None,
            degrees_of_freedom=None,
            p_value=None,
            ci_low=None,
            ci_high=None,
        )
    test = stats.ttest_ind(treated, others, equal_var=False)
    interval = test.confidence_interval(CONFIDENCE)
    return GroupDifference(
        **base,
        t_statistic=none_if_nan(test.statistic),
        degrees_of_freedom=none_if_nan(test.df),
        p_value=none_if_nan(test.pvalue),
        ci_low=none_if_nan(interval.low),
        ci_high=none_if_nan(interval.high),
    )
