"""Any text a person can write prints in the PDF: Latin-1 only, no control or formatting
characters, cut to length, and fpdf2 lays it out without failing."""

from __future__ import annotations

import io
import unicodedata

from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from widen.evaluation.reports.pdf import latin1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_becomes_printable_latin_1(text: str) -> None:
    printed = latin1(text, maximum=200)
    printed.encode("latin-1")  # raises if anything outside Latin-1 is left
    assert len(printed) <= 200
    assert not any(
        unicodedata.category(character) in {"Cc", "Cf"} and character != "\n"
        for character in printed
    )


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_fpdf_lays_out_any_answer(text: str) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pages = PdfReader(io.BytesIO(bytes(pdf.output()))).pages
    assert len(pages) >= 1


def test_typographic_punctuation_keeps_its_plain_form() -> None:
    assert (
        latin1("“Uni” – it’s great… café ≥ 5 \u202eevil") == '"Uni" - it\'s great... café >= 5 evil'
    )
    assert latin1("Łódź 😀") == "?ódz ?"  # ó is Latin-1; ź loses its accent; Ł has none to lose
