"""The bare baseline for reading and checking a pupil list: Polars alone, no Widen.

`read_and_check(content, file_format)` reads a SIMS export with Polars' own readers
(`polars.read_csv`; `polars.read_excel(engine="calamine")` when its `fastexcel` package is
installed, else the same calamine parser through `python-calamine`, which Widen reads XLSX with)
and runs the checks a pupil list needs as column expressions: required names, name characters,
UPN shape and local authority, date of birth, postcode, yes/no, sex, ethnicity code, year group,
and repeated UPNs. It returns the rows that pass. It does not match learners already held or
touch the database: it is the floor Widen's own read + validate + match is compared with.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import polars as pl

from benchmarks.pupil_files import HEADINGS
from widen.learners.imports.cells import (
    DFE_ETHNICITY_CODES,
    NAME_PATTERN,
    NO,
    POSTCODE_PATTERN,
    SEX_VALUES,
    UPN_ALPHABET,
    UPN_LA_NUMBERS,
    YES,
)


def xlsx_reader() -> str:
    """Which reader the XLSX baseline uses on this machine."""
    try:
        import fastexcel  # noqa: F401, PLC0415
    except ImportError:
        return "python-calamine + polars.DataFrame (polars.read_excel needs fastexcel)"
    return "polars.read_excel(engine='calamine')"


def read_and_check(content: bytes, file_format: str) -> pl.DataFrame:
    frame = _read(content, file_format)
    return _check(_as_text(frame))


def _read(content: bytes, file_format: str) -> pl.DataFrame:
    if file_format == "csv":
        return pl.read_csv(io.BytesIO(content), infer_schema=False)
    if xlsx_reader().startswith("polars"):
        # fastexcel logs a warning for the all-empty "Preferred Forename" column: it is text.
        logging.getLogger("fastexcel").setLevel(logging.ERROR)
        return pl.read_excel(io.BytesIO(content), engine="calamine")
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    values: list[list[Any]] = (
        CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    )
    headers = [str(value) for value in values[0]]
    return pl.DataFrame(values[1:], schema=headers, orient="row", strict=False)


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as trimmed text (null when empty), whatever type the reader gave it."""
    columns: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_float():
            column = column.cast(pl.Int64, strict=False)
        elif dtype == pl.Datetime:
            column = column.dt.date()
        columns.append(column.cast(pl.String).str.strip_chars().replace("", None).alias(name))
    return frame.select(columns)


def _check(frame: pl.DataFrame) -> pl.DataFrame:
    first = pl.col(HEADINGS["first_name"])
    last = pl.col(HEADINGS["last_name"])
    born = pl.col(HEADINGS["date_of_birth"])
    upn = pl.col(HEADINGS["upn"]).str.replace_all(" ", "").str.to_uppercase()
    postcode = pl.col(HEADINGS["home_postcode"]).str.replace_all(r"\s+", "").str.to_uppercase()
    fsm = pl.col(HEADINGS["free_school_meals"]).str.to_lowercase()
    sex = pl.col(HEADINGS["sex"]).str.to_lowercase()
    ethnicity = pl.col(HEADINGS["ethnicity"]).str.to_lowercase()
    year = pl.col(HEADINGS["year_group"]).str.to_lowercase().str.replace_all(r"[\s.]", "")
    date_of_birth = pl.coalesce(
        born.str.strptime(pl.Date, "%d/%m/%Y", strict=False),
        born.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    )
    checks = [
        first.is_not_null() & first.str.contains(NAME_PATTERN),
        last.is_not_null() & last.str.contains(NAME_PATTERN),
        upn.is_null()
        | (
            upn.str.contains(r"^.[0-9]{11}[" + UPN_ALPHABET + "]$")
            & upn.str.slice(1, 3).cast(pl.Int32, strict=False).is_in(sorted(UPN_LA_NUMBERS))
        ),
        date_of_birth.is_not_null(),
        postcode.is_null() | postcode.str.contains(POSTCODE_PATTERN),
        fsm.is_null() | fsm.is_in([*YES, *NO]),
        sex.is_null() | sex.is_in(list(SEX_VALUES)),
        ethnicity.is_null() | ethnicity.is_in(list(DFE_ETHNICITY_CODES)),
        year.is_null() | year.str.contains(r"^(?:y|yr|year|ncyear|nc)?0?\d{1,2}$"),
        upn.is_null() | ~upn.is_duplicated(),
    ]
    return frame.filter(pl.all_horizontal(checks)).with_columns(
        date_of_birth.alias(HEADINGS["date_of_birth"])
    )
