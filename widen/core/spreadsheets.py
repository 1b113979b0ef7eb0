"""Cells written to files people open in a spreadsheet (SECURITY 18)."""

from __future__ import annotations

# A spreadsheet treats a cell starting with one of these as a formula (or strips it and then
# does); the full-width forms are folded to these by some programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")


def safe_cell(value: object) -> str:
    """The text of `value`, with a `'` in front if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
