"""Pupil lists for the import benchmarks: SIMS exports as CSV and XLSX, made once per run.

The files come from `widen.testing.pupil_lists` (invented pupils with valid UPNs and real-format
postcodes, SIMS headings, every row valid). Each file is made once per run and kept in memory,
so the SQLite and PostgreSQL runs of a section import the very same bytes.

`reordered=True` gives the same pupils in another file: rows in reverse order and, for CSV, a
blank line at the end. Its bytes (and so its checksum) differ, so Widen does not refuse it as the
file already imported, and importing it after the first must change nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells, xlsx_bytes

HEADINGS = MIS_HEADINGS["SIMS"]
FORMATS = ("csv", "xlsx")


@functools.cache
def pupils(count: int, seed: int) -> tuple[dict[str, object], ...]:
    return tuple(pupil_rows(count, seed=seed))


def _ordered(count: int, seed: int, reordered: bool) -> Sequence[dict[str, object]]:
    rows = pupils(count, seed)
    return rows[::-1] if reordered else rows


@functools.cache
def pupil_file(file_format: str, count: int, seed: int, *, reordered: bool = False) -> bytes:
    """A SIMS export of `count` pupils as CSV or XLSX (dates as date cells)."""
    rows = _ordered(count, seed, reordered)
    if file_format == "csv":
        content = csv_bytes(table_cells(rows, HEADINGS))
        return content + b"\r\n" if reordered else content
    if file_format == "xlsx":
        return xlsx_bytes(rows, HEADINGS, dates_as="date")
    raise ValueError(f"Unknown file format {file_format!r}")


def file_name(file_format: str, count: int, *, reordered: bool = False) -> str:
    return f"sims-{count}{'-reordered' if reordered else ''}.{file_format}"
