"""Each result is labelled with the OfS standard of evidence it meets, and says why."""

from __future__ import annotations

import polars as pl

from widen.evaluation.analysis import (
    difference_in_differences,
    group_difference,
    match_exact,
    match_propensity,
    paired_change,
)
from widen.evaluation.evidence import standard_of_evidence


def _paired(n: int) -> pl.DataFrame:
    rows = []
    for i in range(n):
        rows.append({"learner_id": f"L{i}", "phase": "pre", "score": float(2 + i % 3)})
        rows.append({"learner_id": f"L{i}", "phase": "post", "score": float(3 + i % 2)})
    return pl.DataFrame(rows)


def _groups(participants: int, others: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    learners = pl.DataFrame(
        {
            "learner_id": [f"p{i}" for i in range(participants)] + [f"c{i}" for i in range(others)],
            "treated": [True] * participants + [False] * others,
            "school": ["Hackney Academy"] * (participants + others),
            "year_group": [10] * (participants + others),
        }
    )
    scores = []
    for row in learners.to_dicts():
        lift = 1.0 if row["treated"] else 0.0
        base = float(len(row["learner_id"]) % 3 + 2)
        scores.append((row["learner_id"], row["treated"], "pre", base))
        scores.append(
            (
                row["learner_id"],
                row["treated"],
                "post",
                base + lift + (int(row["learner_id"][1:]) % 2),
            )
        )
    frame = pl.DataFrame(scores, schema=["learner_id", "treated", "phase", "score"], orient="row")
    return learners, frame


def test_nothing_yet_meets_no_standard_and_says_what_is_missing() -> None:
    result = standard_of_evidence(theory_of_change=False)
    assert result.type == 0
    assert result.label == "No standard of evidence yet"
    assert "no theory of change recorded" in result.reasons
    assert "no learners have answered both before and after yet" in result.reasons


def test_a_theory_of_change_alone_is_type_1() -> None:
    result = standard_of_evidence(theory_of_change=True, paired=paired_change(_paired(0)))
    assert result.type == 1
    assert result.summary.startswith("Type 1: narrative. A theory of change sets out why")


def test_pre_and_post_answers_are_type_2_and_count_the_learners() -> None:
    result = standard_of_evidence(theory_of_change=True, paired=paired_change(_paired(48)))
    assert result.type == 2
    assert result.label == "Type 2: empirical enquiry"
    assert "48 learners answered before and after" in result.reasons
    assert "no comparison group surveyed" in result.reasons


def test_fewer_than_five_paired_learners_do_not_count_and_are_not_named_exactly() -> None:
    result = standard_of_evidence(theory_of_change=True, paired=paired_change(_paired(3)))
    assert result.type == 1
    assert any("fewer than 5 learners answered" in reason for reason in result.reasons)
    assert not any("3 learners" in reason for reason in result.reasons)


def test_type_2_without_a_theory_of_change_says_one_is_expected() -> None:
    result = standard_of_evidence(theory_of_change=False, paired=paired_change(_paired(12)))
    assert result.type == 2
    assert any("no theory of change recorded" in reason for reason in result.reasons)


def test_a_balanced_matched_comparison_group_surveyed_twice_is_type_3() -> None:
    learners, scores = _groups(8, 10)
    matching = match_exact(learners, ["school", "year_group"])
    matched = scores.filter(pl.col("learner_id").is_in(sorted(matching.matched_learner_ids())))
    did = difference_in_differences(matched)
    result = standard_of_evidence(
        theory_of_change=True,
        paired=paired_change(matched.filter(pl.col("treated"))),
        matching=matching,
        did=did,
    )
    assert result.type == 3
    assert result.label == "Type 3: causality"
    causal = result.reasons[-1]
    assert "8 learners who did not take part, matched on school and year group" in causal
    assert f"{did.estimate:+.2f}" in causal
    assert f"{did.ci_low:+.2f} to {did.ci_high:+.2f}" in causal


def test_a_comparison_group_not_surveyed_twice_stays_type_2() -> None:
    learners, scores = _groups(8, 10)
    matching = match_exact(learners, ["school"])
    result = standard_of_evidence(
        theory_of_change=True,
        paired=paired_change(scores.filter(pl.col("treated"))),
        matching=matching,
    )
    assert result.type == 2
    assert any("not surveyed before and after" in reason for reason in result.reasons)


def test_a_comparison_group_still_unlike_the_participants_is_not_type_3() -> None:
    # Participants mostly have free school meals; the propensity match cannot find enough
    # others like them within the caliper, so the groups stay unlike.
    n_p, n_c = 10, 10
    learners = pl.DataFrame(
        {
            "learner_id": [f"p{i}" for i in range(n_p)] + [f"c{i}" for i in range(n_c)],
            "treated": [True] * n_p + [False] * n_c,
            "free_school_meals": [True] * 9 + [False] + [True] + [False] * 9,
            "year_group": [10] * 5 + [11] * 5 + [10] * 5 + [11] * 5,
        }
    )
    matching = match_propensity(learners, ["free_school_meals", "year_group"], caliper_sd=5.0)
    assert not matching.balanced
    _, scores = _groups(n_p, n_c)
    did = difference_in_differences(scores)
    result = standard_of_evidence(
        theory_of_change=True,
        paired=paired_change(scores.filter(pl.col("treated"))),
        matching=matching,
        did=did,
    )
    assert result.type == 2
    assert any("still differs from the participants" in reason for reason in result.reasons)


def test_others_who_answered_but_match_no_participant_are_named_as_the_reason() -> None:
    learners = pl.DataFrame(
        {
            "learner_id": ["p1", "p2", "c1", "c2"],
            "treated": [True, True, False, False],
            "school": ["Hackney Academy", "Hackney Academy", "Newham College", "Newham College"],
        }
    )
    matching = match_exact(learners, ["school"])
    assert matching.matched == 0
    result = standard_of_evidence(
        theory_of_change=True, paired=paired_change(_paired(10)), matching=matching
    )
    assert result.type == 2
    assert (
        "learners who did not take part answered too, but no participants could be matched "
        "with them on school" in result.reasons
    )


def test_a_matched_group_surveyed_after_only_is_participants_against_others_type_2() -> None:
    learners, scores = _groups(8, 10)
    matching = match_exact(learners, ["school", "year_group"])
    matched = scores.filter(pl.col("learner_id").is_in(sorted(matching.matched_learner_ids())))
    after_only = group_difference(matched)
    result = standard_of_evidence(
        theory_of_change=False,
        paired=paired_change(_paired(3)),  # too few paired to count
        matching=matching,
        after_only=after_only,
    )
    assert result.type == 2
    reason = next(r for r in result.reasons if "answered after only" in r)
    assert reason.startswith("8 matched learners who did not take part answered after only")
    assert f"{after_only.difference:+.2f} against theirs" in reason
    assert "does not show what caused the difference" in reason
