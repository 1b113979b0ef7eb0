"""What a coordinator reads: each pair's reasons in words, with points, and why a mentee is left
without a mentor; accepted pairs and the rules they must keep; the certificate's extra rounds."""

from __future__ import annotations

import pytest

from tests.mentoring.cohorts import random_cohort
from widen.mentoring.matching import Cohort, Mentee, Mentor, Weights, match_cohort, pair_score

WEIGHTS = Weights()
ASHA = Mentee(
    id="asha",
    industries=frozenset({"finance"}),
    career_interests=frozenset({"actuary"}),
    location="Leicester",
    modes=frozenset({"online"}),
    availability=frozenset({"tue-evening", "sat-morning"}),
    languages=frozenset({"English", "Gujarati"}),
    backgrounds_wanted=frozenset({"first_in_family"}),
)
PRIYA = Mentor(
    id="priya",
    industries=frozenset({"finance", "insurance"}),
    career_path=frozenset({"actuary"}),
    location="Birmingham",
    modes=frozenset({"online", "in_person"}),
    availability=frozenset({"tue-evening"}),
    languages=frozenset({"Gujarati"}),
    lived_experience=frozenset({"first_in_family", "care_experienced"}),
    capacity=2,
)


def test_a_pair_is_explained_in_words_with_each_criterions_points():
    score = pair_score(ASHA, PRIYA, WEIGHTS)

    assert score.words == (
        "both in finance",
        "mentor's career path is in actuary, as the student hopes",
        "mentor is first in family, as the student asked",
        "both prefer online",
        "Tuesday evenings overlap",
        "both speak Gujarati",
    )
    assert score.points == {
        "industry": 30,
        "career_path": 20,
        "shared_background": 20,
        "location_and_mode": 10,
        "availability": 10,
        "languages": 10,
    }
    assert score.total == 100
    assert score.explanation.startswith("both in finance (30); mentor's career path")


def test_only_what_is_shared_scores_and_in_person_needs_the_same_place():
    far = Mentor(
        id="tom",
        industries=frozenset({"law"}),
        location="Derby",
        modes=frozenset({"in_person"}),
        lived_experience=frozenset({"estranged"}),
    )
    near = Mentor(id="sam", location=" leicester ", modes=frozenset({"in_person"}))
    pupil = Mentee(
        id="kai",
        location="Leicester",
        modes=frozenset({"in_person"}),
        backgrounds_wanted=frozenset({"first_in_family", "care_experienced"}),
    )
    both = Mentor(id="lee", lived_experience=frozenset({"care_experienced"}), modes=frozenset())

    assert pair_score(pupil, far, WEIGHTS).total == 0
    assert pair_score(pupil, far, WEIGHTS).explanation.startswith("nothing in common")
    assert pair_score(pupil, near, WEIGHTS).words == (
        "both in leicester and want to meet in person",
    )
    half = pair_score(pupil, both, WEIGHTS)
    assert half.points["shared_background"] == 10
    assert half.words == ("mentor is care experienced, as the student asked (not first in family)",)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_whole_matrix_scores_pairs_as_pair_score_does(seed):
    people, offering, never = random_cohort(seed, mentees=30, mentors=12)
    cohort = Cohort(people, offering, WEIGHTS, never)
    import numpy as np

    matrix = cohort.scores(np.arange(len(people)), np.arange(len(offering)))
    for i, mentee in enumerate(people):
        for j, mentor in enumerate(offering):
            excluded = (mentee.id, mentor.id) in set(never) or (
                mentee.under_18 and not mentor.dbs_cleared
            )
            assert matrix[i, j] == (-1 if excluded else pair_score(mentee, mentor, WEIGHTS).total)


def test_each_mentee_left_out_is_told_why():
    finance = Mentor(id="fin", industries=frozenset({"finance"}), capacity=1, dbs_cleared=True)
    law = Mentor(id="law", industries=frozenset({"law"}), capacity=1)
    first = Mentee(id="first", industries=frozenset({"finance"}))
    second = Mentee(id="second", industries=frozenset({"finance"}), under_18=True)
    third = Mentee(id="third", industries=frozenset({"finance"}))
    pupil = Mentee(id="pupil", under_18=True)
    barred = Mentee(id="barred", industries=frozenset({"media"}))

    result = match_cohort(
        [first, second, third, pupil, barred],
        [finance, law],
        WEIGHTS,
        never=[("barred", "fin"), ("barred", "law")],
        accepted=[("first", "fin")],
    )

    reasons = {u.mentee_id: u.reason for u in result.unmatched}
    assert reasons == {
        "second": "under 18 and no DBS-checked mentor has a place",
        "pupil": "under 18 and no DBS-checked mentor has a place",
        "barred": "every possible mentor is excluded (pairs that must never be made)",
    }
    assert [(p.mentee_id, p.mentor_id, p.accepted) for p in result.pairs] == [
        ("first", "fin", True),
        ("third", "law", False),
    ]

    crowded = match_cohort([first, third], [finance], WEIGHTS)
    assert crowded.unmatched[0].reason.startswith("no mentor with capacity in their industry")
    assert match_cohort([first], [law], WEIGHTS, accepted=[]).unmatched == []
    assert match_cohort([first], [], WEIGHTS).unmatched[0].reason == "no mentor has a place left"


def test_accepted_pairs_must_keep_the_rules():
    pupil = Mentee(id="pupil", under_18=True)
    unchecked = Mentor(id="unchecked", capacity=1)
    with pytest.raises(ValueError, match="under 18"):
        match_cohort([pupil], [unchecked], WEIGHTS, accepted=[("pupil", "unchecked")])
    with pytest.raises(ValueError, match="never be made"):
        match_cohort(
            [ASHA], [PRIYA], WEIGHTS, never=[("asha", "priya")], accepted=[("asha", "priya")]
        )
    with pytest.raises(ValueError, match="more accepted mentees than places"):
        match_cohort(
            [ASHA, pupil],
            [Mentor(id="one", capacity=1, dbs_cleared=True)],
            WEIGHTS,
            accepted=[("asha", "one"), ("pupil", "one")],
        )


def test_a_pair_missed_by_the_first_candidates_is_found_by_the_certificate():
    # Asha's and Ben's best mentor is Priya, who has one place; with one candidate each, and
    # Omar's best four mentees the law students (whom Lina takes), the first flow leaves Ben
    # out. The certificate finds him a place with Omar or Lina.
    ben = Mentee(
        id="ben", industries=frozenset({"finance"}), career_interests=frozenset({"actuary"})
    )
    law = [Mentee(id=f"law-{i}", industries=frozenset({"law"})) for i in range(4)]
    omar = Mentor(id="omar", industries=frozenset({"law"}), capacity=1)
    lina = Mentor(id="lina", industries=frozenset({"law"}), capacity=4)
    one_place = Mentor(**{**PRIYA.__dict__, "capacity": 1})

    result = match_cohort([ASHA, ben, *law], [one_place, omar, lina], WEIGHTS, candidates=1)

    assert result.proven_optimal
    assert result.rounds >= 2
    assert result.matched == 6
    mentor_of = {pair.mentee_id: pair.mentor_id for pair in result.pairs}
    assert mentor_of["asha"] == "priya"
    assert mentor_of["ben"] in {"omar", "lina"}
