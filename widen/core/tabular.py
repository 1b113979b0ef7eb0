"""Reading the spreadsheets people upload: CSV (UTF-8, UTF-8 with BOM, Windows-1252) and XLSX.

Every cell is read as text, exactly as the file holds it (dates stored by Excel become ISO dates,
whole numbers lose their ".0"), so that validation can say what was wrong with the value the
person typed. Nothing here knows about learners: imports decide what the columns mean.

A file that cannot be read raises `TableError` with a message a person can act on. Limits guard
the server (SECURITY 15): the size of the upload, the number of rows and columns, and for XLSX
(a zip of XML files) the number of entries and their uncompressed size. A workbook's sheets are
measured (`widen.core.spreadsheet_guard`) before the reader builds any of them: a sheet that says
or shows it runs further than the limits is refused, however small the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from widen.core.spreadsheet_guard import (
    FileRefusedError,
    SheetLimits,
    WorkbookTooBigError,
    check_workbook,
)

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx",)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, and old .doc
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The first rows of a file searched for the header (MIS exports often start with a title line).
HEADER_SEARCH_ROWS = 10


class TableError(FileRefusedError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class TableLimits:
    max_bytes: int = 40 * 1024 * 1024
    max_rows: int = 250_000
    max_columns: int = 200
    max_zip_entries: int = 500
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    # The cells of a sheet's grid, from A1 to its furthest row and column (a reader builds
    # them all, however few hold anything).
    max_cells: int = 10_000_000


@dataclass
class Table:
    """The header and the data rows of one sheet, every cell as text ('' when empty)."""

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]  # the row each data row has in the file, counting the header row
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    sheet_name: str = ""
    sheet_names: list[str] = field(default_factory=list)

    def columns(self) -> list[list[str]]:
        """The cells column by column."""
        if not self.rows:
            return [[] for _ in self.headers]
        return [list(column) for column in zip(*self.rows, strict=True)]


def file_format_of(file_name: str) -> str:
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix in CSV_EXTENSIONS:
        return "csv"
    if suffix in XLSX_EXTENSIONS:
        return "xlsx"
    if suffix in (".xlsm", ".xltm"):
        raise TableError(
            "Files with macros (.xlsm) are not accepted. In Excel, use File > Save As and "
            "choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
        )
    if suffix == ".xls":
        raise TableError(
            "Excel 97-2003 files (.xls) are not accepted. In Excel, use File > Save As and "
            "choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8'."
        )
    shown = suffix or "no extension"
    raise TableError(f"Upload a .csv or .xlsx file (this file has {shown}).")


def read_table(
    content: bytes,
    file_name: str,
    *,
    sheet_name: str = "",
    limits: TableLimits | None = None,
    looks_like_header: Callable[[Sequence[str]], bool] | None = None,
) -> Table:
    """Read one sheet of an uploaded file.

    `looks_like_header` picks the header among the first rows (a title line above it is
    skipped); without it the first non-empty row is the header.
    """
    limits = limits or TableLimits()
    file_format = file_format_of(file_name)
    if not content:
        raise TableError("The file is empty.")
    if len(content) > limits.max_bytes:
        raise TableError(
            f"The file is {len(content) / 1_048_576:.1f} MB; files of up to "
            f"{limits.max_bytes // 1_048_576} MB are accepted. Split it into smaller files."
        )
    if file_format == "xlsx":
        return _read_xlsx(content, sheet_name, limits, looks_like_header)
    return _read_csv(content, limits, looks_like_header)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith(ZIP_MAGIC):
        raise TableError(
            "This file is an Excel workbook or another zip file, not CSV text: give it the "
            ".xlsx extension or save it as CSV."
        )
    if content.startswith(OLE_MAGIC):
        raise TableError(
            "This is an Excel 97-2003 (.xls) file, not CSV text. In Excel, use File > Save As "
            "and choose 'CSV UTF-8'."
        )
    if content.startswith(UTF8_BOM):
        encoding = "utf-8-sig"
    elif content.startswith(UTF16_BOMS):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        return content.decode(encoding), encoding
    except UnicodeDecodeError as error:
        if encoding != "utf-8":
            raise TableError(_not_text(content, error)) from error
        utf8_error = error
    try:
        return content.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise TableError(_not_text(content, utf8_error)) from utf8_error


def _not_text(content: bytes, error: UnicodeDecodeError) -> str:
    line = content.count(b"\n", 0, error.start) + 1
    return (
        f"The file is not text we can read (line {line} has the byte 0x{content[error.start]:02X}, "
        "which is neither UTF-8 nor Windows-1252). Save it from Excel as 'CSV UTF-8'."
    )


def _delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(
    content: bytes,
    limits: TableLimits,
    looks_like_header: Callable[[Sequence[str]], bool] | None,
) -> Table:
    text, encoding = _decode(content)
    # A cell may be as big as the file (a 10 MB cell is reported by validation, not a crash).
    csv.field_size_limit(max(limits.max_bytes, 131_072))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > limits.max_rows + HEADER_SEARCH_ROWS:
                break
    except csv.Error as error:
        raise TableError(
            f"Row {reader.line_num} cannot be read as CSV ({error}). Check its quotation marks."
        ) from error
    return _table_from_records(records, "csv", limits, looks_like_header, encoding=encoding)


def _cell_text(value: object) -> str:
    """The text of an XLSX cell as a person would read it."""
    if type(value) is str:  # most cells: checked first, and exactly, as it is the fast path
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _check_zip(content: bytes, limits: TableLimits) -> None:
    if not content.startswith(ZIP_MAGIC):
        if content.startswith(OLE_MAGIC):
            raise TableError(
                "This is an Excel 97-2003 (.xls) file renamed .xlsx. In Excel, use File > "
                "Save As and choose 'Excel Workbook (.xlsx)'."
            )
        raise TableError("This file is not an Excel workbook (.xlsx), whatever its name says.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise TableError(
            "This Excel file is damaged or incomplete: it cannot be opened."
        ) from error
    if len(entries) > limits.max_zip_entries:
        raise TableError(
            f"This Excel file holds {len(entries)} parts; at most {limits.max_zip_entries} "
            "are accepted. Save just the sheet you need as CSV."
        )
    uncompressed = sum(entry.file_size for entry in entries)
    if uncompressed > limits.max_uncompressed_bytes:
        raise TableError(
            f"This Excel file unpacks to {uncompressed / 1_048_576:.0f} MB; at most "
            f"{limits.max_uncompressed_bytes // 1_048_576} MB is accepted. Save it as CSV or "
            "split it."
        )
    names = {entry.filename for entry in entries}
    if "xl/vbaProject.bin" in names:
        raise TableError(
            "This workbook contains macros. Save it as 'Excel Workbook (.xlsx)' without them."
        )
    if "xl/workbook.xml" not in names:
        raise TableError("This file is not an Excel workbook (.xlsx), whatever its name says.")


def _read_xlsx(
    content: bytes,
    sheet_name: str,
    limits: TableLimits,
    looks_like_header: Callable[[Sequence[str]], bool] | None,
) -> Table:
    from python_calamine import (  # noqa: PLC0415
        CalamineError,
        CalamineWorkbook,
        SheetTypeEnum,
        SheetVisibleEnum,
    )

    _check_zip(content, limits)
    try:
        check_workbook(
            content,
            SheetLimits(
                max_rows=limits.max_rows + HEADER_SEARCH_ROWS + 1,
                max_columns=limits.max_columns,
                max_cells=limits.max_cells,
                max_zip_entries=limits.max_zip_entries,
                max_uncompressed_bytes=limits.max_uncompressed_bytes,
                advice=(
                    "Save only the columns and rows of the list (or copy them into a new "
                    "workbook) and upload again."
                ),
            ),
        )
    except WorkbookTooBigError as error:
        raise TableError(error.message) from error
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        worksheets = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
        ]
        if not worksheets:
            raise TableError("This workbook has no visible worksheet.")
        if sheet_name and sheet_name not in worksheets:
            raise TableError(
                f"There is no sheet called '{sheet_name[:60]}' in this workbook; it has "
                + ", ".join(f"'{name}'" for name in worksheets)
                + "."
            )
        candidates = [sheet_name] if sheet_name else worksheets
        chosen: tuple[str, list[list[str]]] | None = None
        for candidate in candidates:
            sheet = workbook.get_sheet_by_name(candidate)
            if sheet.height > limits.max_rows + HEADER_SEARCH_ROWS + 1:
                raise TableError(_too_many_rows(limits))
            if sheet.width > limits.max_columns:
                raise TableError(_too_many_columns(sheet.width, limits))
            values = sheet.to_python(skip_empty_area=False)
            records = [list(map(_cell_text, record)) for record in values]
            if chosen is None and any(any(cell.strip() for cell in r) for r in records):
                chosen = (candidate, records)
            if looks_like_header and _header_index(records, looks_like_header) is not None:
                chosen = (candidate, records)
                break
    except TableError:
        raise
    except (CalamineError, Exception) as error:  # the parser's own errors, whatever their type
        raise TableError(
            "This Excel file is damaged or not a workbook we can read: save it again from "
            "Excel as 'Excel Workbook (.xlsx)'."
        ) from error
    if chosen is None:
        raise TableError("The workbook's sheets are empty: there are no rows to import.")
    table = _table_from_records(chosen[1], "xlsx", limits, looks_like_header)
    table.sheet_name = chosen[0]
    table.sheet_names = worksheets
    return table


def _too_many_rows(limits: TableLimits) -> str:
    return (
        f"The file has more than {limits.max_rows:,} rows; split it into files of at most "
        f"{limits.max_rows:,} rows."
    )


def _too_many_columns(count: int, limits: TableLimits) -> str:
    return (
        f"The file has {count} columns; at most {limits.max_columns} are accepted. Remove the "
        "columns you do not need."
    )


def _header_index(
    records: list[list[str]], looks_like_header: Callable[[Sequence[str]], bool]
) -> int | None:
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        if looks_like_header(record):
            return index
    return None


def _table_from_records(
    records: list[list[str]],
    file_format: str,
    limits: TableLimits,
    looks_like_header: Callable[[Sequence[str]], bool] | None,
    *,
    encoding: str = "",
) -> Table:
    first_non_empty = next(
        (index for index, record in enumerate(records) if not _is_blank(record)), None
    )
    if first_non_empty is None:
        raise TableError("The file is empty: there is no header row and no data.")
    header_at = None
    if looks_like_header is not None:
        header_at = _header_index(records, looks_like_header)
    if header_at is None:
        header_at = first_non_empty
    raw_headers = [cell.strip() for cell in records[header_at]]
    data_records = records[header_at + 1 :]
    if len(data_records) > limits.max_rows:
        raise TableError(_too_many_rows(limits))
    # Trailing columns with no header and no data are dropped; any other unnamed column is named
    # by its letter so a person can map it.
    used = len(raw_headers)
    while used > 0 and not raw_headers[used - 1]:
        used -= 1
    for record in data_records:
        last = len(record)
        while last > used and not record[last - 1].strip():
            last -= 1
        used = max(used, last)
    if used > limits.max_columns:
        raise TableError(_too_many_columns(used, limits))
    headers = [
        (raw_headers[index] if index < len(raw_headers) else "")
        or f"Column {column_letter(index)} (no heading)"
        for index in range(used)
    ]
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header.casefold()
        if key in seen:
            raise TableError(
                f"Two columns are headed '{header[:60]}' (columns {column_letter(seen[key])} and "
                f"{column_letter(index)}): rename or remove one."
            )
        seen[key] = index
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    for offset, record in enumerate(data_records):
        if _is_blank(record):
            continue
        if len(record) != used:
            record = record[:used] + [""] * (used - len(record))
        rows.append(record)
        row_numbers.append(header_at + offset + 2)
    return Table(
        headers=headers,
        rows=rows,
        row_numbers=row_numbers,
        file_format=file_format,
        encoding=encoding,
    )


def _is_blank(record: list[str]) -> bool:
    """True when no cell of the record holds anything but spaces."""
    return not "".join(record).strip()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
