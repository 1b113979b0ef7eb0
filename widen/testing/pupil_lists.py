"""Pupil lists as school MIS systems export them, for tests and benchmarks.

Invented pupils with valid UPNs and ULNs and real-format postcodes, written with the headings
SIMS, Arbor and Bromcom exports use (and Widen's own template), as CSV in any encoding or as
XLSX with dates stored as dates, as serial numbers or as text.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from stdnum.gb import upn as stdnum_upn

from widen.core.academic_years import AcademicYear
from widen.core.identifiers import uln_check_digit

# field → heading, per MIS.
MIS_HEADINGS: dict[str, dict[str, str]] = {
    "SIMS": {
        "last_name": "Legal Surname",
        "first_name": "Legal Forename",
        "preferred_name": "Preferred Forename",
        "date_of_birth": "DOB",
        "year_group": "Year",
        "reg": "Reg",
        "upn": "UPN",
        "sex": "Gender",
        "free_school_meals": "FSM Eligible",
        "home_postcode": "Postcode",
        "ethnicity": "Ethnicity",
    },
    "Arbor": {
        "first_name": "Legal first name",
        "last_name": "Legal last name",
        "date_of_birth": "Date of birth",
        "year_group": "Year group",
        "reg": "Registration form",
        "upn": "UPN",
        "sex": "Gender",
        "free_school_meals": "FSM",
        "ever_6_free_school_meals": "Ever 6 FSM",
        "home_postcode": "Post code",
    },
    "Bromcom": {
        "upn": "UPN",
        "last_name": "Surname",
        "first_name": "Forename",
        "date_of_birth": "D.O.B.",
        "year_group": "NC Year",
        "reg": "Reg Group",
        "sex": "Sex",
        "free_school_meals": "FSM Status",
        "care_experienced": "Looked After",
        "home_postcode": "Home Postcode",
    },
    "Widen template": {
        "upn": "UPN",
        "first_name": "Legal first name",
        "last_name": "Legal last name",
        "preferred_name": "Preferred name",
        "date_of_birth": "Date of birth",
        "year_group": "Year group",
        "home_postcode": "Home postcode",
        "uln": "ULN",
        "sex": "Sex",
        "free_school_meals": "Free school meals",
        "ever_6_free_school_meals": "Ever-6 FSM",
        "first_in_family": "First in family to go to HE",
    },
}

FIRST_NAMES = [
    "Amira",
    "Zoë",
    "Mohammed",
    "Olivia",
    "Sofia",
    "Ayaan",
    "Grace",
    "Tomás",
    "Chloé",
    "Kwame",
    "Leah",
    "Yusuf",
    "Maya",
    "Dawit",
    "Ruby",
    "Ibrahim",
    "Niamh",
    "Oluwaseun",
    "Freya",
    "Arjun",
    "Hannah",
    "Musa",
    "Esme",
    "Kacper",
    "Aaliyah",
    "Jayden",
    "Siân",
    "Ravi",
    "Isla",
]
LAST_NAMES = [
    "Begum",
    "Smith",
    "Ahmed",
    "Okafor",
    "Khan",
    "O'Brien",
    "Nowak",
    "Patel",
    "Williams",
    "Mensah",
    "Hussain",
    "Kowalski",
    "Jones",
    "Rahman",
    "Ali",
    "Brown",
    "Osei",
    "Chowdhury",
    "Taylor",
    "Uddin",
    "Murphy",
    "Islam",
    "Adeyemi",
    "Davies",
    "Miah",
    "Evans",
    "Silva",
]
POSTCODE_SECTORS = ("E6 3", "E6 5", "E7 9", "E12 6", "E13 0", "E15 4", "E16 1", "IG11 7")
POSTCODE_UNITS = ("AA", "AB", "BD", "DE", "FG", "HJ", "LN", "PQ", "RS", "TU", "WX", "YZ", "SQ")


def in_letters(number: int) -> str:
    """A number written in letters, for a name (names may hold no digits): 0 → "a", 25 → "z",
    26 → "ba", a different name for each number."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if number == 0:
            return letters


def valid_upn(local_authority: int, serial: int) -> str:
    body = f"{local_authority:03d}{serial % 10**8:08d}0"
    return stdnum_upn.calc_check_digit(body) + body


def valid_uln(serial: int) -> str:
    while True:
        first_nine = f"{1 + serial % 9}{serial % 10**8:08d}"
        check = uln_check_digit(first_nine)
        if check is not None and check < 10:
            return first_nine + str(check)
        serial += 1


def pupil_rows(
    count: int, *, seed: int = 1, academic_year: AcademicYear | None = None
) -> list[dict[str, object]]:
    """Valid pupils in Years 9 to 13: field → value (dates as `date`, yes/no as bool)."""
    randomiser = random.Random(seed)  # noqa: S311 - invented test people, not secrets
    year = academic_year or AcademicYear.current()
    rows: list[dict[str, object]] = []
    for index in range(count):
        year_group = 9 + index % 5
        first, last = year.birth_dates_for(year_group)
        born = first + timedelta(days=randomiser.randrange((last - first).days + 1))
        rows.append(
            {
                "upn": valid_upn(316, seed * 1_000_000 + index),
                "uln": valid_uln(seed * 1_000_000 + index * 7),
                "first_name": randomiser.choice(FIRST_NAMES),
                "last_name": randomiser.choice(LAST_NAMES),
                "preferred_name": "",
                "date_of_birth": born,
                "year_group": year_group,
                "reg": f"{year_group}{randomiser.choice('ABCD')}",
                "home_postcode": randomiser.choice(POSTCODE_SECTORS)
                + randomiser.choice(POSTCODE_UNITS),
                "sex": randomiser.choice(("F", "M")),
                "free_school_meals": randomiser.random() < 0.3,
                "ever_6_free_school_meals": randomiser.random() < 0.4,
                "first_in_family": randomiser.random() < 0.5,
                "care_experienced": randomiser.random() < 0.03,
                "ethnicity": randomiser.choice(("WBRI", "ABAN", "BAFR", "AIND", "WOTH", "MWBC")),
            }
        )
    return rows


def _text(name: str, value: object, *, date_format: str, year_style: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, date):
        return value.strftime(date_format)
    if name == "year_group":
        return {"Y": f"Y{value}", "Year": f"Year {value}", "number": str(value)}[year_style]
    return str(value)


def table_cells(
    rows: Iterable[dict[str, object]],
    headings: dict[str, str],
    *,
    date_format: str = "%d/%m/%Y",
    year_style: str = "Y",
) -> list[list[str]]:
    """The header row and one row of text cells per pupil."""
    cells = [list(headings.values())]
    for row in rows:
        cells.append(
            [
                _text(name, row.get(name, ""), date_format=date_format, year_style=year_style)
                for name in headings
            ]
        )
    return cells


def csv_bytes(cells: Sequence[Sequence[str]], *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(cells)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Iterable[dict[str, object]],
    headings: dict[str, str],
    *,
    dates_as: str = "date",
    sheet_name: str = "Pupils",
    sheets_before: Sequence[tuple[str, Sequence[Sequence[object]]]] = (),
) -> bytes:
    """An XLSX workbook; `dates_as` is "date" (a date cell), "serial" (a number) or "text"."""
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    for name, sheet_rows in sheets_before:
        sheet = workbook.create_sheet(name)
        for sheet_row in sheet_rows:
            sheet.append(list(sheet_row))
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(list(headings.values()))
    for row in rows:
        values: list[object] = []
        for name in headings:
            value = row.get(name, "")
            if isinstance(value, bool):
                values.append("Y" if value else "N")
            elif isinstance(value, date):
                if dates_as == "serial":
                    values.append((value - date(1899, 12, 30)).days)
                elif dates_as == "text":
                    values.append(value.strftime("%d/%m/%Y"))
                else:
                    values.append(value)
            elif name == "year_group":
                values.append(value)
            else:
                values.append(value if value != "" else None)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
