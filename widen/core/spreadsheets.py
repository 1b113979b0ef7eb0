"""Cells written to files people open in a spreadsheet (SECURITY 18)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal

# A spreadsheet treats a cell starting with one of these as a formula (or strips it and then
# does). Compared after NFKC folding, so the full-width and small forms (＝ ＋ － ＠ ﹦ …) that some
# programs fold to these count too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# Characters a spreadsheet (or a person pasting) may drop from the front of a cell, leaving a
# formula behind: spaces of every kind, quotes, and the control characters above.
_DROPPED_IN_FRONT = (
    " \t\r\n\0\x0b\x0c\"'\u00a0\u2000\u2001\u2002\u2003\u2007\u2009\u202f\u3000\ufeff"
)


def safe_cell(value: object) -> str:
    """The text of `value`, with a `'` in front if a spreadsheet could read it as a formula.

    Neutralised: a cell starting with = + - @, a tab, carriage return, line feed or NUL, the
    full-width forms of these, and any of them behind leading spaces or quotes (`" =1+1"`,
    `'"=1+1'`, `"\n@SUM(A1)"`). Numbers are numbers: `-3` is written as it is.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    head = unicodedata.normalize("NFKC", text[:64])
    if head.startswith(FORMULA_TRIGGERS) or head.lstrip(_DROPPED_IN_FRONT).startswith(
        FORMULA_TRIGGERS[:4]
    ):
        return "'" + text
    return text


def csv_download(rows: Iterable[Sequence[object]]) -> bytes:
    """RFC 4180 CSV (UTF-8 with a BOM, so Excel reads accents), every cell made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_download(
    sheets: Iterable[tuple[str, Iterable[Sequence[object]]]],
) -> bytes:
    """An XLSX workbook of text cells (never formulae), one sheet per (name, rows)."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name[:31])
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=xlsx_text(safe_cell(value)))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_text(text: str) -> str:
    """`text` as an XLSX cell can hold it: XML cannot hold most control characters, so they are
    shown (as `\\x01`) rather than fail to write the file; at most 32,767 characters."""
    return _XML_ILLEGAL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)[:32767]


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")
