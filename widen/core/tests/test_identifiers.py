from datetime import date

import pytest
from django.core.exceptions import ValidationError
from stdnum.gb import upn as stdnum_upn

from widen.core.academic_years import AcademicYear, age_on
from widen.core.identifiers import (
    normalise_postcode,
    normalise_upn,
    uln_check_digit,
    validate_ukprn,
    validate_uln,
    validate_urn,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("e1 6an", "E1 6AN"),
        ("E16AN", "E1 6AN"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised_to_the_published_form(raw: str, normalised: str) -> None:
    assert normalise_postcode(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["", "E1", "E1 6A", "12345", "E1 6CN", "ZZZ 1AA", "E1 6AN;DROP", "<b>E1</b>"]
)
def test_malformed_postcodes_are_refused_with_a_usable_message(raw: str) -> None:
    with pytest.raises(ValidationError) as error:
        normalise_postcode(raw)
    assert "full UK postcode" in error.value.messages[0]


def test_urn_and_ukprn_formats() -> None:
    validate_urn("100000")
    validate_ukprn("10007775")
    for bad in ("10000", "1000000", "abcdef", "012345"):
        with pytest.raises(ValidationError):
            validate_urn(bad)
    for bad in ("20007775", "1000777", "100077750", ""):
        with pytest.raises(ValidationError):
            validate_ukprn(bad)


def test_upn_check_letter_is_validated() -> None:
    body = "204201900012"
    valid = stdnum_upn.calc_check_digit(body) + body
    assert normalise_upn(valid.lower()) == valid
    wrong_letter = ("A" if valid[0] != "A" else "B") + body
    with pytest.raises(ValidationError) as error:
        normalise_upn(wrong_letter)
    assert "check letter does not match" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        normalise_upn("A" + "999201900012")
    assert "local authority code" in error.value.messages[0]
    with pytest.raises(ValidationError):
        normalise_upn("K20420190001")  # 12 characters


def test_uln_check_digit_follows_the_published_rule() -> None:
    # 1000000043: weighted sum 18, remainder 7, check digit 10 - 7 = 3.
    assert uln_check_digit("100000004") == 3
    validate_uln("1000000043")
    with pytest.raises(ValidationError) as error:
        validate_uln("1000000044")
    assert "check digit" in error.value.messages[0]
    # A remainder of 0 makes every last digit wrong.
    assert uln_check_digit("100000006") is None
    with pytest.raises(ValidationError):
        validate_uln("1000000063")
    with pytest.raises(ValidationError):
        validate_uln("0000000042")


@pytest.mark.parametrize(
    ("born", "year_group"),
    [
        (date(2012, 9, 1), 9),  # first day of the 2012/13 cohort
        (date(2013, 8, 31), 9),  # last day of it
        (date(2012, 8, 31), 10),  # one day older: the year above
        (date(2013, 9, 1), 8),  # one day younger: the year below
        (date(2008, 9, 1), 13),
        (date(2012, 2, 29), 10),
    ],
)
def test_year_group_in_2026_27_has_an_exact_31_august_boundary(born: date, year_group: int) -> None:
    assert AcademicYear(2026).year_group_of(born) == year_group


def test_academic_year_boundaries_and_labels() -> None:
    assert AcademicYear.containing(date(2026, 8, 31)) == AcademicYear(2025)
    assert AcademicYear.containing(date(2026, 9, 1)) == AcademicYear(2026)
    assert str(AcademicYear(2026)) == "2026/27"
    assert str(AcademicYear(2099)) == "2099/00"
    assert AcademicYear(2026).birth_dates_for(9) == (date(2012, 9, 1), date(2013, 8, 31))


def test_age_counts_whole_years_and_leap_days() -> None:
    assert age_on(date(2013, 5, 10), date(2026, 5, 9)) == 12
    assert age_on(date(2013, 5, 10), date(2026, 5, 10)) == 13
    assert age_on(date(2012, 2, 29), date(2025, 2, 28)) == 12
    assert age_on(date(2012, 2, 29), date(2025, 3, 1)) == 13
