"""Everything Widen holds about one person, from every model in the register of personal data.

`subject_access_export` gathers it; `as_json`, `as_html` and `as_pdf` write it for the person.
The export names each kind of record, why it is held (lawful basis), how long it is kept, every
row with its fields, who changed and who viewed the records (the audit and access logs are in the
register like any other model), and the organisations the records were shared with.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from widen.audit.registry import PersonalData, register
from widen.core.latin1 import latin1
from widen.rights.people import Person
from widen.rights.sharing import SharedWith, shared_with


@dataclass(frozen=True)
class Section:
    model: str
    heading: str
    categories: list[str]
    lawful_basis: str
    kept: str
    fields: list[str]
    rows: list[dict[str, str]]


@dataclass(frozen=True)
class Export:
    person_name: str
    made_at: str
    sections: list[Section]
    shared_with: list[SharedWith]

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def _shown(row: models.Model, model_field: models.Field[Any, Any]) -> str:
    if model_field.choices:
        return str(getattr(row, f"get_{model_field.name}_display")())
    value = getattr(row, model_field.attname)
    if model_field.is_relation and value is not None:
        related = getattr(row, model_field.name)
        return str(related)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _section(entry: PersonalData, person: Person) -> Section:
    exported = entry.exported_fields()
    related = [
        model_field.name
        for model_field in exported
        if model_field.is_relation and model_field.many_to_one
    ]
    rows = person.rows_in(entry).select_related(*related).order_by("pk")
    return Section(
        model=entry.label,
        heading=entry.heading,
        categories=sorted(str(category) for category in entry.categories),
        lawful_basis=str(entry.lawful_basis),
        kept=entry.retention.description,
        fields=[str(model_field.verbose_name) for model_field in exported],
        rows=[
            {str(model_field.verbose_name): _shown(row, model_field) for model_field in exported}
            for row in rows
        ],
    )


def subject_access_export(person: Person, *, person_name: str = "") -> Export:
    """Every registered record of `person`, whoever holds it (the caller has checked who may)."""
    sections = [_section(entry, person) for entry in register]
    return Export(
        person_name=person_name,
        made_at=timezone.localtime().isoformat(timespec="seconds"),
        sections=[section for section in sections if section.rows],
        shared_with=shared_with(person),
    )


def as_json(export: Export) -> str:
    return json.dumps(asdict(export), ensure_ascii=False, indent=2)


def as_html(export: Export) -> str:
    return render_to_string("rights/export.html", {"export": export})


def _line(pdf: Any, width: float, height: float, text: str) -> None:
    """One paragraph, the next starting on a new line at the left margin."""
    pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT")


def as_pdf(export: Export) -> bytes:
    from fpdf import FPDF  # noqa: PLC0415 - only the PDF needs it

    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 0, 9, latin1(f"Your data held in Widen: {export.person_name}".strip(": ")))
    pdf.set_font("Helvetica", "", 10)
    _line(pdf, 0, 6, latin1(f"Made {export.made_at}. {export.row_count} records."))
    for section in export.sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        _line(pdf, 0, 7, latin1(section.heading))
        pdf.set_font("Helvetica", "I", 9)
        _line(
            pdf,
            0,
            5,
            latin1(
                f"Kinds of data: {', '.join(section.categories)}. Why we hold it: "
                f"{section.lawful_basis}. How long: {section.kept}"
            ),
        )
        for number, row in enumerate(section.rows, start=1):
            pdf.set_font("Helvetica", "B", 10)
            _line(pdf, 0, 6, latin1(f"{section.heading} {number}"))
            pdf.set_font("Helvetica", "", 9)
            for name, value in row.items():
                if value:
                    _line(pdf, 0, 5, latin1(f"{name}: {value}"))
    if export.shared_with:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 13)
        _line(pdf, 0, 7, "Who your records were shared with")
        pdf.set_font("Helvetica", "", 9)
        for sharing in export.shared_with:
            _line(pdf, 0, 5, latin1(f"{sharing.organisation}: {sharing.how}"))
    return bytes(pdf.output())
