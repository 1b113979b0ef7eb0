"""The evaluation report as a PDF (fpdf2, pure Python): the same sections, figures and small-number
rule as the page, with the chart drawn as bars.

fpdf2's built-in Helvetica holds Latin-1 only, so text is printed as Latin-1: typographic
punctuation becomes its plain form, other letters lose their accents where that leaves a Latin-1
letter and become "?" otherwise, and control and formatting characters (say, right-to-left
overrides) are dropped, so no answer can break the page or the file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.utils import timezone
from fpdf import FPDF
from fpdf.fonts import FontFace

from widen.core.latin1 import TYPOGRAPHIC_PUNCTUATION
from widen.evaluation.reports import MATCHING_METHODS, NOT_SHOWN, EvaluationReport

PUNCTUATION = str.maketrans(
    {
        **TYPOGRAPHIC_PUNCTUATION,
        "\u2212": "-",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2192": "->",
    }
)
TEXT_MAX = 4000
BLUE = (29, 112, 184)
DARK = (11, 12, 12)


def latin1(text: object, *, maximum: int = TEXT_MAX) -> str:
    """`text` as Helvetica can print it (see the module's docstring), keeping line breaks."""
    kept: list[str] = []
    for character in unicodedata.normalize("NFC", str(text)).translate(PUNCTUATION):
        if character in "\r\n\u2028\u2029":
            kept.append("\n")
            continue
        if character == "\t":
            kept.append(" ")
            continue
        if unicodedata.category(character) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            continue
        if ord(character) < 256:  # noqa: PLR2004 - Latin-1
            kept.append(character)
            continue
        base = unicodedata.normalize("NFKD", character)[:1]
        kept.append(base if base and ord(base) < 256 else "?")  # noqa: PLR2004
    result = "".join(kept).replace("\n\n\n", "\n\n").strip()
    return result if len(result) <= maximum else result[: maximum - 3].rstrip() + "..."


class _Report(FPDF):
    title_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, latin1(f"{self.title_text} - page {self.page_no()}"), align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 8, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)


def _paragraph(pdf: FPDF, text: str, *, size: int = 10, style: str = "") -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)


def _table(pdf: FPDF, caption: str, rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    if pdf.will_page_break(6 + 10 * min(len(rows), 3)):
        pdf.add_page()  # keep the caption with its heading row and first rows
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.multi_cell(0, 6, latin1(caption), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    with pdf.table(
        col_widths=tuple(widths),
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD"),
        line_height=4.5,
    ) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(latin1(value, maximum=300))
    pdf.set_font("Helvetica", size=10)
    pdf.ln(2)


def _bars(pdf: FPDF, report: EvaluationReport) -> None:
    chart = report.chart
    if not chart.bars:
        return
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.multi_cell(0, 6, latin1(chart.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    label_width, area = 90.0, 80.0
    widest = max((bar.width for bar in chart.bars), default=0) or 1
    # The chart's own labels are cut for the page's SVG; the PDF has room for whole names.
    labels = [
        f"{phase}: {result.scale_name}"
        for result in report.results
        for phase in ("Before", "After")
    ]
    for bar, label in zip(chart.bars, labels, strict=False):
        if pdf.will_page_break(7):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width, 5, latin1(label, maximum=70))
        if bar.width:
            pdf.set_fill_color(*BLUE)
            pdf.rect(pdf.l_margin + label_width, y + 0.5, area * bar.width / widest, 4, style="F")
        pdf.set_xy(
            pdf.l_margin + label_width + (area * bar.width / widest if bar.width else 0) + 2, y
        )
        pdf.cell(30, 5, latin1(bar.value_text))
        pdf.set_y(y + 6)
    pdf.set_text_color(*DARK)
    pdf.ln(2)


def report_pdf(report: EvaluationReport, *, method: str) -> bytes:
    subject = report.subject
    pdf = _Report(orientation="landscape", format="A4")
    pdf.title_text = f"Evaluation report: {subject.name}"
    pdf.set_title(latin1(pdf.title_text, maximum=200))
    pdf.set_author("Widen")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.multi_cell(0, 9, latin1(pdf.title_text, maximum=300), new_x="LMARGIN", new_y="NEXT")
    _paragraph(
        pdf,
        f"{subject.kind.capitalize()} of {subject.partnership.name}. Made on "
        f"{timezone.localdate().day} {timezone.localdate():%B %Y}; comparison group by "
        f"{MATCHING_METHODS.get(method, MATCHING_METHODS['exact']).lower()}.",
    )

    _heading(pdf, "Standard of evidence")
    _paragraph(pdf, report.evidence.label, style="B", size=12)
    for reason in report.evidence.reasons:
        _paragraph(pdf, f"- {reason[:1].upper()}{reason[1:]}")

    _heading(pdf, "Who answered")
    _paragraph(
        pdf,
        f"Participants who answered a survey before or after: {report.participants_answered_text}",
    )
    if report.comparison is not None:
        _paragraph(
            pdf,
            f"Learners who answered but did not take part: {report.comparison.respondents_text}",
        )
    if report.attendance_note:
        _paragraph(pdf, report.attendance_note)
    for note in report.notes:
        _paragraph(pdf, note)
    _paragraph(
        pdf,
        f"Counts of fewer than {report.small_count} learners are shown as 'fewer than "
        f"{report.small_count}', and the figures worked out from them are not shown.",
        size=8,
    )

    _heading(pdf, "Change on each scale")
    if report.results:
        _bars(pdf, report)
        rows = [
            (
                "Scale",
                "Learners paired",
                "Mean before",
                "Mean after",
                "Mean change",
                "SD of change",
                "t",
                "p",
                "Effect size (d_z)",
                "95% CI of the change",
            )
        ]
        for result in report.results:
            cells = result.cells()
            rows.append(
                (
                    result.scale_name,
                    result.n_paired_text,
                    cells["before"],
                    cells["after"],
                    cells["change"],
                    cells["sd"],
                    cells["t"],
                    cells["p"],
                    cells["effect"],
                    cells["ci"],
                )
            )
        _table(pdf, "Change on each scale", rows, (60, 22, 20, 20, 20, 22, 16, 18, 24, 35))
        _paragraph(pdf, report.effect_size_explained, size=8)
        for result in report.results:
            _paragraph(pdf, result.scale_name, style="B")
            _paragraph(pdf, result.evidence.summary)
            for reason, count in result.dropped:
                who = "some learners (number not shown)" if count == NOT_SHOWN else count
                _paragraph(pdf, f"Left out: {who} {reason}", size=9)
    else:
        _paragraph(pdf, "No scale has been answered before or after yet.")

    _heading(pdf, "Comparison group")
    comparison = report.comparison
    if comparison is None:
        _paragraph(pdf, "No comparison group was surveyed.")
    else:
        _paragraph(pdf, comparison.method_text + ".")
        if comparison.note:
            _paragraph(pdf, comparison.note)
        _paragraph(
            pdf,
            f"Participants matched: {comparison.matched_text}; with no match: "
            f"{comparison.unmatched_text}.",
        )
        balance = comparison.balance()
        if balance:
            _table(
                pdf,
                "Balance after matching",
                [
                    (
                        "Characteristic",
                        "Participants matched",
                        "Comparison group",
                        "Std. difference before",
                        "Std. difference after",
                        "Balanced",
                    ),
                    *(
                        (
                            line.characteristic,
                            line.participants,
                            line.others,
                            line.smd_before,
                            line.smd_after,
                            "Yes" if line.balanced else "No",
                        )
                        for line in balance
                    ),
                ],
                (80, 35, 35, 35, 35, 25),
            )
        did_rows = [
            (
                "Scale",
                "Participants",
                "Comparison group",
                "Participants' change",
                "Comparison's change",
                "Difference-in-differences",
                "95% CI",
                "p",
            )
        ]
        for result in report.results:
            did = result.did_cells()
            if did is None:
                did_rows.append(
                    (
                        result.scale_name,
                        result.did_note or "Not worked out.",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    )
                )
            else:
                did_rows.append(
                    (
                        result.scale_name,
                        did["participants"],
                        did["others"],
                        did["change_participants"],
                        did["change_others"],
                        did["estimate"],
                        did["ci"],
                        did["p"],
                    )
                )
        _table(pdf, "Difference-in-differences", did_rows, (60, 25, 28, 30, 30, 35, 35, 20))
        if report.has_after_only:
            after_rows = [
                (
                    "Scale",
                    "Participants",
                    "Comparison group",
                    "Participants' mean after",
                    "Comparison's mean after",
                    "Difference",
                    "95% CI",
                    "p",
                )
            ]
            for result in report.results:
                after = result.after_only_cells()
                if after is not None:
                    after_rows.append(
                        (
                            result.scale_name,
                            after["participants"],
                            after["others"],
                            after["mean_participants"],
                            after["mean_others"],
                            after["difference"],
                            after["ci"],
                            after["p"],
                        )
                    )
            _table(
                pdf,
                "Participants against the comparison group, after the activity",
                after_rows,
                (60, 25, 28, 30, 30, 35, 35, 20),
            )

    _heading(pdf, "Theory of change")
    theory = report.theory
    if theory is None:
        _paragraph(pdf, "No theory of change has been written yet.")
    else:
        for label, value in (
            ("Problem", theory.problem),
            ("Inputs", theory.inputs),
            ("Activities", theory.activities),
            ("Outcomes", theory.outcomes),
            ("Impacts", theory.impacts),
            ("Assumptions", theory.assumptions),
            ("MOAT outcomes it aims at", "; ".join(theory.moat_outcomes) or "None chosen"),
        ):
            _paragraph(pdf, label, style="B")
            _paragraph(pdf, value)

    _heading(pdf, "In their own words")
    if not report.quotes:
        _paragraph(pdf, "No written answers have been marked for publication.")
    for quote in report.quotes:
        _paragraph(pdf, f'"{quote.text}"', style="I")
        _paragraph(pdf, f"Answer to '{quote.question}'", size=8)
        pdf.ln(1)
    return bytes(pdf.output())
