"""Learner forms. Each form is built with exactly the fields the person's role may set."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.fields import DatePickerInput
from widen.core.forms import ListChoiceField
from widen.learners.models import (
    CHARACTERISTIC_FIELDS,
    FILTERABLE_CHARACTERISTICS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    ConsentGivenBy,
    ConsentRecord,
    Learner,
    ParentCarer,
)
from widen.organisations.models import Organisation

YES_NO_UNKNOWN = [("", "Not known"), ("true", "Yes"), ("false", "No")]
BOOLEAN_FIELDS = set(FILTERABLE_CHARACTERISTICS)  # the yes/no facts


def _to_boolean(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


class LearnerForm(forms.ModelForm):
    class Meta:
        model = Learner
        fields = (*IDENTITY_FIELDS, "school", *CHARACTERISTIC_FIELDS, *SPECIAL_CATEGORY_FIELDS)
        widgets = {"date_of_birth": DatePickerInput()}
        field_classes = {"school": ListChoiceField}
        error_messages = {"school": {"invalid_choice": "Choose a school from the list."}}

    def __init__(
        self,
        *args: Any,
        allowed_fields: tuple[str, ...],
        schools: QuerySet[Organisation],
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != "school" and name not in allowed_fields:
                del self.fields[name]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["school"].required = False
        if self.instance._state.adding and len(schools[:2]) == 1:
            self.fields["school"].initial = schools.first()  # the one school there is to choose
        for name in BOOLEAN_FIELDS & set(self.fields):
            initial = getattr(self.instance, name, None)
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=YES_NO_UNKNOWN,
                coerce=_to_boolean,
                empty_value=None,
                required=False,
                initial={True: "true", False: "false"}.get(initial, "")
                if initial is not None
                else "",
            )
        if organisations is not None:
            self.fields["organisation"] = ListChoiceField(
                queryset=organisations,
                label="Held by",
                help_text="The organisation recording this learner.",
                initial=organisations.first() if organisations.count() == 1 else None,
                error_messages={
                    "required": "Choose the organisation that holds this learner.",
                    "invalid_choice": "Choose one of the organisations you may add learners to.",
                },
            )
            self.order_fields(["organisation"])
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")

    def learner_details(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name not in {"school", "organisation"}
        }


class ParentCarerForm(forms.ModelForm):
    class Meta:
        model = ParentCarer
        fields = ("name", "relationship", "email", "phone")


class ConsentRecordForm(forms.ModelForm):
    class Meta:
        model = ConsentRecord
        fields = (
            "lawful_basis",
            "special_category_condition",
            "given_by",
            "given_by_name",
            "recorded_on",
            "privacy_notice_version",
        )
        widgets = {"recorded_on": DatePickerInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_by"].initial = ConsentGivenBy.NOT_APPLICABLE
