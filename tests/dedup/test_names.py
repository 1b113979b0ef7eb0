"""One way to fold names, and one list of name variants, for pupil lists, registers and the
duplicate search."""

from __future__ import annotations

import pytest

from widen.core.names import are_name_variants, fold_name
from widen.learners.duplicates.finding import same_first_name


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Siân", "sian"),
        ("Müller", "muller"),
        ("O’Brien", "o'brien"),
        ("O`Brien", "o'brien"),
        ("  ANNE – Marie ", "anne-marie"),
        ("Łukasz", "lukasz"),
        ("Zoë", "zoe"),
        ("Straße", "strasse"),
        ("Mary  Jane", "mary jane"),
        ("", ""),
        (None, ""),
    ],
)
def test_names_are_folded_not_deleted(written: str | None, folded: str) -> None:
    assert fold_name(written) == folded


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("Kuba", "Jakub"),
        ("Bella", "Isabella"),
        ("Harry", "Henry"),
        ("Sophie", "Sophia"),
        ("Ollie", "Oliver"),
        ("Siân", "SIAN"),
    ],
)
def test_forms_of_one_name_are_variants(one: str, two: str) -> None:
    assert are_name_variants(one, two)
    assert are_name_variants(two, one)


@pytest.mark.parametrize(("one", "two"), [("Albert", "Alfred"), ("Amelia", "Amelie")])
def test_two_names_are_not_variants(one: str, two: str) -> None:
    assert not are_name_variants(one, two)
    assert not same_first_name(one, two)


def test_a_misspelling_that_is_no_ones_name_is_the_same_first_name() -> None:
    assert same_first_name("Ktren", "Karen")
    assert same_first_name("Jess", "Jessica")
    assert not same_first_name("Karen", "Karin")
