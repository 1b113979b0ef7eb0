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
