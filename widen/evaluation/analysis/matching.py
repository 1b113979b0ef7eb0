"""A comparison group of learners who did not take part, matched exactly on their
characteristics or on a propensity score, with the balance of each characteristic."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import statsmodels.api as sm

from widen.evaluation.analysis.paired import BALANCED_SMD, CALIPER_SD, AnalysisError

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
