"""The form of the student list upload page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.forms import ListChoiceField, sheet_field, spreadsheet_field
from widen.organisations.models import Organisation


class StudentListUploadForm(forms.Form):
    organisation = ListChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider",
        help_text="The university or college whose students these are.",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a provider from the list."},
    )
    student_list = spreadsheet_field(
        label="Student list",
        help_text=(
            "A .csv or .xlsx export from your student record system, with SITS-style headings "
            "(STU_CODE, STU_FNM1 …), HESA-style headings (OWNSTU, FNAMES …) or plain ones "
            "(Student number, First name …)."
        ),
    )
    sheet = sheet_field(looks_like="has students on it")

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()
