"""The statistics behind an evaluation: paired change before and after an activity, a matched
comparison group of learners who did not take part, and difference-in-differences.

Pure functions over Polars frames (no database): the report builds the frames from the survey
responses it may read, and the tests feed small samples whose answers they work out themselves.
The statistics come from SciPy and statsmodels, not from formulas written here.

Frames:

- answers (paired change): one row per answer to a scale: ``learner_id``, ``phase``
  (``"pre"`` or ``"post"``), ``score`` (the scale score, null when the scale was not completed)
  and optionally ``answered_at`` (to choose among repeated answers and keep answers after
  only when given after the answer before) and ``activity_id`` (an answer after pairs only
  with an answer before the same activity).
- learners (matching): one row per learner: ``learner_id``, ``treated`` (took part) and the
  characteristics to match on (e.g. ``school``, ``year_group``, ``free_school_meals``).
- scores (difference-in-differences): ``learner_id``, ``treated``, ``phase``, ``score``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm
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


def _none_if_nan(value: Any) -> float | None:
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
        t_statistic=_none_if_nan(test.statistic),
        p_value=_none_if_nan(test.pvalue),
        effect_size=float(change.mean()) / sd,
        ci_low=float(low),
        ci_high=float(high),
    )


# --- Comparison group -------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    """How alike participants and the comparison group are on one characteristic: the
    standardised mean difference (difference in means over the pooled standard deviation)."""

    characteristic: str
    participants_before: float
    others_before: float
    smd_before: float | None
    participants_after: float | None
    others_after: float | None
    smd_after: float | None

    @property
    def balanced(self) -> bool:
        return self.smd_after is not None and abs(self.smd_after) < BALANCED_SMD


@dataclass(frozen=True)
class Matching:
    method: str  # "exact" or "propensity"
    characteristics: tuple[str, ...]
    pairs: pl.DataFrame  # participant_id, comparison_id
    participants: int
    others: int
    unmatched_participants: int
    balance: tuple[BalanceRow, ...]
    caliper: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def matched(self) -> int:
        return self.pairs.height

    @property
    def balanced(self) -> bool:
        return bool(self.balance) and all(row.balanced for row in self.balance)

    def matched_learner_ids(self) -> set[str]:
        return set(self.pairs["participant_id"].to_list()) | set(
            self.pairs["comparison_id"].to_list()
        )


def _design(learners: pl.DataFrame, characteristics: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Numeric columns for each characteristic: booleans and numbers as they are (not recorded
    counts as 0), text as one indicator per value, "(not recorded)" being a value."""
    columns: list[np.ndarray] = []
    names: list[str] = []
    for name in characteristics:
        series = learners[name]
        if series.dtype == pl.Boolean or series.dtype.is_numeric():
            columns.append(series.cast(pl.Float64).fill_null(0.0).to_numpy())
            names.append(name)
        else:
            values = series.cast(pl.String).fill_null("(not recorded)")
            for level in sorted(set(values.to_list())):
                columns.append((values == level).cast(pl.Float64).to_numpy())
                names.append(f"{name}: {level}")
    if not columns:
        raise AnalysisError("Choose at least one characteristic to match on.")
    return np.column_stack(columns), names


def _smd(treated: np.ndarray, others: np.ndarray) -> float | None:
    if len(treated) == 0 or len(others) == 0:
        return None
    difference = float(treated.mean() - others.mean())
    pooled = math.sqrt(
        (
            float(treated.var(ddof=1) if len(treated) > 1 else 0.0)
            + float(others.var(ddof=1) if len(others) > 1 else 0.0)
        )
        / 2
    )
    if pooled == 0:
        return 0.0 if difference == 0 else None
    return difference / pooled


def _balance(
    x: np.ndarray,
    names: list[str],
    treated: np.ndarray,
    matched_treated: np.ndarray,
    matched_others: np.ndarray,
) -> tuple[BalanceRow, ...]:
    rows = []
    for index, name in enumerate(names):
        column = x[:, index]
        before_t, before_c = column[treated], column[~treated]
        after_t, after_c = column[matched_treated], column[matched_others]
        rows.append(
            BalanceRow(
                characteristic=name,
                participants_before=float(before_t.mean()) if len(before_t) else math.nan,
                others_before=float(before_c.mean()) if len(before_c) else math.nan,
                smd_before=_smd(before_t, before_c),
                participants_after=float(after_t.mean()) if len(after_t) else None,
                others_after=float(after_c.mean()) if len(after_c) else None,
                smd_after=_smd(after_t, after_c),
            )
        )
    return tuple(rows)


def _check_learners(learners: pl.DataFrame, characteristics: Sequence[str]) -> None:
    missing = [name for name in ("learner_id", "treated", *characteristics) if name not in learners]
    if missing:
        raise AnalysisError(f"Missing column(s): {', '.join(missing)}.")
    if learners["learner_id"].n_unique() != learners.height:
        raise AnalysisError("Each learner must appear once.")
    if not learners["treated"].any():
        raise AnalysisError("No participants to match.")
    if learners["treated"].all():
        raise AnalysisError("No learners who did not take part to match with.")


def match_exact(learners: pl.DataFrame, characteristics: Sequence[str]) -> Matching:
    """One learner who did not take part for each participant with exactly the same
    characteristics (the same stratum), without replacement. Within a stratum learners are
    taken in order of their id, so the same data always gives the same pairs."""
    _check_learners(learners, characteristics)
    keyed = learners.with_columns(
        pl.concat_str(
            [pl.col(name).cast(pl.String).fill_null("∅") for name in characteristics],
            separator="\x1f",
        ).alias("_stratum"),
        pl.col("learner_id").cast(pl.String),
    ).with_columns(
        pl.col("learner_id").rank("ordinal").over(["_stratum", "treated"]).alias("_rank")
    )
    participants = keyed.filter(pl.col("treated")).select(
        "_stratum", "_rank", pl.col("learner_id").alias("participant_id")
    )
    others = keyed.filter(~pl.col("treated")).select(
        "_stratum", "_rank", pl.col("learner_id").alias("comparison_id")
    )
    pairs = (
        participants.join(others, on=["_stratum", "_rank"], how="inner")
        .select("participant_id", "comparison_id")
        .sort("participant_id")
    )
    return _matching_result(learners, characteristics, pairs, method="exact")


def _matching_result(
    learners: pl.DataFrame,
    characteristics: Sequence[str],
    pairs: pl.DataFrame,
    *,
    method: str,
    caliper: float | None = None,
    notes: tuple[str, ...] = (),
) -> Matching:
    x, names = _design(learners, characteristics)
    ids = learners["learner_id"].cast(pl.String)
    treated = learners["treated"].to_numpy().astype(bool)
    matched_t = ids.is_in(pairs["participant_id"].to_list()).to_numpy()
    matched_c = ids.is_in(pairs["comparison_id"].to_list()).to_numpy()
    n_treated = int(treated.sum())
    return Matching(
        method=method,
        characteristics=tuple(characteristics),
        pairs=pairs,
        participants=n_treated,
        others=int((~treated).sum()),
        unmatched_participants=n_treated - pairs.height,
        balance=_balance(x, names, treated, matched_t, matched_c),
        caliper=caliper,
        notes=notes,
    )


def propensity_scores(learners: pl.DataFrame, characteristics: Sequence[str]) -> np.ndarray:
    """Each learner's probability of taking part given their characteristics, from a logistic
    regression (statsmodels ``Logit``) of taking part on them."""
    x, names = _design(learners, characteristics)
    # Leave out constant columns and one indicator per text characteristic (the reference).
    keep = []
    seen_prefix: set[str] = set()
    for index, name in enumerate(names):
        prefix = name.split(": ", 1)[0] if ": " in name else None
        if prefix is not None and prefix not in seen_prefix:
            seen_prefix.add(prefix)
            continue
        if np.ptp(x[:, index]) > 0:
            keep.append(index)
    design = sm.add_constant(x[:, keep], has_constant="add")
    y = learners["treated"].to_numpy().astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = sm.Logit(y, design).fit(disp=0, maxiter=200)
        except (np.linalg.LinAlgError, ValueError) as error:
            raise AnalysisError(
                "The propensity model could not be fitted (some characteristics predict taking "
                "part perfectly); match exactly on them instead."
            ) from error
    scores = np.asarray(model.predict(design), dtype=float)
    return np.clip(scores, 1e-9, 1 - 1e-9)


def match_propensity(
    learners: pl.DataFrame,
    characteristics: Sequence[str],
    *,
    caliper_sd: float = CALIPER_SD,
) -> Matching:
    """Nearest-neighbour matching on the logit of the propensity score, one learner who did not
    take part for each participant, without replacement, within a caliper of ``caliper_sd``
    standard deviations of that logit. Participants are matched highest score first (the
    hardest to match); a participant with nobody inside the caliper stays unmatched."""
    _check_learners(learners, characteristics)
    scores = propensity_scores(learners, characteristics)
    logit = np.log(scores / (1 - scores))
    spread = float(logit.std(ddof=1)) if len(logit) > 1 else 0.0
    caliper = caliper_sd * spread
    ids = np.array(learners["learner_id"].cast(pl.String).to_list(), dtype=object)
    treated = learners["treated"].to_numpy().astype(bool)
    t_index = np.flatnonzero(treated)
    c_index = np.flatnonzero(~treated)
    order = t_index[np.argsort(-logit[t_index], kind="stable")]
    available = np.ones(len(c_index), dtype=bool)
    c_logit = logit[c_index]
    chosen: list[tuple[str, str]] = []
    for participant in order:
        distance = np.where(available, np.abs(c_logit - logit[participant]), np.inf)
        best = int(np.argmin(distance))
        if not math.isfinite(distance[best]) or distance[best] > caliper + 1e-12:
            continue
        available[best] = False
        chosen.append((str(ids[participant]), str(ids[c_index[best]])))
    pairs = pl.DataFrame(
        chosen, schema={"participant_id": pl.String, "comparison_id": pl.String}, orient="row"
    ).sort("participant_id")
    return _matching_result(learners, characteristics, pairs, method="propensity", caliper=caliper)


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
        t_statistic=_none_if_nan(test.statistic),
        degrees_of_freedom=_none_if_nan(test.df),
        p_value=_none_if_nan(test.pvalue),
        ci_low=_none_if_nan(interval.low),
        ci_high=_none_if_nan(interval.high),
    )
