"""Text for the PDFs Widen writes with fpdf2's built-in fonts, which hold Latin-1 only."""

from __future__ import annotations

# Punctuation that word processors put in names, titles and answers, as Latin-1 has it.
TYPOGRAPHIC_PUNCTUATION = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
}

_PUNCTUATION = str.maketrans(TYPOGRAPHIC_PUNCTUATION)


def latin1(text: str) -> str:
    """`text` as the built-in fonts can print it: typographic punctuation made plain, and any other
    character outside Latin-1 shown as '?'."""
    return text.translate(_PUNCTUATION).encode("latin-1", "replace").decode("latin-1")
