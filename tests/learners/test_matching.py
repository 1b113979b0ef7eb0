"""One name folding and one learner matcher: a pupil list, a register and the duplicate search
take two written names for the same name alike."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from widen.core.names import fold_name, folded
from widen.learners.duplicates.finding import probable_duplicates
from widen.learners.matching import (
    DATE_OF_BIRTH,
    FIRST_NAME,
    LAST_NAME,
    LEARNER_SCHEMA,
    POSTCODE,
    UPN,
    identity_matches,
    upn_matches,
)

ROW = "_row"
BORN = date(2012, 3, 4)


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("Siân", "SIAN"),  # accents and case
        ("Zoë", "zoe"),
        ("Żaneta", "Zaneta"),
        ("O’Brien", "o'brien"),  # apostrophes
        ("D‘Arcy", "D`Arcy"),
        ("Anne-Marie", "anne - marie"),  # hyphens and dashes, spaces around them
        ("Anne–Marie", "Anne‐Marie"),
        ("Mary  Jane", " mary jane "),  # spaces
        ("Mary\tJane", "Mary Jane"),
    ],
)
def test_two_ways_of_writing_one_name_fold_alike(one: str, two: str) -> None:
    assert fold_name(one) == fold_name(two) != ""


@pytest.mark.parametrize(
    ("one", "two"),
    [("Anne-Marie", "Annemarie"), ("O'Brien", "OBrien"), ("Mary Jane", "Maryjane"), ("Li", "Le")],
)
def test_names_that_differ_in_more_than_writing_stay_apart(one: str, two: str) -> None:
    """Folding keeps letters, apostrophes, hyphens and spaces: it never joins two names."""
    assert fold_name(one) != fold_name(two)


def test_a_frame_of_names_folds_as_one_name_does() -> None:
    names = ["Siân", "O’Brien", "  ANNE – Marie ", None, ""]
    frame = pl.DataFrame({"name": names}, schema={"name": pl.String})
    assert frame.select(folded(pl.col("name")))["name"].to_list() == [
        "sian",
        "o'brien",
        "anne-marie",
        None,
        "",
    ]


def _learners(*rows: tuple[str, str, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (learner, upn or None, first, preferred or None, last, BORN, None)
            for learner, upn, first, preferred, last in rows
        ],
        schema=LEARNER_SCHEMA,
        orient="row",
    )


def _rows(*rows: tuple[int, str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [(row, upn or None, first, last, BORN, None) for row, upn, first, last in rows],
        schema={
            ROW: pl.Int64,
            UPN: pl.String,
            FIRST_NAME: pl.String,
            LAST_NAME: pl.String,
            DATE_OF_BIRTH: pl.Date,
            POSTCODE: pl.String,
        },
        orient="row",
    )


def test_a_row_is_the_learner_whatever_the_accents_case_and_apostrophes() -> None:
    learners = _learners(("a", "", "Siân", "", "O’Brien"), ("b", "", "Sean", "", "O'Brien"))
    rows = _rows((1, "", "SIAN", "o'brien"), (2, "", "Sian", "OBrien"))

    matched = identity_matches(rows, learners, row=ROW)

    assert matched.rows() == [(1, "a")]  # OBrien is another name


def test_a_preferred_name_counts_only_where_the_import_allows_it() -> None:
    learners = _learners(("a", "", "Alexander", "Sasha", "Ivanov"), ("b", "", "Ben", "", "Ivanov"))
    rows = _rows((1, "", "sasha", "IVANOV"))

    assert identity_matches(rows, learners, row=ROW).rows() == []
    assert identity_matches(rows, learners, row=ROW, preferred_names=True).rows() == [(1, "a")]


def test_every_fitting_learner_is_answered_so_the_import_can_refuse_to_guess() -> None:
    learners = _learners(
        ("a", "", "Amara", "", "Okafor"),
        ("b", "", "AMARA", "", "okafor"),
        ("c", "A123", "Bea", "", "Okafor"),
    )
    rows = _rows((1, "", "Amara", "Okafor"), (2, "A123", "", ""), (3, "Z999", "", ""))

    assert sorted(identity_matches(rows, learners, row=ROW).rows()) == [(1, "a"), (1, "b")]
    assert upn_matches(rows, learners, row=ROW).rows() == [(2, "c")]


def test_a_postcode_is_part_of_the_identity_only_when_asked() -> None:
    learners = _learners(("a", "", "Amara", "", "Okafor")).with_columns(
        pl.lit("E15 1DA").alias(POSTCODE)
    )
    rows = _rows((1, "", "Amara", "Okafor")).with_columns(pl.lit("E13 9AA").alias(POSTCODE))

    assert identity_matches(rows, learners, row=ROW).rows() == [(1, "a")]
    assert identity_matches(rows, learners, row=ROW, postcode=True).rows() == []


def test_the_duplicate_search_folds_names_as_the_imports_match_them() -> None:
    """Two records an import would take for one learner are, to the duplicate search, one
    learner written twice with the same details."""
    learners = _learners(("a", "", "Siân", "", "O’Brien"))
    rows = _rows((1, "", "SIAN", "o'brien"))
    assert identity_matches(rows, learners, row=ROW).rows() == [(1, "a")]

    frame = pl.DataFrame(
        {
            "learner_id": ["a", "b", "c"],
            "first_name": ["Siân", "SIAN", "Priya"],
            "last_name": ["O’Brien", "o'brien", "Raman"],
            "date_of_birth": [BORN, BORN, date(2011, 9, 1)],
            "postcode": ["E15 1DA", "E15 1DA", "E6 2JJ"],
            "school_id": [None, None, None],
            "upn": [None, None, None],
        },
        schema_overrides={"school_id": pl.String, "upn": pl.String},
    )
    pairs = probable_duplicates(frame).pairs

    assert pairs.select("learner_one", "learner_two", "kind", "first_name", "last_name").rows() == [
        ("a", "b", "same_details", "same", "same")
    ]
