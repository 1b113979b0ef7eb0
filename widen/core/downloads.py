"""Every file a person downloads: one response for CSV and XLSX tables, one for other files.

A table download (`table_download`)

* is **formula-safe**: every cell goes through `safe_cell` (SECURITY 18), in CSV and XLSX alike;
* is **pseudonymised unless the person may see identities**: columns marked `identity=True`
  are left out of the file unless the caller passes `identities=True`, which it takes from its
  policy (say `learner_policy.may_see_any(actor, needing=DataCategory.IDENTITY)`), never from
  the role;
* is **access-logged**: `access_log` is required. It is a function the download calls once,
  before the first byte is sent and inside the request's transaction (a download that cannot
  be logged is not sent), or `NO_PERSONAL_DATA` for a table of counts that names nobody. While
  it runs, `request_context.current().exporting` is true, so the entries it writes are marked
  as an export (repeated exports are watched for: `widen watch run`);
* **streams**: CSV is written a chunk of rows at a time, XLSX through a temporary file, so a
  large export never sits in memory as one string;
* carries a **safe file name** in a `Content-Disposition` built as RFC 6266 says: an ASCII
  `filename=` for every browser and, for a name with other letters, `filename*=UTF-8''…`.

`file_download` gives other files (PDF, HTML, calendar) the same file name and log rules.
This module stays at the bottom of the layers: it knows nothing of learners or the access log's
tables; callers pass what to log (`widen.audit.services`).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Final
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from widen.core import request_context
from widen.core.spreadsheets import safe_cell, xlsx_text

CSV: Final = "csv"
XLSX: Final = "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FILE_NAME = 120
ROWS_PER_CHUNK = 500


class _NoPersonalData:
    """The `access_log` of a table that names nobody (counts, schools, rule sets)."""

    def __repr__(self) -> str:
        return "NO_PERSONAL_DATA"


NO_PERSONAL_DATA: Final = _NoPersonalData()
AccessLog = Callable[[], object] | _NoPersonalData


@dataclass(frozen=True)
class Column:
    """A column of a table download. `identity` marks a column that identifies a person (name,
    date of birth, UPN, e-mail): left out of the file for someone who may not see identities."""

    heading: str
    identity: bool = False


@dataclass(frozen=True)
class Sheet:
    """A further sheet of an XLSX download (say, guidance beside a template)."""

    name: str
    columns: Sequence[Column | str]
    rows: Iterable[Sequence[object]]


# --- File names ---------------------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|;]+')
_SPACES = re.compile(r"\s+")


def safe_file_name(name: str, *, extension: str = "", fallback: str = "download") -> str:
    """`name` fit to be a downloaded file's name on any system: no folders (`../`), control
    characters, quotes or characters Windows refuses; no leading dots; at most
    `MAX_FILE_NAME` characters, keeping `extension` (given without the dot) at the end."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C")
    text = _UNSAFE_IN_NAME.sub("-", text)
    text = _SPACES.sub(" ", text).strip(" .-")
    suffix = f".{extension.lstrip('.').lower()}" if extension else ""
    if suffix and text.lower().endswith(suffix):
        text = text[: -len(suffix)].rstrip(" .-")
    text = text[: MAX_FILE_NAME - len(suffix)].rstrip(" .-") or fallback
    return text + suffix


def content_disposition(file_name: str, *, inline: bool = False) -> str:
    """The `Content-Disposition` header for `file_name` (already made safe), as RFC 6266 and
    RFC 8187 say: an ASCII `filename` every browser reads, and `filename*` in UTF-8 when the
    name holds any other letter."""
    kind = "inline" if inline else "attachment"
    ascii_name = "".join(
        char if char.isascii() else "-"
        for char in unicodedata.normalize("NFKD", file_name)
        if not unicodedata.combining(char)
    )
    ascii_name = re.sub(r"-{2,}", "-", _UNSAFE_IN_NAME.sub("-", ascii_name)).strip(" .-")
    ascii_name = ascii_name or "download"
    if "." in file_name and "." not in ascii_name:
        ascii_name += file_name[file_name.rindex(".") :]
    header = f'{kind}; filename="{ascii_name}"'
    if ascii_name != file_name:
        header += f"; filename*=UTF-8''{quote(file_name, safe='')}"
    return header


# --- Tables -------------------------------------------------------------------------------------


def _columns(columns: Sequence[Column | str]) -> list[Column]:
    return [column if isinstance(column, Column) else Column(column) for column in columns]


def _kept(columns: list[Column], identities: bool) -> list[int] | None:
    """The indexes of the columns written, or None for all of them."""
    if identities or not any(column.identity for column in columns):
        return None
    return [index for index, column in enumerate(columns) if not column.identity]


def _table_rows(
    columns: Sequence[Column | str], rows: Iterable[Sequence[object]], identities: bool
) -> Iterator[list[str]]:
    """The header and rows as the file holds them: identity columns left out unless
    `identities`, every cell formula-safe."""
    described = _columns(columns)
    kept = _kept(described, identities)
    headings: list[object] = [column.heading for column in described]
    for row in _with_header(headings, rows):
        cells = row if kept is None else [row[index] for index in kept]
        yield [safe_cell(value) for value in cells]


def _with_header(
    headings: list[object], rows: Iterable[Sequence[object]]
) -> Iterator[Sequence[object]]:
    yield headings
    yield from rows


def table_cells(
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[object]],
    *,
    identities: bool = False,
) -> Iterator[list[str]]:
    """The header and rows a table download writes (for a command writing the same file)."""
    return _table_rows(columns, rows, identities)


def _csv_chunks(cells: Iterator[list[str]]) -> Iterator[bytes]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    yield "\ufeff".encode()  # a BOM, so Excel reads accents
    for written, row in enumerate(cells, start=1):
        writer.writerow(row)
        if written % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def csv_bytes(
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[object]],
    *,
    identities: bool = False,
) -> bytes:
    """The CSV a table download sends, as bytes (for a command writing it to a file)."""
    return b"".join(_csv_chunks(_table_rows(columns, rows, identities)))


def _xlsx_file(sheets: list[tuple[str, Iterator[list[str]]]]) -> IO[bytes]:
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    for name, cells in sheets:
        sheet = workbook.create_sheet(_sheet_title(name))
        for row in cells:
            written = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=xlsx_text(value))
                cell.data_type = "s"  # text, never a formula or a number read into a date
                written.append(cell)
            sheet.append(written)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1_048_576)  # noqa: SIM115 - the response closes it
    workbook.save(spool)
    spool.seek(0)
    return spool


_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _sheet_title(name: str) -> str:
    return (_SHEET_UNSAFE.sub("-", name).strip("'") or "Sheet")[:31]


def table_download(
    *,
    file_name: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[object]],
    access_log: AccessLog,
    identities: bool = False,
    file_format: str = CSV,
    sheet_name: str = "",
    more_sheets: Sequence[Sheet] = (),
) -> StreamingHttpResponse | FileResponse:
    """A table as a CSV or XLSX download (see the module's notes).

    `file_name` may be given with or without its extension; `rows` may be any iterable (a
    generator is read once, while the file is sent). `more_sheets` only in XLSX.
    """
    if file_format not in CONTENT_TYPES:
        raise ValueError(f"A table download is CSV or XLSX, not {file_format!r}.")
    if more_sheets and file_format != XLSX:
        raise ValueError("Only an XLSX download has more than one sheet.")
    _record(access_log)
    name = safe_file_name(file_name, extension=file_format)
    cells = _table_rows(columns, rows, identities)
    response: StreamingHttpResponse | FileResponse
    if file_format == CSV:
        response = StreamingHttpResponse(_csv_chunks(cells), content_type=CONTENT_TYPES[CSV])
    else:
        sheets = [(sheet_name or "Sheet1", cells)] + [
            (sheet.name, _table_rows(sheet.columns, sheet.rows, identities))
            for sheet in more_sheets
        ]
        response = FileResponse(_xlsx_file(sheets), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_download(
    content: bytes | str,
    *,
    file_name: str,
    content_type: str,
    access_log: AccessLog,
    inline: bool = False,
) -> HttpResponse:
    """Any other file (a PDF, an HTML report, a calendar entry): the same safe name, header and
    access log as a table download. `file_name` must carry its extension."""
    _record(access_log)
    extension = file_name.rsplit(".", 1)[1] if "." in file_name else ""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        safe_file_name(file_name, extension=extension), inline=inline
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _record(access_log: AccessLog) -> None:
    if isinstance(access_log, _NoPersonalData):
        return
    if not callable(access_log):
        raise TypeError("access_log is a function that writes the access log, or NO_PERSONAL_DATA.")
    with request_context.bind(exporting=True):  # the entries say they were for a download
        access_log()
