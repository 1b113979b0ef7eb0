"""Award letters (PDF): what a student is awarded, when each instalment is paid and on what
condition.

The letter names the student, the provider, the award and its academic year, the amount, the
schedule (each instalment's day, amount and, once decided, what became of it) and the condition
("each instalment is paid if you are enrolled on its date"). It is written with fpdf2's built-in
Helvetica, which holds Latin-1 only: other characters are made plain or shown as "?", control
and formatting characters are dropped and long text is cut, so no name can break the letter.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.utils import timezone
from fpdf import FPDF

from widen.core.latin1 import latin1
from widen.payments.money import pounds
from widen.support.models import Award, AwardStatus, Instalment, InstalmentStatus
from widen.support.selectors.awards import income_band_label
from widen.support.services.awards import CONDITIONS

NAME_MAX = 160
TEXT_MAX = 1_500


def printable(text: str, *, maximum: int) -> str:
    """`text` as Helvetica prints it: Latin-1, no control or formatting characters, at most
    `maximum` characters, on one line."""
    kept = []
    for character in unicodedata.normalize("NFC", text or ""):
        category = unicodedata.category(character)
        if category in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}:
            kept.append(" " if character in "\t\n\r\u2028\u2029" else "")
        elif ord(character) < 256:
            kept.append(character)
        else:
            plain = "".join(
                part
                for part in unicodedata.normalize("NFKD", character)
                if not unicodedata.combining(part)
            )
            kept.append(plain if plain and all(ord(part) < 256 for part in plain) else character)
    cleaned = " ".join(latin1("".join(kept)).split())
    if len(cleaned) > maximum:
        cleaned = cleaned[: maximum - 3].rstrip() + "..."
    return cleaned


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _what_became(instalment: Instalment) -> str:
    if instalment.status == InstalmentStatus.PAID and instalment.paid_on:
        return f"Paid on {_day(instalment.paid_on)}"
    if instalment.status == InstalmentStatus.HELD:
        return f"Held: {instalment.held_reason}"
    if instalment.status == InstalmentStatus.SCHEDULED:
        return "To be paid on its date"
    return instalment.get_status_display()


def _opening(award: Award) -> str:
    scheme = award.award_scheme
    amount = pounds(award.amount_pence)
    if award.status == AwardStatus.OFFERED:
        return (
            f"We are pleased to offer you {scheme.name} for {scheme.academic_year}: {amount}. "
            "To accept it, sign in to Widen and choose Accept on your awards page."
        )
    if award.status == AwardStatus.STOPPED:
        return (
            f"Your {scheme.name} for {scheme.academic_year} ({amount}) has been stopped: "
            f"{award.stopped_reason}"
        )
    if award.status == AwardStatus.DECLINED:
        return f"You declined {scheme.name} for {scheme.academic_year} ({amount})."
    return f"You have been awarded {scheme.name} for {scheme.academic_year}: {amount}."


def award_letter_pdf(award: Award) -> bytes:
    """The award letter for `award` (whoever may see the award may have its letter)."""
    scheme = award.award_scheme
    student = award.student
    provider = printable(scheme.organisation.name, maximum=NAME_MAX)
    name = printable(student.display_name, maximum=NAME_MAX) or "Student"
    instalments = list(award.instalments.order_by("number"))
    today = timezone.localdate()

    pdf = FPDF(format="A4")
    pdf.set_title(printable(f"Award letter: {scheme.name} {scheme.academic_year}", maximum=200))
    pdf.set_author(provider)
    pdf.set_creator("Widen")
    pdf.set_lang("en-GB")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - 40

    def line(text: str, *, size: int = 11, style: str = "", height: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(
            width, height, printable(text, maximum=TEXT_MAX), new_x="LMARGIN", new_y="NEXT"
        )

    line(provider, size=14, style="B", height=8)
    line(_day(today))
    pdf.ln(4)
    line(name, style="B")
    line(f"Student number {printable(student.student_number, maximum=40)}")
    pdf.ln(6)
    line(f"{scheme.name} {scheme.academic_year}", size=16, style="B", height=9)
    pdf.ln(2)
    line(f"Dear {name},")
    pdf.ln(2)
    line(_opening(award))
    if scheme.purpose:
        pdf.ln(2)
        line(scheme.purpose)
    pdf.ln(4)
    line(f"Amount: {pounds(award.amount_pence)}", style="B")
    if award.income_band:
        line(f"Worked out from your household income: {income_band_label(award)}")
    pdf.ln(4)
    line("When it is paid", size=13, style="B", height=8)
    pdf.set_font("Helvetica", "B", 11)
    columns = (width * 0.16, width * 0.28, width * 0.2, width * 0.36)
    for text, column in zip(("Instalment", "Date", "Amount", "Status"), columns, strict=True):
        pdf.cell(column, 8, text, border="B")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 11)
    for instalment in instalments:
        cells = (
            str(instalment.number),
            _day(instalment.due_on),
            pounds(instalment.amount_pence),
            printable(_what_became(instalment), maximum=60),
        )
        for text, column in zip(cells, columns, strict=True):
            pdf.cell(column, 7, text)
        pdf.ln(7)
    pdf.ln(4)
    line("Conditions", size=13, style="B", height=8)
    line(CONDITIONS)
    line(
        "If you interrupt or withdraw from your studies, instalments that fall due while you "
        "are not enrolled are held, not paid; they are paid if you return. Payments go to the "
        "bank account you give in Widen."
    )
    pdf.ln(4)
    line(f"If you have a question about your award, contact {provider}.")
    pdf.set_y(pdf.h - 20)
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(width, 5, f"Award reference {award.pk}", align="C")
    return bytes(pdf.output())


def award_letter_filename(award: Award) -> str:
    scheme = award.award_scheme
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in scheme.name.lower())
    stem = "-".join(part for part in safe.split("-") if part)[:50] or "award"
    year = scheme.academic_year.replace("/", "-")
    return f"award-letter-{stem}-{year}.pdf"
