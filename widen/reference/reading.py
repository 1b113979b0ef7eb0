"""Reading official open-data files as their publishers ship them, into Polars.

CSV (UTF-8 or Windows-1252, as GIAS publishes), gzip-compressed CSV, zip archives holding CSV
(ONSPD, Code-Point Open), Excel and OpenDocument workbooks (IoD2019 File 3, SIMD, WIMD) and
Parquet. Every cell is read as text; each dataset checks and converts its own columns. Headings
are matched without case, spaces, punctuation or "(where 1 is most deprived)" notes, so the
published names and the snake_case names of common re-packagings both work.

A file that cannot be read raises `DatasetError` saying why and, where it can, on which line.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import polars as pl

from widen.core.spreadsheet_guard import SheetLimits, WorkbookTooBigError, check_workbook

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
HEADER_SEARCH_ROWS = 10
MAX_UNCOMPRESSED_BYTES = 8 * 1024**3  # the largest ONSPD CSV is about 1.4 GB
# Workbooks are measured before they are read: the reader builds each sheet as a full grid, so
# one far-off cell in a small file would take all the memory there is. The published workbooks
# (IoD2019 File 3: 32,844 rows; SIMD, WIMD) are far inside these.
WORKBOOK_LIMITS = SheetLimits(
    max_rows=1_048_576,
    max_columns=1_000,
    max_cells=10_000_000,
    max_zip_entries=1_000,
    max_uncompressed_bytes=1024**3,
    advice="Is it the right file? Save the sheet with the data as CSV and load that.",
)


class DatasetError(Exception):
    """The file cannot be loaded; the message says why and what to do."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join([self.message, *self.problems])


def heading_key(heading: str) -> str:
    """A heading without case, punctuation or a publisher's '(where 1 is ...)' note."""
    without_notes = re.sub(r"\(where[^)]*\)", "", heading.casefold())
    return re.sub(r"[^a-z0-9]", "", without_notes)


@dataclass(frozen=True)
class Layout:
    """What a dataset's file must look like: the headings of each column it needs."""

    required: dict[str, tuple[str, ...]]  # column → accepted headings (first match wins)
    optional: dict[str, tuple[str, ...]]
    # The column names of a file published without a header row (Code-Point Open).
    headerless: tuple[str, ...] = ()

    def match(self, headings: Sequence[str]) -> dict[str, str] | None:
        """Column → heading in the file, when every required column is there."""
        by_key: dict[str, str] = {}
        for heading in headings:
            by_key.setdefault(heading_key(str(heading)), str(heading))
        found: dict[str, str] = {}
        for column, accepted in (*self.required.items(), *self.optional.items()):
            for candidate in accepted:
                if heading_key(candidate) in by_key:
                    found[column] = by_key[heading_key(candidate)]
                    break
        if all(column in found for column in self.required):
            return found
        return None

    def missing(self, headings: Sequence[str]) -> list[str]:
        keys = {heading_key(str(heading)) for heading in headings}
        return [
            accepted[0]
            for accepted in self.required.values()
            if not any(heading_key(candidate) in keys for candidate in accepted)
        ]


@dataclass
class SourceTable:
    """The columns a dataset needs, as text, and how to name a row in an error message."""

    frame: pl.DataFrame  # one column per Layout column found, all Utf8; row order as in the file
    first_line: int  # the file line (or sheet row) of the frame's first row
    unit: str  # "line" or "row"
    where: str  # "" or " of sheet 'X'" / " of Data/CSV/ab.csv"
    headings: dict[str, str] = field(default_factory=dict)  # column → the file's heading

    def place(self, index: int) -> str:
        return f"{self.unit} {self.first_line + index:,}{self.where}"


def read_source(content: bytes, file_name: str, layout: Layout) -> SourceTable:
    """Read the part of a file (sheet, archive member, header row) that has `layout`'s columns."""
    if not content:
        raise DatasetError("The file is empty.")
    suffix = "".join(PurePath(file_name).suffixes[-2:]).lower()
    if content.startswith(GZIP_MAGIC):
        content = _gunzip(content)
        suffix = suffix.removesuffix(".gz")
    if content.startswith(PARQUET_MAGIC):
        return _read_parquet(content, layout)
    if content.startswith(ZIP_MAGIC):
        if suffix.endswith((".xlsx", ".ods")) or _is_workbook(content):
            return _read_workbook(content, layout)
        return _read_zip(content, layout)
    if suffix.endswith((".xls", ".xlsx", ".ods")):
        raise DatasetError(
            "This workbook is not in a format that can be read (.xls is not supported): save "
            "it as .xlsx or CSV."
        )
    return _read_csv(content, layout)


def _gunzip(content: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as unpacked:
            data = unpacked.read(MAX_UNCOMPRESSED_BYTES + 1)
    except (EOFError, OSError, zlib.error) as error:
        raise DatasetError(
            f"The compressed file is damaged or incomplete ({error}): download it again."
        ) from error
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise DatasetError("The compressed file unpacks to more than 8 GB: it is not accepted.")
    return data


def _text(content: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes of the file, which may have been published in Windows-1252."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252").encode("utf-8"), "Windows-1252"
        except UnicodeDecodeError as error:
            raise DatasetError(
                f"The file is not text in UTF-8 or Windows-1252 (byte {error.start:,} cannot be "
                "read): is it the right file?"
            ) from error
    return content, "UTF-8"


def _first_records(text: bytes, count: int) -> list[list[str]]:
    head = text[: 1024 * 1024].decode("utf-8", errors="replace")
    lines = head.splitlines()[:count]
    return list(csv.reader(lines))


def _read_csv(content: bytes, layout: Layout, where: str = "") -> SourceTable:
    text, _encoding = _text(content)
    records = _first_records(text, HEADER_SEARCH_ROWS)
    if not records or not any(any(cell.strip() for cell in record) for record in records):
        raise DatasetError(f"The file{where} is empty.")
    header_at = next(
        (index for index, record in enumerate(records) if layout.match(record) is not None),
        None,
    )
    if header_at is None:
        if layout.headerless and len(records[0]) == len(layout.headerless):
            return _csv_frame(text, layout, list(layout.headerless), 0, where, has_header=False)
        raise DatasetError(
            f"The file{where} does not have the columns this dataset needs: missing "
            + ", ".join(f"'{name}'" for name in layout.missing(records[0]))
            + ". Is it the right file for this dataset?"
        )
    return _csv_frame(text, layout, records[header_at], header_at, where, has_header=True)


def _csv_frame(
    text: bytes,
    layout: Layout,
    headings: list[str],
    header_at: int,
    where: str,
    *,
    has_header: bool,
) -> SourceTable:
    found = layout.match(headings)
    assert found is not None
    try:
        frame = pl.read_csv(
            io.BytesIO(text),
            has_header=has_header,
            new_columns=None if has_header else headings,
            skip_rows=header_at,
            infer_schema=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as error:
        raise DatasetError(_csv_fault(text, len(headings), header_at, where, error)) from error
    first_line = header_at + (2 if has_header else 1)
    _check_last_row(text, len(headings), first_line + frame.height - 1, where)
    frame = frame.select(
        pl.col(heading).fill_null("").alias(column) for column, heading in found.items()
    )
    return SourceTable(frame=frame, first_line=first_line, unit="line", where=where, headings=found)


def _check_last_row(text: bytes, width: int, line: int, where: str) -> None:
    """A download cut short usually ends mid-row: the last row then has too few fields."""
    tail = text[-65_536:].decode("utf-8", errors="replace").rstrip("\r\n")
    last = tail.rsplit("\n", 1)[-1]
    if not last.strip() or last.count('"') % 2:
        return  # a quoted field spanning lines: leave it to the row checks
    fields = next(csv.reader([last]), [])
    if len(fields) < width:
        raise DatasetError(
            f"Line {line:,}{where} has {len(fields)} fields but the header has {width}: the "
            "file ends in the middle of a row. Is the download complete?"
        )


def _csv_fault(text: bytes, width: int, header_at: int, where: str, error: Exception) -> str:
    """Find the line Polars could not read (only on the way to an error, so a slow scan is fine)."""
    reader = csv.reader(io.StringIO(text.decode("utf-8", errors="replace"), newline=""))
    try:
        for record in reader:
            if reader.line_num > header_at + 1 and len(record) > width:
                return (
                    f"Line {reader.line_num:,}{where} has {len(record)} fields but the header has "
                    f"{width}: the file is damaged (a comma or quotation mark out of place)."
                )
    except csv.Error as csv_error:
        return f"Line {reader.line_num:,}{where} cannot be read as CSV ({csv_error})."
    return f"The file{where} cannot be read as CSV ({str(error).splitlines()[0]})."


def _read_parquet(content: bytes, layout: Layout) -> SourceTable:
    try:
        frame = pl.read_parquet(io.BytesIO(content))
    except (pl.exceptions.PolarsError, OSError) as error:
        raise DatasetError(f"The Parquet file is damaged or incomplete ({error}).") from error
    found = layout.match(frame.columns)
    if found is None:
        raise DatasetError(
            "The file does not have the columns this dataset needs: missing "
            + ", ".join(f"'{name}'" for name in layout.missing(frame.columns))
            + "."
        )
    frame = frame.select(
        pl.col(heading).cast(pl.Utf8).fill_null("").alias(column)
        for column, heading in found.items()
    )
    return SourceTable(frame=frame, first_line=1, unit="row", where="", headings=found)


def _is_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names or "content.xml" in names


def _read_zip(content: bytes, layout: Layout) -> SourceTable:
    """The CSV files in an archive: the one with the dataset's columns, or (Code-Point Open)
    every headerless CSV under Data/, one after another."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise DatasetError("The zip file is damaged or incomplete: download it again.") from error
    with archive:
        members = [
            info
            for info in archive.infolist()
            if info.filename.lower().endswith(".csv") and not info.is_dir()
        ]
        if sum(info.file_size for info in members) > MAX_UNCOMPRESSED_BYTES:
            raise DatasetError("The zip file unpacks to more than 8 GB: it is not accepted.")
        tables: list[SourceTable] = []
        problems: list[str] = []
        for info in sorted(members, key=lambda info: -info.file_size):
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise DatasetError(
                    f"{info.filename} in the zip file is damaged or incomplete: download it again."
                ) from error
            try:
                table = _read_csv(data, layout, where=f" of {info.filename}")
            except DatasetError as error:
                problems.append(error.message)
                continue
            if not layout.headerless:
                return table
            tables.append(table)
    if not tables:
        raise DatasetError(
            "No CSV file in the zip has the columns this dataset needs.", problems[:5]
        )
    frame = pl.concat([table.frame for table in tables])
    return SourceTable(
        frame=frame,
        first_line=1,
        unit="row",
        where=" of the zip's CSV files",
        headings=tables[0].headings,
    )


def _read_workbook(content: bytes, layout: Layout) -> SourceTable:
    from python_calamine import CalamineError, CalamineWorkbook  # noqa: PLC0415

    try:
        check_workbook(content, WORKBOOK_LIMITS)
    except WorkbookTooBigError as error:
        raise DatasetError(error.message) from error
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = list(workbook.sheet_names)
        for name in names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for index, record in enumerate(rows[:HEADER_SEARCH_ROWS]):
                headings = [_cell(value) for value in record]
                found = layout.match(headings)
                if found is None:
                    continue
                positions = {heading: headings.index(heading) for heading in found.values()}
                body = rows[index + 1 :]
                frame = pl.DataFrame(
                    {
                        column: [
                            _cell(row[positions[heading]]) if positions[heading] < len(row) else ""
                            for row in body
                        ]
                        for column, heading in found.items()
                    },
                    schema=dict.fromkeys(found, pl.Utf8),
                )
                return SourceTable(
                    frame=frame,
                    first_line=index + 2,
                    unit="row",
                    where=f" of sheet '{name}'",
                    headings=found,
                )
    except (CalamineError, Exception) as error:  # the reader's own errors, whatever their type
        if isinstance(error, DatasetError):
            raise
        raise DatasetError(
            "The workbook is damaged or cannot be read: save it again as .xlsx or CSV."
        ) from error
    raise DatasetError(
        "No sheet of the workbook ("
        + ", ".join(f"'{name}'" for name in names)
        + ") has the columns this dataset needs."
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
