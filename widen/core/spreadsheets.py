"""Cells written to files people open in a spreadsheet (SECURITY 18)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# A spreadsheet treats a cell starting with one of these as a formula (or strips it and then
# does); the full-width forms are folded to these by some programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")


def safe_cell(value: object) -> str:
    """The text of `value`, with a `'` in front if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
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
                cell = WriteOnlyCell(sheet, value=_xlsx_text(safe_cell(value)))
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_text(text: str) -> str:
    # XML cannot hold most control characters; show them rather than fail to write the file.
    return _XML_ILLEGAL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)[:32767]


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")
