"""CPD attendance certificates (PDF) for people checked in at a CPD event.

The certificate names the person, the event, its date, its hours (the event's length, to the
quarter hour) and its organiser. It is written with fpdf2's built-in Helvetica, which holds
Latin-1 only: every other character is replaced (accents dropped where that leaves a Latin-1
letter, otherwise "?"), invisible formatting characters such as right-to-left overrides are
removed, and long text is cut, so no name can break the page or the file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from fpdf import FPDF

from widen.core.exceptions import ApplicationError
from widen.core.latin1 import TYPOGRAPHIC_PUNCTUATION
from widen.events.models import Booking, BookingStatus, EventKind

NAME_MAX = 160
TITLE_MAX = 200
NOT_CPD = "Certificates are for CPD events; {title} is not one."
NOT_CHECKED_IN = (
    "The certificate is available once you have been checked in at the event. "
    "If you attended, ask the organisers to check you in."
)


PUNCTUATION = str.maketrans(TYPOGRAPHIC_PUNCTUATION)


def printable(text: str, *, maximum: int) -> str:
    """`text` as Helvetica can print it: Latin-1, no control or formatting characters, one line,
    at most `maximum` characters."""
    kept: list[str] = []
    for character in unicodedata.normalize("NFC", text).translate(PUNCTUATION):
        category = unicodedata.category(character)
        if category in {"Cc", "Cf", "Cs", "Co", "Cn"} or character in "\u2028\u2029":
            kept.append(" " if character in "\t\n\r\u2028\u2029" else "")
            continue
        if ord(character) < 256:
            kept.append(character)
            continue
        plain = "".join(
            part
            for part in unicodedata.normalize("NFKD", character)
            if not unicodedata.combining(part)
        )
        kept.append(plain if plain and all(ord(part) < 256 for part in plain) else "?")
    cleaned = " ".join("".join(kept).split())
    if len(cleaned) > maximum:
        cleaned = cleaned[: maximum - 3].rstrip() + "..."
    return cleaned


def event_hours(booking: Booking) -> Decimal:
    """The event's length in hours, to the quarter hour."""
    seconds = (booking.event.ends_at - booking.event.starts_at).total_seconds()
    quarters = (Decimal(seconds) / Decimal(900)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return quarters * Decimal("0.25")


def hours_text(hours: Decimal) -> str:
    text = f"{hours.normalize():f}"
    return f"{text} hour" if hours == 1 else f"{text} hours"


def certificate_refusal(booking: Booking) -> str | None:
    """Why this booking has no certificate (in words for its holder), or None if it has one."""
    event = booking.event
    if event.kind != EventKind.CPD:
        return NOT_CPD.format(title=event.title)
    if booking.status != BookingStatus.BOOKED or booking.checked_in_at is None:
        return NOT_CHECKED_IN
    return None


@dataclass(frozen=True)
class Certificate:
    filename: str
    content: bytes


def certificate_pdf(booking: Booking) -> Certificate:
    """The attendance certificate for a checked-in booking at a CPD event."""
    refusal = certificate_refusal(booking)
    if refusal is not None:
        raise ApplicationError(refusal)
    event = booking.event
    name = printable(booking.name, maximum=NAME_MAX) or "Attendee"
    title = printable(event.title, maximum=TITLE_MAX) or "CPD event"
    organiser = printable(event.organiser.name, maximum=TITLE_MAX)
    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    if starts.date() == ends.date():
        when = f"{starts:%A} {starts.day} {starts:%B %Y}"
    else:
        when = f"{starts.day} {starts:%B %Y} to {ends.day} {ends:%B %Y}"
    hours = hours_text(event_hours(booking))

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"CPD attendance certificate: {title}")
    pdf.set_author(organiser)
    pdf.set_creator("Widen")
    pdf.set_lang("en-GB")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_margins(25, 25, 25)
    width = pdf.w - 50
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.5)
    pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
    pdf.set_y(32)
    pdf.set_font("Helvetica", "B", 28)
    pdf.cell(width, 14, "Certificate of attendance", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(
        width,
        10,
        "Continuing professional development (CPD)",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(width, 8, "This is to certify that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(width, 11, name, align="C", new_x="LMARGIN", new_y="NEXT", max_line_height=11)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(width, 9, "attended", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 13)
    for line in (f"on {when}", f"CPD hours: {hours}", f"Organised by {organiser}"):
        pdf.multi_cell(width, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.h - 32)
    pdf.set_font("Helvetica", "", 9)
    checked_in = timezone.localtime(booking.checked_in_at) if booking.checked_in_at else starts
    pdf.cell(
        width,
        6,
        f"Attendance recorded at check-in on {checked_in:%d/%m/%Y} at {checked_in:%H:%M}. "
        f"Certificate reference {booking.pk}.",
        align="C",
    )
    safe_title = "".join(c if c.isascii() and c.isalnum() else "-" for c in title.lower())
    filename = "-".join(part for part in safe_title.split("-") if part)[:60] or "cpd"
    return Certificate(filename=f"certificate-{filename}.pdf", content=bytes(pdf.output()))
