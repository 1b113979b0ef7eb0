"""The checks of a pupil list's cells, one Polars expression a column (`validation` runs them
all at once): each gives the typed value and the reason a cell is wrong (null when it is fine).
The rules are the ones the learner form applies one value at a time (`widen.core.identifiers`,
`Learner.clean`); tests check that the two agree. Registers use the same checks for the columns
that name a learner.
"""

from __future__ import annotations

import calendar
from datetime import date

import polars as pl
from stdnum.gb import upn as stdnum_upn

from widen.core.validators import NAME_PATTERN, NAME_RULE
from widen.learners.imports.columns import COLUMNS_BY_FIELD, ImportColumn
from widen.learners.models import EARLIEST_DATE_OF_BIRTH, Ethnicity, Sex

# NAME_PATTERN (widen.core.validators): letters, marks (accents), spaces, hyphens, apostrophes
# and full stops, starting with a letter, as the learner pages and the API check one at a time.
CONTROL_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
POSTCODE_PATTERN = r"^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][ABD-HJLNP-UW-Z]{2})$"

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"
# The local authority numbers the DfE issues (as python-stdnum's UPN check knows them).
UPN_LA_NUMBERS: frozenset[int] = frozenset(stdnum_upn._la_numbers)

YES = ("y", "yes", "true", "t", "1", "eligible", "x")
NO = ("n", "no", "false", "f", "0", "not eligible", "ineligible")
SEX_VALUES = {
    "f": Sex.FEMALE.value,
    "female": Sex.FEMALE.value,
    "girl": Sex.FEMALE.value,
    "m": Sex.MALE.value,
    "male": Sex.MALE.value,
    "boy": Sex.MALE.value,
}
# DfE school census ethnicity codes mapped to the ONS 2021 groups Widen records.
DFE_ETHNICITY_CODES = {
    "wbri": Ethnicity.WHITE_BRITISH,
    "wcor": Ethnicity.WHITE_BRITISH,
    "weng": Ethnicity.WHITE_BRITISH,
    "wnir": Ethnicity.WHITE_BRITISH,
    "wsco": Ethnicity.WHITE_BRITISH,
    "wwel": Ethnicity.WHITE_BRITISH,
    "woth": Ethnicity.WHITE_OTHER,
    "wiri": Ethnicity.WHITE_IRISH,
    "wirt": Ethnicity.WHITE_GYPSY_IRISH_TRAVELLER,
    "wrom": Ethnicity.WHITE_ROMA,
    "mwbc": Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN,
    "mwba": Ethnicity.MIXED_WHITE_BLACK_AFRICAN,
    "mwas": Ethnicity.MIXED_WHITE_ASIAN,
    "moth": Ethnicity.MIXED_OTHER,
    "aind": Ethnicity.ASIAN_INDIAN,
    "apkn": Ethnicity.ASIAN_PAKISTANI,
    "aban": Ethnicity.ASIAN_BANGLADESHI,
    "aoth": Ethnicity.ASIAN_OTHER,
    "chne": Ethnicity.ASIAN_CHINESE,
    "bcrb": Ethnicity.BLACK_CARIBBEAN,
    "bafr": Ethnicity.BLACK_AFRICAN,
    "both": Ethnicity.BLACK_OTHER,
    "oarb": Ethnicity.OTHER_ARAB,
    "ooth": Ethnicity.OTHER_ANY,
    "refu": Ethnicity.PREFER_NOT_TO_SAY,
    "nobt": Ethnicity.NOT_KNOWN,
}
ETHNICITY_VALUES: dict[str, str] = {
    **{code: str(value.value) for code, value in DFE_ETHNICITY_CODES.items()},
    **{choice.value: choice.value for choice in Ethnicity},
    **{str(choice.label).casefold(): choice.value for choice in Ethnicity},
}

# Day/month/year (the UK order every MIS exports), ISO, and "4 Mar 2012".
_NUMERIC_DATE = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"
_SHORT_YEAR_DATE = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$"
_EXCEL_SERIAL = r"^\d{4,5}$"
EXCEL_EPOCH = date(1899, 12, 30)


def _value(expression: pl.Expr) -> pl.Expr:
    """A cell as shown back in a message: at most 40 characters."""
    return (
        pl.when(expression.str.len_chars() > 40)
        .then(expression.str.slice(0, 40) + pl.lit("…"))
        .otherwise(expression)
    )


def _iso_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The date from its parts as text, or null when there is no such day (31/02)."""
    return pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-").str.strptime(
        pl.Date, "%Y-%m-%d", strict=False
    )


def _parse_date(cell: pl.Expr, today: date) -> pl.Expr:
    numeric = cell.str.extract_groups(_NUMERIC_DATE)
    short = cell.str.extract_groups(_SHORT_YEAR_DATE)
    short_year = short.struct.field("3").cast(pl.Int32, strict=False)
    # A two-digit year is this century unless that would be in the future.
    this_century = today.year % 100
    full_short_year = (
        pl.when(short_year <= this_century).then(2000 + short_year).otherwise(1900 + short_year)
    )
    serial = pl.when(cell.str.contains(_EXCEL_SERIAL)).then(cell.cast(pl.Int64, strict=False))
    return pl.coalesce(
        _iso_date(numeric.struct.field("3"), numeric.struct.field("2"), numeric.struct.field("1")),
        _iso_date(
            full_short_year.cast(pl.String), short.struct.field("2"), short.struct.field("1")
        ),
        cell.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        cell.str.strptime(pl.Date, "%Y-%m-%d %H:%M:%S", strict=False),
        cell.str.strptime(pl.Date, "%d %b %Y", strict=False),
        cell.str.strptime(pl.Date, "%d-%b-%Y", strict=False),
        cell.str.strptime(pl.Date, "%d %B %Y", strict=False),
        cell.str.strptime(pl.Date, "%d-%b-%y", strict=False),
        pl.lit(EXCEL_EPOCH) + pl.duration(days=serial),
    )


def _date_reason(cell: pl.Expr, parsed: pl.Expr, today: date) -> pl.Expr:
    month = cell.str.extract(_NUMERIC_DATE, 2).cast(pl.Int32, strict=False)
    day = cell.str.extract(_NUMERIC_DATE, 1).cast(pl.Int32, strict=False)
    month_name = month.replace_strict(
        {number: calendar.month_name[number] for number in range(1, 13)},
        default=None,
        return_dtype=pl.String,
    )
    return (
        pl.when(cell.is_null())
        .then(None)
        .when(parsed.is_null() & (month > 12) & (day <= 12))
        .then(
            pl.format(
                "'{}' is not a date: there is no month {}. Dates are read as day/month/year "
                "(04/03/2012 is 4 March 2012).",
                _value(cell),
                month,
            )
        )
        .when(parsed.is_null() & month.is_between(1, 12) & day.is_between(1, 31))
        .then(
            pl.format(
                "'{}': {} {} {} is not a date. Check the day.",
                _value(cell),
                day,
                month_name,
                cell.str.extract(_NUMERIC_DATE, 3),
            )
        )
        .when(parsed.is_null())
        .then(
            pl.format(
                "'{}' is not a date we can read: write it as day/month/year, like 04/03/2012.",
                _value(cell),
            )
        )
        .when(parsed > pl.lit(today))
        .then(pl.format("'{}' is in the future: a date of birth must be in the past.", cell))
        .when(parsed < pl.lit(EARLIEST_DATE_OF_BIRTH))
        .then(pl.format("'{}' is before 1900: check the year.", cell))
    )


def _postcode(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    squeezed = cell.str.replace_all(r"\s+", "").str.to_uppercase()
    valid = squeezed.str.contains(POSTCODE_PATTERN)
    normalised = pl.when(valid).then(squeezed.str.replace(POSTCODE_PATTERN, "$1 $2"))
    reason = pl.when(cell.is_not_null() & ~valid).then(
        pl.format("'{}' is not a full UK postcode, like E1 6AN.", _value(cell))
    )
    return normalised, reason


def _upn(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    compact = cell.str.replace_all(" ", "").str.to_uppercase()
    length_ok = compact.str.len_chars() == 13
    format_ok = compact.str.contains(r"^.[0-9]{11}[" + UPN_ALPHABET + "]$")
    la_ok = compact.str.slice(1, 3).cast(pl.Int32, strict=False).is_in(sorted(UPN_LA_NUMBERS))
    alphabet_index = {letter: index for index, letter in enumerate(UPN_ALPHABET)}
    weighted = pl.sum_horizontal(
        [
            compact.str.slice(position, 1).replace_strict(
                alphabet_index, default=0, return_dtype=pl.Int64
            )
            * (position + 1)
            for position in range(1, 13)
        ]
    )
    expected_letter = (weighted % 23).replace_strict(
        dict(enumerate(UPN_ALPHABET)), default="", return_dtype=pl.String
    )
    checksum_ok = compact.str.slice(0, 1) == expected_letter
    reason = (
        pl.when(cell.is_null())
        .then(None)
        .when(~length_ok)
        .then(pl.lit("A UPN has 13 characters: a check letter and 12 more."))
        .when(~format_ok)
        .then(
            pl.lit(
                "A UPN is a check letter, 11 digits, then a digit or letter (for a temporary UPN)."
            )
        )
        .when(~la_ok)
        .then(
            pl.lit("This UPN's local authority code (characters 2 to 4) is not one the DfE issues.")
        )
        .when(~checksum_ok)
        .then(
            pl.lit(
                "This UPN's check letter does not match the rest: check it for a typing mistake."
            )
        )
    )
    return compact, reason


def _uln(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    compact = cell.str.replace_all(" ", "")
    format_ok = compact.str.contains(r"^[1-9][0-9]{9}$")
    total = pl.sum_horizontal(
        [
            compact.str.slice(position, 1).cast(pl.Int64, strict=False) * (10 - position)
            for position in range(9)
        ]
    )
    remainder = total % 11
    check_ok = (remainder != 0) & (
        (10 - remainder) == compact.str.slice(9, 1).cast(pl.Int64, strict=False)
    )
    reason = (
        pl.when(cell.is_null())
        .then(None)
        .when(~format_ok)
        .then(pl.lit("A ULN is 10 digits, not starting with 0."))
        .when(~check_ok)
        .then(
            pl.lit(
                "This ULN's last digit does not match its check digit: check it for a typing "
                "mistake."
            )
        )
    )
    return compact, reason


def _yes_no(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    folded = cell.str.to_lowercase()
    parsed = pl.when(folded.is_in(YES)).then(True).when(folded.is_in(NO)).then(False)
    reason = pl.when(cell.is_not_null() & parsed.is_null()).then(
        pl.format("'{}' is not yes or no: write Y or N (or leave it empty).", _value(cell))
    )
    return parsed, reason


def _choice(cell: pl.Expr, values: dict[str, str], hint: str) -> tuple[pl.Expr, pl.Expr]:
    parsed = cell.str.to_lowercase().replace_strict(values, default=None, return_dtype=pl.String)
    reason = pl.when(cell.is_not_null() & parsed.is_null()).then(
        pl.format("'{}' " + hint, _value(cell))
    )
    return parsed, reason


def _year_group(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    folded = cell.str.to_lowercase().str.replace_all(r"[\s.]", "")
    number = folded.str.extract(r"^(?:y|yr|year|ncyear|nc)?0?(\d{1,2})$", 1).cast(
        pl.Int32, strict=False
    )
    parsed = pl.when(folded.is_in(["r", "reception", "yr r", "yearr"])).then(0).otherwise(number)
    reason = pl.when(cell.is_not_null() & (parsed.is_null() | (parsed > 14))).then(
        pl.format("'{}' is not a year group: write 9, Y9 or Year 9.", _value(cell))
    )
    return parsed, reason


SCHOOL_URN = "school_urn"
REFERENCE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z /_.\-]*$"


def column_checks(column: ImportColumn, cell: pl.Expr, today: date) -> tuple[pl.Expr, pl.Expr]:
    """The typed value of a column and the reason it is wrong (null when it is fine)."""
    if column.kind == "name":
        ok = cell.str.contains(NAME_PATTERN)
        reason = pl.when(cell.is_not_null() & ~ok).then(
            pl.format("'{}' is not a name: " + NAME_RULE + ".", _value(cell))
        )
        return cell, reason
    if column.kind == "reference":
        # The pupil's reference in the organisation's own system: letters, digits and / - _ .
        ok = cell.str.contains(REFERENCE_PATTERN)
        reason = pl.when(cell.is_not_null() & ~ok).then(
            pl.format(
                "'{}' is not a reference Widen keeps: use letters, digits, spaces and / - _ . "
                "only, starting with a letter or digit.",
                _value(cell),
            )
        )
        return cell, reason
    if column.kind == "urn":
        ok = cell.str.contains(r"^[0-9]{6}$")
        reason = pl.when(cell.is_not_null() & ~ok).then(
            pl.format(
                "'{}' is not a school URN: a URN is the school's 6-digit number.", _value(cell)
            )
        )
        return cell, reason
    if column.kind == "date":
        parsed = _parse_date(cell, today)
        return parsed, _date_reason(cell, parsed, today)
    if column.kind == "postcode":
        return _postcode(cell)
    if column.kind == "upn":
        return _upn(cell)
    if column.kind == "uln":
        return _uln(cell)
    if column.kind == "yes_no":
        return _yes_no(cell)
    if column.kind == "sex":
        return _choice(cell, SEX_VALUES, "is not a sex Widen records: write F or M.")
    if column.kind == "ethnicity":
        return _choice(
            cell,
            ETHNICITY_VALUES,
            "is not an ethnicity Widen knows: use a DfE code (such as WBRI) or an ONS 2021 "
            "category.",
        )
    if column.kind == "year_group":
        return _year_group(cell)
    raise ValueError(f"Unknown column kind {column.kind}")


def cell_checks(
    field: str, cell: pl.Expr, *, today: date, required: bool = False
) -> tuple[pl.Expr, pl.Expr]:
    """The typed value of a stripped cell of a learner `field` and the reason it is wrong (null
    when it is fine): the pupil list's rules, for every import that names learners. Control
    characters and over-long values are refused; an empty cell only with `required` (a pupil
    list) and when every learner has the field."""
    column = COLUMNS_BY_FIELD[field]
    typed, reason = column_checks(column, cell, today)
    general = (
        pl.when(cell.str.contains(CONTROL_CHARACTERS))
        .then(pl.lit("holds a control character (such as NUL) that cannot be stored."))
        .when(cell.str.len_chars() > column.max_length)
        .then(
            pl.format(
                "is {} characters long; at most {} fit.",
                cell.str.len_chars(),
                pl.lit(column.max_length),
            )
        )
    )
    if required:
        general = general.when(cell.is_null() & pl.lit(column.required)).then(
            pl.lit(f"is empty: every learner needs a {column.label.lower()}.")
        )
    return typed, pl.coalesce(general, reason)
