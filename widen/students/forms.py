"""Student forms. Each is built with exactly the fields the person may set."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from widen.core.fields import DatePickerInput
from widen.core.forms import ListChoiceField
from widen.organisations.models import Organisation
from widen.students.models import (
    CHARACTERISTIC_FIELDS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    Student,
    StudentStatus,
    TermDates,
)
from widen.students.services import COURSE_FIELDS

YES_NO_UNKNOWN = [("", "Not declared"), ("true", "Yes"), ("false", "No")]
YES_NO = [("false", "No"), ("true", "Yes")]
DATE_FIELDS = ("date_of_birth", "starts_on", "expected_end_on")


def _to_boolean(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


class StudentForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = (
            *IDENTITY_FIELDS,
            *COURSE_FIELDS,
            *CHARACTERISTIC_FIELDS,
            *SPECIAL_CATEGORY_FIELDS,
        )
        widgets = {name: DatePickerInput() for name in DATE_FIELDS}

    def __init__(
        self,
        *args: Any,
        allowed_fields: tuple[str, ...],
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in allowed_fields:
                del self.fields[name]
        for name in list(self.fields):
            model_field = Student._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            if model_field.get_internal_type() != "BooleanField":
                continue
            initial = getattr(self.instance, name, None)
            nullable = bool(model_field.null)
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                help_text=self.fields[name].help_text,
                choices=YES_NO_UNKNOWN if nullable else YES_NO,
                coerce=_to_boolean,
                empty_value=None,
                required=not nullable,
                initial={True: "true", False: "false"}.get(initial, "")
                if initial is not None
                else "",
            )
        if "year_of_study" in self.fields:
            self.fields["year_of_study"].widget.attrs.update({"min": 1, "max": 10})
        if organisations is not None:
            self.fields["organisation"] = ListChoiceField(
                queryset=organisations,
                label="Provider",
                help_text="The university or college the student studies at, which holds the "
                "record.",
                initial=organisations.first() if organisations.count() == 1 else None,
                error_messages={
                    "required": "Choose the provider the student studies at.",
                    "invalid_choice": "Choose one of the providers whose students you manage.",
                },
            )
            self.fields["status"] = forms.ChoiceField(
                label="Status", choices=StudentStatus.choices, initial=StudentStatus.ENROLLED
            )
            self.order_fields(["organisation", "status"])
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")

    def student_details(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in {"organisation", "status"}
        }


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=StudentStatus.choices,
        error_messages={"required": "Choose the student's new status."},
    )
    changed_on = forms.DateField(
        label="Took effect on",
        help_text="The day the new status began (today or before).",
        widget=DatePickerInput(),
        error_messages={
            "required": "Give the day the new status took effect.",
            "invalid": "Give the day as a date, like 21/09/2026.",
        },
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in StudentStatus.choices if value != current
        ]
        self.fields["changed_on"].initial = timezone.localdate()


class TermDatesForm(forms.ModelForm):
    class Meta:
        model = TermDates
        fields = ("academic_year", "name", "starts_on", "ends_on")
        labels = {"name": "Term", "starts_on": "First day", "ends_on": "Last day"}
        help_texts = {"academic_year": "As 2026/27.", "name": "Like Autumn term."}
        widgets = {"starts_on": DatePickerInput(), "ends_on": DatePickerInput()}
        error_messages = {
            "academic_year": {"required": "Give the academic year, like 2026/27."},
            "name": {"required": "Give the term a name, like Autumn term."},
            "starts_on": {
                "required": "Give the term's first day.",
                "invalid": "Give the first day as a date, like 21/09/2026.",
            },
            "ends_on": {
                "required": "Give the term's last day.",
                "invalid": "Give the last day as a date, like 11/12/2026.",
            },
        }

    def _post_clean(self) -> None:
        # The service checks the term (and its organisation); the form checks only the fields.
        pass
