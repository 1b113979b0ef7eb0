"""Paired change, matched comparison groups and difference-in-differences, checked against
figures worked out in the test itself (by hand, or with NumPy formulas written out here)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from widen.evaluation.analysis import (
    DROPPED_INCOMPLETE,
    DROPPED_OTHER_ACTIVITY,
    DROPPED_OUT_OF_ORDER,
    DROPPED_POST_ONLY,
    DROPPED_PRE_ONLY,
    AnalysisError,
    difference_in_differences,
    group_difference,
    match_exact,
    match_propensity,
    paired_change,
    propensity_scores,
)

# Student's t, 97.5th percentile, from printed tables.
T_975 = {4: 2.776445, 9: 2.262157, 19: 2.093024, 29: 2.045230}


def _scores_by_group(rows: list[tuple[str, bool, str, float]]) -> pl.DataFrame:
    """Answers as (learner, took part, "pre" or "post", score) rows."""
    return pl.DataFrame(
        rows,
        schema={
            "learner_id": pl.String,
            "treated": pl.Boolean,
            "phase": pl.String,
            "score": pl.Float64,
        },
        orient="row",
    )


def _answers(pairs: dict[str, tuple[float | None, float | None]]) -> pl.DataFrame:
    rows = []
    for learner, (before, after) in pairs.items():
        rows.append({"learner_id": learner, "phase": "pre", "score": before})
        rows.append({"learner_id": learner, "phase": "post", "score": after})
    return pl.DataFrame(
        rows, schema={"learner_id": pl.String, "phase": pl.String, "score": pl.Float64}
    )


def test_paired_change_of_five_learners_matches_the_figures_worked_by_hand() -> None:
    # Changes 1, 1, 0, 1, 2: mean 1; squared deviations 0, 0, 1, 0, 1 → variance 2/4, sd √0.5.
    result = paired_change(
        _answers({"a": (2, 3), "b": (3, 4), "c": (3, 3), "d": (4, 5), "e": (2, 4)})
    )
    sd = math.sqrt(0.5)
    se = sd / math.sqrt(5)
    assert result.n_paired == 5
    assert result.dropped == ()
    assert result.mean_before == pytest.approx(2.8)
    assert result.mean_after == pytest.approx(3.8)
    assert result.mean_change == pytest.approx(1.0)
    assert result.sd_change == pytest.approx(sd)
    assert result.degrees_of_freedom == 4
    assert result.t_statistic == pytest.approx(1.0 / se)  # 3.1623
    assert result.effect_size == pytest.approx(1.0 / sd)  # d_z = 1.4142
    assert "d_z" in result.effect_size_name
    assert result.ci_low == pytest.approx(1.0 - T_975[4] * se, abs=1e-5)  # 0.1220
    assert result.ci_high == pytest.approx(1.0 + T_975[4] * se, abs=1e-5)  # 1.8780
    # Two-sided p for t = 3.1623 on 4 degrees of freedom (tables: 0.0341).
    assert result.p_value == pytest.approx(0.0341, abs=5e-4)


def test_paired_change_of_a_larger_sample_matches_numpy_formulas() -> None:
    rng = np.random.default_rng(7)
    before = rng.integers(1, 6, size=30).astype(float)
    after = np.clip(before + rng.normal(0.4, 0.9, size=30).round(), 1, 5)
    result = paired_change(
        _answers({f"L{i:02}": (b, a) for i, (b, a) in enumerate(zip(before, after, strict=True))})
    )
    change = after - before
    n = len(change)
    mean = change.sum() / n
    sd = math.sqrt(((change - mean) ** 2).sum() / (n - 1))
    se = sd / math.sqrt(n)
    assert result.n_paired == 30
    assert result.mean_change == pytest.approx(mean)
    assert result.sd_change == pytest.approx(sd)
    assert result.t_statistic == pytest.approx(mean / se)
    assert result.effect_size == pytest.approx(mean / sd)
    assert result.ci_low == pytest.approx(mean - T_975[29] * se, abs=1e-5)
    assert result.ci_high == pytest.approx(mean + T_975[29] * se, abs=1e-5)


def test_learners_without_a_pair_are_left_out_and_counted_by_reason() -> None:
    frame = pl.concat(
        [
            _answers({"a": (2, 3), "b": (3, 5), "c": (1, 1), "d": (None, 4)}),
            pl.DataFrame(
                {
                    "learner_id": ["e", "f", "g"],
                    "phase": ["pre", "pre", "post"],
                    "score": [3.0, 2.0, 4.0],
                }
            ),
        ]
    )
    result = paired_change(frame)
    assert result.n_paired == 3
    assert {item.reason: item.learners for item in result.dropped} == {
        DROPPED_PRE_ONLY: 2,
        DROPPED_POST_ONLY: 1,
        DROPPED_INCOMPLETE: 1,
    }
    assert result.n_dropped == 4
    assert result.mean_change == pytest.approx((1 + 2 + 0) / 3)


def test_a_learner_who_answered_twice_counts_once_first_before_and_last_after() -> None:
    frame = pl.DataFrame(
        {
            "learner_id": ["a", "a", "a", "a", "b", "b"],
            "phase": ["pre", "pre", "post", "post", "pre", "post"],
            "score": [1.0, 4.0, 2.0, 5.0, 2.0, 3.0],
            "answered_at": [1, 2, 3, 4, 1, 3],
        }
    )
    result = paired_change(frame)
    assert result.n_paired == 2
    assert result.repeated_answers_ignored == 2
    # a: first before 1, last after 5 → +4; b: +1.
    assert result.mean_change == pytest.approx(2.5)


def test_too_few_or_identical_changes_give_no_test() -> None:
    one = paired_change(_answers({"a": (2, 4)}))
    assert one.n_paired == 1
    assert one.mean_change == pytest.approx(2)
    assert not one.tested
    assert one.effect_size is None

    same = paired_change(_answers({"a": (2, 3), "b": (4, 5), "c": (1, 2)}))
    assert same.mean_change == pytest.approx(1)
    assert same.sd_change == 0
    assert not same.tested
    assert same.effect_size is None
    assert "same amount" in same.note

    none = paired_change(_answers({"a": (2, None)}))
    assert none.n_paired == 0
    assert none.mean_change is None


# --- Matching ------------------------------------------------------------------------------------


def _learners() -> pl.DataFrame:
    rows = []
    # School A, Year 10: 3 participants (2 with FSM), 5 others (2 with FSM).
    for i, fsm in enumerate([True, True, False]):
        rows.append(("pA10-" + str(i), True, "A", 10, fsm))
    for i, fsm in enumerate([True, True, False, False, False]):
        rows.append(("cA10-" + str(i), False, "A", 10, fsm))
    # School B, Year 9: 2 participants with FSM, 1 other with FSM → one participant unmatched.
    rows += [("pB9-0", True, "B", 9, True), ("pB9-1", True, "B", 9, True)]
    rows += [("cB9-0", False, "B", 9, True), ("cB9-1", False, "B", 9, False)]
    return pl.DataFrame(
        rows,
        schema={
            "learner_id": pl.String,
            "treated": pl.Boolean,
            "school": pl.String,
            "year_group": pl.Int64,
            "free_school_meals": pl.Boolean,
        },
        orient="row",
    )


def test_exact_matching_pairs_learners_with_identical_characteristics_only() -> None:
    learners = _learners()
    characteristics = ["school", "year_group", "free_school_meals"]
    matching = match_exact(learners, characteristics)
    by_id = {row["learner_id"]: row for row in learners.to_dicts()}
    assert matching.participants == 5
    assert matching.others == 7
    assert matching.matched == 4
    assert matching.unmatched_participants == 1
    for pair in matching.pairs.to_dicts():
        p, c = by_id[pair["participant_id"]], by_id[pair["comparison_id"]]
        assert p["treated"]
        assert not c["treated"]
        assert all(p[name] == c[name] for name in characteristics)
    assert len(set(matching.pairs["comparison_id"])) == matching.matched  # no one used twice
    after = {row.characteristic: row.smd_after for row in matching.balance}
    assert all(value == 0 for value in after.values())
    assert matching.balanced
    # Before matching: participants 4/5 with FSM, others 3/7 — by hand.
    fsm = next(r for r in matching.balance if r.characteristic == "free_school_meals")
    assert fsm.participants_before == pytest.approx(0.8)
    assert fsm.others_before == pytest.approx(3 / 7)
    pooled = math.sqrt(
        (np.var([1, 1, 1, 1, 0], ddof=1) + np.var([1, 1, 0, 0, 0, 1, 0], ddof=1)) / 2
    )
    assert fsm.smd_before == pytest.approx((0.8 - 3 / 7) / pooled)


def test_propensity_scores_of_one_yes_no_characteristic_are_the_share_taking_part() -> None:
    # With one yes/no characteristic the logistic regression is saturated: each learner's
    # score is the share of learners like them who took part.
    learners = _learners()
    scores = propensity_scores(learners, ["free_school_meals"])
    fsm = learners["free_school_meals"].to_numpy()
    # With FSM: 4 participants (pA10-0, pA10-1, pB9-0, pB9-1) and 3 others → 4/7.
    assert scores[fsm] == pytest.approx(np.full(fsm.sum(), 4 / 7), abs=1e-6)
    # Without FSM: pA10-2 and 4 others → 1/5.
    assert scores[~fsm] == pytest.approx(np.full((~fsm).sum(), 1 / 5), abs=1e-6)


def test_propensity_matching_keeps_pairs_within_the_caliper_and_improves_balance() -> None:
    rng = np.random.default_rng(3)
    n = 400
    fsm = rng.random(n) < 0.4
    year = rng.integers(9, 12, size=n)
    # Learners with FSM and in older years are likelier to take part.
    chance = 1 / (1 + np.exp(-(-1.5 + 1.4 * fsm + 0.5 * (year - 10))))
    treated = rng.random(n) < chance
    learners = pl.DataFrame(
        {
            "learner_id": [f"L{i:03}" for i in range(n)],
            "treated": treated,
            "year_group": year,
            "free_school_meals": fsm,
        }
    )
    matching = match_propensity(learners, ["year_group", "free_school_meals"])
    scores = propensity_scores(learners, ["year_group", "free_school_meals"])
    logit = np.log(scores / (1 - scores))
    assert matching.caliper == pytest.approx(0.2 * logit.std(ddof=1))
    index = {learner: i for i, learner in enumerate(learners["learner_id"])}
    for pair in matching.pairs.to_dicts():
        p, c = index[pair["participant_id"]], index[pair["comparison_id"]]
        assert treated[p]
        assert not treated[c]
        assert abs(logit[p] - logit[c]) <= matching.caliper + 1e-9
    assert len(set(matching.pairs["comparison_id"])) == matching.matched
    assert matching.matched > 50
    fsm_row = next(r for r in matching.balance if r.characteristic == "free_school_meals")
    assert fsm_row.smd_before is not None
    assert fsm_row.smd_after is not None
    assert abs(fsm_row.smd_before) > 0.3
    assert abs(fsm_row.smd_after) < abs(fsm_row.smd_before)


def test_matching_says_why_it_cannot_run() -> None:
    learners = _learners()
    with pytest.raises(AnalysisError, match="No learners who did not take part"):
        match_exact(learners.filter(pl.col("treated")), ["school"])
    with pytest.raises(AnalysisError, match="Missing column"):
        match_exact(learners, ["postcode"])


# --- Difference-in-differences ------------------------------------------------------------------


def _panel(
    participants: list[tuple[float, float]], others: list[tuple[float, float]]
) -> pl.DataFrame:
    rows = []
    for group, treated in ((participants, True), (others, False)):
        for i, (before, after) in enumerate(group):
            learner = f"{'p' if treated else 'c'}{i}"
            rows.append((learner, treated, "pre", before))
            rows.append((learner, treated, "post", after))
    return _scores_by_group(rows)


def test_difference_in_differences_is_the_change_minus_the_comparison_groups_change() -> None:
    participants = [(2, 4), (3, 4), (2, 3), (3, 5), (1, 3)]  # mean change 1.6
    others = [(2, 2), (3, 4), (2, 2), (3, 3), (2, 3)]  # mean change 0.4
    result = difference_in_differences(_panel(participants, others))
    assert result.estimate == pytest.approx(1.6 - 0.4)
    assert result.change_participants == pytest.approx(1.6)
    assert result.change_others == pytest.approx(0.4)
    assert result.participants == 5
    assert result.others == 5
    assert result.answers == 20


def test_difference_in_differences_interval_matches_a_cluster_robust_sandwich_by_numpy() -> None:
    rng = np.random.default_rng(11)
    participants = [(float(b), float(b + rng.integers(0, 3))) for b in rng.integers(1, 5, 12)]
    others = [(float(b), float(b + rng.integers(-1, 2))) for b in rng.integers(1, 5, 8)]
    frame = _panel(participants, others)
    result = difference_in_differences(frame)

    y = frame["score"].to_numpy()
    t = frame["treated"].cast(pl.Float64).to_numpy()
    post = (frame["phase"] == "post").cast(pl.Float64).to_numpy()
    x = np.column_stack([np.ones_like(y), t, post, t * post])
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    residual = y - x @ beta
    bread = np.linalg.inv(x.T @ x)
    learners = frame["learner_id"].to_list()
    meat = np.zeros((4, 4))
    for learner in set(learners):
        rows = np.array([value == learner for value in learners])
        score = x[rows].T @ residual[rows]
        meat += np.outer(score, score)
    g, n, k = len(set(learners)), len(y), 4
    covariance = g / (g - 1) * (n - 1) / (n - k) * bread @ meat @ bread
    se = math.sqrt(covariance[3, 3])
    assert result.estimate == pytest.approx(beta[3])
    assert result.standard_error == pytest.approx(se)
    assert result.ci_low == pytest.approx(beta[3] - T_975[19] * se, abs=1e-5)
    assert result.ci_high == pytest.approx(beta[3] + T_975[19] * se, abs=1e-5)


def test_difference_in_differences_needs_both_groups_before_and_after() -> None:
    frame = _panel([(2, 3), (3, 4)], [(2, 2), (3, 3)]).filter(
        ~(~pl.col("treated") & (pl.col("phase") == "post"))
    )
    with pytest.raises(AnalysisError, match="comparison group has no answers after"):
        difference_in_differences(frame)
    with pytest.raises(AnalysisError, match="at least two learners"):
        difference_in_differences(_panel([(2, 3)], [(2, 2), (3, 3)]))


# --- Participants against others, after only ----------------------------------------------------


def test_group_difference_after_matches_welchs_formula_by_numpy() -> None:
    participants = np.array([4.0, 5.0, 3.0, 4.0, 5.0, 4.0])
    others = np.array([3.0, 3.0, 4.0, 2.0, 3.0, 4.0, 2.0])
    rows = [(f"p{i}", True, "post", s) for i, s in enumerate(participants)]
    rows += [(f"c{i}", False, "post", s) for i, s in enumerate(others)]
    rows += [("p0", True, "pre", 1.0)]  # answers before are not used
    frame = _scores_by_group(rows)
    result = group_difference(frame)
    v1, v2 = participants.var(ddof=1) / 6, others.var(ddof=1) / 7
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1**2 / 5 + v2**2 / 6)  # Welch–Satterthwaite
    difference = participants.mean() - others.mean()
    assert result.participants == 6
    assert result.others == 7
    assert result.difference == pytest.approx(difference)
    assert result.t_statistic == pytest.approx(difference / se)
    assert result.degrees_of_freedom == pytest.approx(df)
    from scipy import stats  # noqa: PLC0415 - only the t quantile, not the test itself

    critical = stats.t.ppf(0.975, df)
    assert result.ci_low == pytest.approx(difference - critical * se)
    assert result.ci_high == pytest.approx(difference + critical * se)


# --- Pairing in order, rounding and zero variance ----------------------------------------------


def test_an_answer_after_given_before_the_answer_before_does_not_pair() -> None:
    """Only an answer after the learner's first answer before pairs with it; a learner whose
    only answer "after" came first is left out and counted by reason."""
    frame = pl.DataFrame(
        {
            "learner_id": ["a", "a", "b", "b", "c", "c", "c"],
            "phase": ["pre", "post", "pre", "post", "post", "pre", "post"],
            "score": [2.0, 3.0, 3.0, 5.0, 1.0, 2.0, 4.0],
            "answered_at": [1, 2, 5, 4, 1, 2, 3],
        }
    )
    result = paired_change(frame)
    # a: 2 → 3; b's "after" (time 4) came before their "before" (time 5); c: 2 → 4, their
    # earlier "after" (time 1) not counted.
    assert result.n_paired == 2
    assert result.mean_change == pytest.approx((1 + 2) / 2)
    assert {item.reason: item.learners for item in result.dropped} == {DROPPED_OUT_OF_ORDER: 1}


def test_changes_equal_but_for_rounding_give_no_test_effect_size_or_interval() -> None:
    """Mean scale scores such as 11/3 and 14/3 differ by 1 only up to floating-point rounding:
    that is no variation, not an effect size of billions."""
    result = paired_change(
        _answers({"a": (11 / 3, 14 / 3), "b": (7 / 3, 10 / 3), "c": (13 / 3, 16 / 3)})
    )
    assert result.mean_change == pytest.approx(1)
    assert not result.tested
    assert result.effect_size is None
    assert result.ci_low is None
    assert result.ci_high is None
    assert result.sd_change == 0


def test_identical_changes_give_no_zero_width_interval() -> None:
    same = paired_change(_answers({"a": (2, 3), "b": (4, 5), "c": (1, 2)}))
    assert (same.ci_low, same.ci_high) == (None, None)


def test_difference_in_differences_counts_only_learners_answering_before_and_after() -> None:
    """Learners who answered on one side only tell nothing about change: they are not counted
    as participants or others, and do not move the estimate."""
    participants = [(2, 4), (3, 4), (2, 3), (3, 5), (1, 3)]
    others = [(2, 2), (3, 4), (2, 2), (3, 3), (2, 3)]
    panel = _panel(participants, others)
    extra = pl.DataFrame(
        {
            "learner_id": [f"p-only-{i}" for i in range(4)] + [f"c-only-{i}" for i in range(4)],
            "treated": [True] * 4 + [False] * 4,
            "phase": ["pre", "post", "pre", "post", "pre", "post", "pre", "post"],
            "score": [5.0, 1.0, 5.0, 1.0, 1.0, 5.0, 1.0, 5.0],
        },
        schema=panel.schema,
    )
    result = difference_in_differences(pl.concat([panel, extra]))
    assert result.participants == 5
    assert result.others == 5
    assert result.answers == 20
    assert result.estimate == pytest.approx(1.6 - 0.4)


def test_difference_in_differences_of_one_sided_answers_is_refused() -> None:
    """Participants and others who each answered on one side only give no panel to compare."""
    rows = [(f"p{i}", True, phase, 3.0 + i) for i in range(6) for phase in ("pre",)]
    rows += [(f"q{i}", True, "post", 4.0 + i) for i in range(6)]
    rows += [(f"c{i}", False, "pre", 3.0) for i in range(6)]
    rows += [(f"d{i}", False, "post", 3.0 + i) for i in range(6)]
    frame = _scores_by_group(rows)
    with pytest.raises(AnalysisError, match="before and after"):
        difference_in_differences(frame)


def test_difference_in_differences_with_no_variation_says_so_instead_of_nan() -> None:
    participants = [(2, 3), (3, 4), (4, 5)]
    others = [(2, 2), (3, 3), (4, 4)]
    with pytest.raises(AnalysisError, match="same amount"):
        difference_in_differences(_panel(participants, others))


def test_answers_pair_only_before_and_after_the_same_activity() -> None:
    """Across a programme's activities, a learner's answer before one activity pairs with their
    answer after that activity, not after another."""
    frame = pl.DataFrame(
        {
            "learner_id": ["a", "a", "b", "b", "c", "c", "c"],
            "phase": ["pre", "post", "pre", "post", "pre", "post", "post"],
            "score": [2.0, 5.0, 3.0, 4.0, 2.0, 1.0, 3.0],
            "answered_at": [1, 2, 1, 2, 1, 3, 2],
            "activity_id": ["A", "B", "A", "A", "A", "B", "A"],
        }
    )
    result = paired_change(frame)
    # a: before A, after B only → left out; b: 3 → 4; c: 2 → 3 (after A), not 1 (after B).
    assert result.n_paired == 2
    assert result.mean_change == pytest.approx((1 + 1) / 2)
    assert {item.reason: item.learners for item in result.dropped} == {DROPPED_OTHER_ACTIVITY: 1}
