"""Paired change: each learner's scale score before and after an activity, the mean change with
its confidence interval, the paired t-test and Cohen's d_z; who was left out, and why."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl
from scipy import stats

PRE = "pre"
POST = "post"
CONFIDENCE = 0.95
# Austin (2011): a caliper of 0.2 standard deviations of the logit of the propensity score.
CALIPER_SD = 0.2
# A standardised mean difference below 0.1 is the usual sign that a characteristic is balanced.
BALANCED_SMD = 0.1
# Changes this close (relative to their size) are the same change, up to floating-point rounding
# of scale scores such as 11/3.
SAME_CHANGE = 1e-9

EFFECT_SIZE_NAME = "Cohen's d_z (paired)"
EFFECT_SIZE_EXPLAINED = (
    "Cohen's d_z for paired answers: the mean change divided by the standard deviation of the "
    "learners' changes."
)

DROPPED_PRE_ONLY = "answered before only (no answer after)"
DROPPED_POST_ONLY = "answered after only (no answer before)"
DROPPED_INCOMPLETE = "did not complete the scale before or after"
DROPPED_OUT_OF_ORDER = "answered the survey for after the activity before the one for before it"
DROPPED_OTHER_ACTIVITY = "answered after a different activity from the one they answered before"


class AnalysisError(ValueError):
    """The data cannot give this result; the message says why in the user's words."""


@dataclass(frozen=True)
class Dropped:
    reason: str
    learners: int


@dataclass(frozen=True)
class PairedChange:
    """Each learner's score after minus their score before, summarised."""

    n_paired: int
    dropped: tuple[Dropped, ...]
    repeated_answers_ignored: int
    mean_before: float | None = None
    mean_after: float | None = None
    mean_change: float | None = None
    sd_change: float | None = None
    t_statistic: float | None = None
    degrees_of_freedom: int | None = None
    p_value: float | None = None
    effect_size: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    note: str = ""
    effect_size_name: str = EFFECT_SIZE_NAME
    confidence: float = CONFIDENCE

    @property
    def n_dropped(self) -> int:
        return sum(item.learners for item in self.dropped)

    @property
    def tested(self) -> bool:
        return self.p_value is not None


def none_if_nan(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) or math.isinf(number) else number


def _before_and_after(frame: pl.DataFrame, *, ordered: bool) -> pl.DataFrame:
    """Per learner with a completed score: ``before`` (their first answer before), ``after``
    (their last answer after, for the same activity as that first answer before and, when
    `ordered` by ``answered_at``, given after it), ``n_pre``/``n_post``, how many completed
    answers each side had, and ``same_activity``, whether any answer after was for that
    activity."""
    valid = frame.filter(pl.col("score").is_not_null() & pl.col("score").is_not_nan())
    before = (
        valid.filter(pl.col("phase") == PRE)
        .group_by("learner_id")
        .agg(
            pl.col("score").sort_by("answered_at").first().alias("before"),
            pl.col("answered_at").min().alias("before_at"),
            pl.col("activity_id").sort_by("answered_at").first().alias("before_activity"),
            pl.len().alias("n_pre"),
        )
    )
    posts = valid.filter(pl.col("phase") == POST).join(
        before.select("learner_id", "before_at", "before_activity"), on="learner_id", how="left"
    )
    same = (
        pl.col("before_activity").is_null()
        | pl.col("activity_id").is_null()
        | (pl.col("activity_id") == pl.col("before_activity"))
    )
    later = same & (
        pl.col("before_at").is_null() | (pl.col("answered_at") > pl.col("before_at"))
        if ordered
        else pl.lit(value=True)
    )
    after = posts.group_by("learner_id").agg(
        pl.col("score")
        .filter(later)
        .sort_by(pl.col("answered_at").filter(later))
        .last()
        .alias("after"),
        pl.len().alias("n_post"),
        same.any().alias("same_activity"),
    )
    return before.join(after, on="learner_id", how="full", coalesce=True).drop(
        "before_at", "before_activity"
    )


def _base(frame: pl.DataFrame, *, ordered: bool) -> list[pl.Expr]:
    return [
        pl.col("learner_id").cast(pl.String),
        pl.col("phase").cast(pl.String),
        pl.col("score").cast(pl.Float64),
        (pl.col("answered_at") if ordered else pl.int_range(pl.len()).alias("answered_at")),
        (
            pl.col("activity_id").cast(pl.String)
            if "activity_id" in frame.columns
            else pl.lit("", dtype=pl.String).alias("activity_id")
        ),
    ]


def first_before_last_after(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per learner and phase (``learner_id``, ``phase``, ``score``) for the learners who
    answered both, chosen as `paired_change` chooses them."""
    ordered = "answered_at" in frame.columns
    base = frame.select(_base(frame, ordered=ordered))
    pairs = _before_and_after(base, ordered=ordered).filter(
        pl.col("before").is_not_null() & pl.col("after").is_not_null()
    )
    return pl.concat(
        [
            pairs.select("learner_id", pl.lit(PRE).alias("phase"), pl.col("before").alias("score")),
            pairs.select("learner_id", pl.lit(POST).alias("phase"), pl.col("after").alias("score")),
        ]
    ).sort("learner_id", "phase", descending=[False, True])


def paired_change(answers: pl.DataFrame) -> PairedChange:
    """Pair each learner's answer before with their answer after (one scale, one activity).

    A learner who answered before more than once counts with their first answer; after more
    than once, with their last answer given after that first one (an answer "after" given
    before any answer "before" does not pair). Learners without a completed score on both
    sides are left out and counted by reason. The paired t-test is scipy's ``ttest_rel``; the
    95 % confidence interval of the mean change uses Student's t with n - 1 degrees of freedom.
    When every learner changed by the same amount (to rounding), there is no test, effect size
    or interval.
    """
    missing = [name for name in ("learner_id", "phase", "score") if name not in answers]
    if missing and answers.height:
        raise AnalysisError(f"Missing column(s): {', '.join(missing)}.")
    if answers.height == 0:
        return PairedChange(
            n_paired=0,
            dropped=(),
            repeated_answers_ignored=0,
            note="No learner answered both before and after.",
        )
    ordered = "answered_at" in answers.columns
    frame = answers.select(_base(answers, ordered=ordered)).filter(
        pl.col("phase").is_in([PRE, POST])
    )
    seen = frame.group_by("learner_id").agg(
        (pl.col("phase") == PRE).any().alias("any_pre"),
        (pl.col("phase") == POST).any().alias("any_post"),
    )
    learners = seen.join(_before_and_after(frame, ordered=ordered), on="learner_id", how="left")
    paired = learners.filter(pl.col("before").is_not_null() & pl.col("after").is_not_null()).sort(
        "learner_id"
    )
    unpaired = learners.filter(pl.col("before").is_null() | pl.col("after").is_null())
    both = unpaired.filter(pl.col("n_pre").is_not_null() & pl.col("n_post").is_not_null())
    out_of_order = both.filter(pl.col("same_activity"))
    other_activity = both.filter(~pl.col("same_activity"))
    in_order = unpaired.filter(pl.col("n_pre").is_null() | pl.col("n_post").is_null())
    reasons = [
        (DROPPED_PRE_ONLY, in_order.filter(pl.col("any_pre") & ~pl.col("any_post")).height),
        (DROPPED_POST_ONLY, in_order.filter(~pl.col("any_pre") & pl.col("any_post")).height),
        (DROPPED_INCOMPLETE, in_order.filter(pl.col("any_pre") & pl.col("any_post")).height),
        (DROPPED_OUT_OF_ORDER, out_of_order.height),
        (DROPPED_OTHER_ACTIVITY, other_activity.height),
    ]
    dropped = tuple(Dropped(reason, count) for reason, count in reasons if count)
    repeated = int(paired.select((pl.col("n_pre") - 1 + pl.col("n_post") - 1).sum()).item() or 0)
    n = paired.height
    base: dict[str, Any] = {
        "n_paired": n,
        "dropped": dropped,
        "repeated_answers_ignored": repeated,
    }
    if n == 0:
        return PairedChange(**base, note="No learner answered both before and after.")
    pre = paired["before"].to_numpy()
    post = paired["after"].to_numpy()
    change = post - pre
    base |= {
        "mean_before": float(pre.mean()),
        "mean_after": float(post.mean()),
        "mean_change": float(change.mean()),
    }
    if n < 2:  # noqa: PLR2004 - a standard deviation needs two learners
        return PairedChange(**base, note="One learner answered both before and after: no test.")
    sd = float(change.std(ddof=1))
    base["sd_change"] = sd
    base["degrees_of_freedom"] = n - 1
    if sd <= SAME_CHANGE * max(1.0, abs(float(change.mean()))):
        base["sd_change"] = 0.0
        return PairedChange(
            **base,
            note="Every learner's score changed by the same amount: no test or effect size.",
        )
    test = stats.ttest_rel(post, pre)
    low, high = stats.t.interval(
        CONFIDENCE, n - 1, loc=float(change.mean()), scale=sd / math.sqrt(n)
    )
    return PairedChange(
        **base,
        t_statistic=none_if_nan(test.statistic),
        p_value=none_if_nan(test.pvalue),
        effect_size=float(change.mean()) / sd,
        ci_low=float(low),
        ci_high=float(high),
    )
