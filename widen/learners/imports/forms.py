"""Forms of the import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.forms import ListChoiceField, sheet_field, spreadsheet_field
from widen.learners.imports.columns import IGNORE, IMPORT_COLUMNS
from widen.organisations.models import Organisation


class PupilListUploadForm(forms.Form):
    organisation = ListChoiceField(
        queryset=Organisation.objects.none(),
        label="Import into",
        help_text="The organisation that will hold these learners' records.",
        empty_label=None,
        error_messages={"invalid_choice": "Choose an organisation from the list."},
    )
    school = ListChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Pupils' school or college",
        help_text="The school that sent the list. Its column choices are remembered.",
        error_messages={"invalid_choice": "Choose a school from the list."},
    )
    pupil_list = spreadsheet_field(
        label="Pupil list",
        help_text="A .csv or .xlsx file as your school's MIS exports it, or Widen's template.",
    )
    sheet = sheet_field(looks_like="has pupils on it")

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        schools: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation_field = self.fields["organisation"]
        school_field = self.fields["school"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        assert isinstance(school_field, forms.ModelChoiceField)
        organisation_field.queryset = organisations
        school_field.queryset = schools


FIELD_CHOICES = [
    (IGNORE, "Do not import this column"),
    *[(column.field, column.label) for column in IMPORT_COLUMNS],
]


class ColumnMappingForm(forms.Form):
    """One choice per column of the file."""

    def __init__(self, *args: Any, headings: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headings: dict[str, str] = {}
        for index, (letter, heading, current) in enumerate(headings):
            name = f"column_{index}"
            self.headings[name] = heading
            self.fields[name] = forms.ChoiceField(
                choices=FIELD_CHOICES,
                label=f"Column {letter}: {heading}",
                initial=current,
                required=False,
            )

    def chosen_columns(self) -> dict[str, str]:
        return {
            heading: self.cleaned_data.get(name) or IGNORE
            for name, heading in self.headings.items()
        }
