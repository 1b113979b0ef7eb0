"""Reading uploaded pupil lists: encodings, Excel quirks and files that must be refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from widen.core.academic_years import AcademicYear
from widen.core.tabular import TableError, TableLimits, read_table
from widen.learners.imports.columns import choose_columns, looks_like_header
from widen.learners.imports.validation import validate_table
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, xlsx_bytes

YEAR = AcademicYear(2026)
TODAY = date(2026, 11, 22)


def read(content: bytes, name: str = "pupils.csv", **options: object):  # type: ignore[no-untyped-def]
    return read_table(content, name, looks_like_header=looks_like_header, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_each_encoding_reads_accented_names_exactly(encoding: str) -> None:
    cells = [["Legal Surname", "Forename", "DOB"], ["Ó'Brien", "Zoë", "04/03/2012"]]
    table = read(csv_bytes(cells, encoding=encoding))
    assert table.headers == ["Legal Surname", "Forename", "DOB"]
    assert table.rows == [["Ó'Brien", "Zoë", "04/03/2012"]]
    assert table.row_numbers == [2]


def test_a_file_in_no_known_encoding_is_refused_with_the_line() -> None:
    content = b"Surname,Forename\r\nSmith,Jo\r\nBad,\x81\x8d\x8f\r\n"
    with pytest.raises(TableError, match="line 3"):
        read(content)


def test_a_title_line_above_the_header_is_skipped() -> None:
    cells = [["Student list printed 12/09/2026"], ["Surname", "Forename", "DOB"], ["Ng", "Al", "1"]]
    table = read(csv_bytes(cells))
    assert table.headers == ["Surname", "Forename", "DOB"]
    assert table.row_numbers == [3]


def test_semicolon_and_tab_separated_files_are_read() -> None:
    for separator in (";", "\t"):
        content = f"Surname{separator}Forename\r\nNg{separator}Al\r\n".encode()
        assert read(content).rows == [["Ng", "Al"]]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "pupils.csv", "empty"),
        (b"\r\n\r\n", "pupils.csv", "empty"),
        (b"PK\x03\x04rest", "pupils.csv", "Excel workbook or another zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "pupils.csv", ".xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "pupils.xlsx", ".xls"),
        (b"Surname,Forename\r\n", "pupils.xlsm", "macros"),
        (b"Surname,Forename\r\n", "pupils.xls", "97-2003"),
        (b"Surname,Forename\r\n", "pupils.pdf", ".csv or .xlsx"),
        (b"not a zip at all", "pupils.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04truncated", "pupils.xlsx", "damaged"),
    ],
)
def test_files_that_cannot_be_pupil_lists_are_refused_clearly(
    content: bytes, name: str, message: str
) -> None:
    with pytest.raises(TableError, match=message):
        read(content, name)


def test_duplicate_headings_are_named() -> None:
    with pytest.raises(TableError, match="columns A and C"):
        read(b"Surname,Forename,surname\r\nA,B,C\r\n")


def test_row_and_size_caps_refuse_huge_files() -> None:
    million = b"Surname,Forename\n" + b"Ng,Al\n" * 1_000_000
    with pytest.raises(TableError, match="more than 250,000 rows"):
        read(million)
    with pytest.raises(TableError, match="files of up to 1 MB"):
        read(b"a" * 2_000_000, limits=TableLimits(max_bytes=1024 * 1024))


def test_header_only_gives_no_rows() -> None:
    table = read(b"Surname,Forename,DOB\r\n")
    assert table.headers == ["Surname", "Forename", "DOB"]
    assert table.rows == []


def test_a_row_longer_than_the_header_gets_a_named_column_to_map() -> None:
    table = read(b"Surname,Forename\r\nNg,Al,extra\r\n")
    assert table.headers == ["Surname", "Forename", "Column C (no heading)"]
    assert [choice.how for choice in choose_columns(table.headers)][-1] == "unknown"


@pytest.mark.parametrize("dates_as", ["date", "serial", "text"])
def test_xlsx_dates_stored_as_dates_numbers_or_text_all_read(dates_as: str) -> None:
    rows = pupil_rows(5, academic_year=YEAR)
    content = xlsx_bytes(rows, MIS_HEADINGS["SIMS"], dates_as=dates_as)
    table = read(content, "pupils.xlsx")
    validated = validate_table(
        table, choose_columns(table.headers), today=TODAY, academic_year=YEAR
    )
    assert validated.problems == []
    assert validated.clean["date_of_birth"].to_list() == [row["date_of_birth"] for row in rows]


def test_xlsx_pupils_on_the_second_sheet_are_found_and_a_wrong_sheet_is_named() -> None:
    rows = pupil_rows(3, academic_year=YEAR)
    content = xlsx_bytes(
        rows,
        MIS_HEADINGS["Arbor"],
        sheet_name="Students",
        sheets_before=[("Read me", [["Exported from Arbor"], ["Do not edit"]])],
    )
    table = read(content, "pupils.xlsx")
    assert table.sheet_name == "Students"
    assert len(table.rows) == 3
    with pytest.raises(TableError, match="no sheet called 'Pupils'.*'Read me', 'Students'"):
        read(content, "pupils.xlsx", sheet_name="Pupils")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * 500_000_000})
    assert len(bomb) < 1_000_000
    with pytest.raises(TableError, match="unpacks to"):
        read(bomb, "pupils.xlsx")


def test_a_workbook_with_too_many_parts_is_refused() -> None:
    many = _zip({"xl/workbook.xml": b"<x/>", **{f"xl/part{i}.xml": b"<x/>" for i in range(600)}})
    with pytest.raises(TableError, match="parts"):
        read(many, "pupils.xlsx")


def test_a_billion_laughs_workbook_is_refused_without_expanding_it() -> None:
    good = xlsx_bytes(pupil_rows(1, academic_year=YEAR), MIS_HEADINGS["SIMS"])
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b"]>"
    )
    sheet_name = next(name for name in parts if name.startswith("xl/worksheets/sheet"))
    parts[sheet_name] = parts[sheet_name].replace(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b""
    )
    parts[sheet_name] = laughs + parts[sheet_name].replace(b"<v>", b"<v>&lol9;", 1)
    hostile = _zip(parts)
    try:
        table = read(hostile, "pupils.xlsx")
    except TableError:
        return  # refused: fine
    # Read without expanding the entities: no cell holds the billion laughs.
    assert all(len(cell) < 1000 for row in table.rows for cell in row)
