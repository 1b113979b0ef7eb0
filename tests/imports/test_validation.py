"""The vectorised checks agree with the per-value rules, and hostile cells never get through."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from widen.core.academic_years import AcademicYear
from widen.core.identifiers import normalise_postcode, normalise_upn, validate_uln
from widen.core.tabular import Table
from widen.learners.imports.columns import choose_columns
from widen.learners.imports.validation import validate_table
from widen.testing.pupil_lists import valid_uln, valid_upn

YEAR = AcademicYear(2026)
TODAY = date(2026, 11, 22)
HEADINGS = ["Surname", "Forename", "DOB", "UPN", "ULN", "Postcode", "Year", "FSM", "Gender"]
GOOD = ["Begum", "Amira", "15/11/2012", "", "", "", "", "", ""]


def check(rows: list[list[str]], headings: list[str] = HEADINGS):  # type: ignore[no-untyped-def]
    table = Table(
        headers=headings,
        rows=rows,
        row_numbers=list(range(2, len(rows) + 2)),
        file_format="csv",
    )
    return validate_table(table, choose_columns(headings), today=TODAY, academic_year=YEAR)


def with_cell(heading: str, value: str) -> list[str]:
    row = list(GOOD)
    row[HEADINGS.index(heading)] = value
    return row


def distinct(rows: list[list[str]]) -> list[list[str]]:
    """Give each row its own surname, so no two rows are the same learner."""
    for index, row in enumerate(rows):
        row[0] = "Begum" + "a" * index
    return rows


def per_value_ok(rule: object, value: str) -> bool:
    try:
        rule(value)  # type: ignore[operator]
    except ValidationError:
        return False
    return True


upn_like = st.one_of(
    st.builds(
        lambda la, serial: valid_upn(la, serial),
        st.sampled_from([316, 201, 999]),
        st.integers(0, 10**8),
    ),
    st.text(alphabet="ABCDEFGHJKLMNPQRTUVWXYZ0123456789 ", min_size=0, max_size=15),
    st.builds(
        lambda body, letter: letter + body,
        st.text(alphabet="0123456789", min_size=11, max_size=12),
        st.sampled_from("ABCDXZ"),
    ),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(upn_like, min_size=1, max_size=20))
def test_vectorised_upn_check_agrees_with_python_stdnum(values: list[str]) -> None:
    result = check(distinct([with_cell("UPN", value) for value in values]))
    rejected = {problem.row for problem in result.problems if problem.column == "UPN"}
    for row, value in enumerate(values, start=2):
        expected_ok = not value.strip() or per_value_ok(normalise_upn, value)
        assert (row not in rejected) == expected_ok, value


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(0, 10**9).map(valid_uln),
            st.text(alphabet="0123456789", min_size=9, max_size=11),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_vectorised_uln_check_agrees_with_the_per_value_rule(values: list[str]) -> None:
    result = check(distinct([with_cell("ULN", value) for value in values]))
    rejected = {problem.row for problem in result.problems if problem.column == "ULN"}
    for row, value in enumerate(values, start=2):
        assert (row not in rejected) == per_value_ok(validate_uln, value), value


postcode_like = st.one_of(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", fullmatch=True),
    st.text(alphabet="ABCDEFGIKMOVZ0123456789 ", min_size=1, max_size=9),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(postcode_like.filter(lambda value: value.strip()), min_size=1, max_size=20))
def test_vectorised_postcode_check_agrees_with_the_per_value_rule(values: list[str]) -> None:
    result = check(distinct([with_cell("Postcode", value) for value in values]))
    rejected = {problem.row for problem in result.problems if problem.column == "Postcode"}
    clean = dict(
        zip(result.clean["_row"].to_list(), result.clean["home_postcode"].to_list(), strict=True)
    )
    for row, value in enumerate(values, start=2):
        try:
            expected = normalise_postcode(value)
        except ValidationError:
            assert row in rejected, value
        else:
            assert row not in rejected, value
            assert clean[row] == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=len(HEADINGS), max_size=len(HEADINGS)))
def test_any_row_at_all_is_either_clean_or_explained(cells: list[str]) -> None:
    result = check([cells])
    assert result.clean.height + len({problem.row for problem in result.problems}) == 1


HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=cmd|' /C calc'!A0",
    "\r@SUM(1,1)",
    "<script>alert(1)</script>",
    "<b>Amira</b>",
    "Am\x00ira",
    "A" * 10_485_760,
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: repr(value[:12]))
def test_hostile_names_are_rejected_with_a_reason_naming_the_column(value: str) -> None:
    result = check([with_cell("Forename", value)])
    assert result.clean.height == 0
    [problem] = result.problems
    assert problem.column == "Forename"
    assert problem.row == 2
    assert len(problem.reason) < 300  # a 10 MB cell is never echoed back whole


@pytest.mark.parametrize("value", ["\tAmira", "\rAmira", "  Amira  "])
def test_spaces_tabs_and_returns_around_a_value_are_trimmed(value: str) -> None:
    result = check([with_cell("Forename", value)])
    assert result.problems == []
    assert result.clean["first_name"].to_list() == ["Amira"]


def test_nul_bytes_and_oversized_cells_are_reported_in_any_column() -> None:
    result = check([with_cell("Postcode", "E6\x003SQ"), with_cell("FSM", "Y" * 5000)])
    reasons = {(problem.row, problem.column): problem.reason for problem in result.problems}
    assert "control character" in reasons[(2, "Postcode")]
    assert "5000 characters long" in reasons[(3, "FSM")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15/11/2012", date(2012, 11, 15)),
        ("15-11-2012", date(2012, 11, 15)),
        ("15.11.2012", date(2012, 11, 15)),
        ("5/1/2013", date(2013, 1, 5)),
        ("2012-11-15", date(2012, 11, 15)),
        ("15 Nov 2012", date(2012, 11, 15)),
        ("15-Nov-2012", date(2012, 11, 15)),
        ("15/11/12", date(2012, 11, 15)),
        ("41228", date(2012, 11, 15)),
    ],
)
def test_dates_as_schools_write_them(value: str, expected: date) -> None:
    result = check([with_cell("DOB", value)])
    assert result.problems == []
    assert result.clean["date_of_birth"].to_list() == [expected]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11/15/2012", "there is no month 15"),
        ("31/02/2012", "31 February 2012 is not a date. Check the day."),
        ("29/02/2011", "29 February 2011 is not a date."),
        ("yesterday", "not a date we can read"),
        ("01/01/2030", "in the future"),
        ("01/01/1850", "before 1900"),
        ("", "is empty"),
    ],
)
def test_bad_dates_say_why(value: str, reason: str) -> None:
    result = check([with_cell("DOB", value)])
    assert reason in result.problems[0].reason
    assert value == "yesterday" or "write it as day/month/year" not in result.problems[0].reason
    assert result.problems[0].column == "DOB"


@pytest.mark.parametrize("value", ["9", "Y9", "Year 9", "year 09", "Yr 9", "NC Year 9"])
def test_year_groups_in_every_usual_form(value: str) -> None:
    # Born 15/11/2012: Year 9 in 2026/27.
    assert check([with_cell("Year", value)]).problems == []


def test_a_year_group_that_contradicts_the_date_of_birth_is_caught() -> None:
    [problem] = check([with_cell("Year", "Y10")]).problems
    assert problem.column == "Year"
    assert "puts this learner in Year 9" in problem.reason


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("Y", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("N", False),
        ("No", False),
        ("0", False),
        ("", None),
    ],
)
def test_yes_no_cells(value: str, stored: bool | None) -> None:
    result = check([with_cell("FSM", value)])
    assert result.clean["free_school_meals"].to_list() == [stored]


def test_a_row_repeated_exactly_is_imported_once() -> None:
    same = with_cell("UPN", valid_upn(316, 5))
    result = check([same, same])
    assert result.duplicates == {3: 2}
    assert result.problems == []
    assert result.clean["_row"].to_list() == [2]


def test_rows_with_one_upn_but_different_details_are_all_rejected() -> None:
    first = with_cell("UPN", valid_upn(316, 5))
    second = list(first)
    second[HEADINGS.index("FSM")] = "Y"
    result = check([first, second])
    assert {problem.row for problem in result.problems} == {2, 3}
    assert (
        "Rows 2, 3 have the same UPN but differ in their free school meals"
        in result.problems[0].reason
    )
    assert result.clean.height == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [("Begum", "BEGUM"), ("O'Brien", "O’Brien"), ("Siân", "SIAN")],
)
def test_rows_whose_names_differ_only_in_case_or_accents_are_one_pupil(
    first: str, second: str
) -> None:
    one = with_cell("UPN", valid_upn(316, 5))
    one[0] = first
    two = list(one)
    two[0] = second
    result = check([one, two])
    assert result.problems == []
    assert result.duplicates == {3: 2}
    assert result.clean["last_name"].to_list() == [first]


def test_rows_of_one_pupil_name_the_field_that_differs() -> None:
    one = with_cell("UPN", valid_upn(316, 5))
    two = list(one)
    two[HEADINGS.index("DOB")] = "16/11/2012"
    two[HEADINGS.index("Surname")] = "BEGUM"
    result = check([one, two])
    assert [problem.reason for problem in result.problems] == [
        "Rows 2, 3 have the same UPN but differ in their date of birth: keep the right one "
        "and remove the others."
    ] * 2


def test_the_same_name_birthday_and_postcode_without_upns_is_one_learner() -> None:
    first = with_cell("Postcode", "E6 3SQ")
    second = list(first)
    second[HEADINGS.index("Gender")] = "F"
    result = check([first, second])
    assert "same name, date of birth and postcode" in result.problems[0].reason


def test_twins_in_one_file_are_two_learners() -> None:
    twin_one = ["Begum", "Amira", "15/11/2012", "", "", "E6 3SQ", "", "", "F"]
    twin_two = ["Begum", "Anisa", "15/11/2012", "", "", "E6 3SQ", "", "", "F"]
    result = check([twin_one, twin_two])
    assert result.problems == []
    assert result.clean.height == 2
