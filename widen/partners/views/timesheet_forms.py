"""The forms of the hours and pay pages: a pay period, a correction, a line added, a note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.forms import ListChoiceField
from widen.organisations.models import Organisation
from widen.partners.models import Role

DATE = forms.DateInput(attrs={"type": "date"})


class PayPeriodForm(forms.Form):
    organisation = ListChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider",
        error_messages={
            "required": "Choose the provider that pays.",
            "invalid_choice": "Choose one of the providers you coordinate.",
        },
    )
    starts_on = forms.DateField(
        label="First day",
        widget=DATE,
        error_messages={"required": "Enter the first day.", "invalid": "Enter a real date."},
    )
    ends_on = forms.DateField(
        label="Last day",
        widget=DATE,
        error_messages={"required": "Enter the last day.", "invalid": "Enter a real date."},
    )
    pay_date = forms.DateField(
        label="Pay date",
        help_text="The day pay for this period arrives in the students' bank accounts.",
        widget=DATE,
        error_messages={"required": "Enter the pay date.", "invalid": "Enter a real date."},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            field.initial = organisations.first()


MINUTES_ERRORS = {
    "required": "Enter the time worked in minutes.",
    "invalid": "Enter the time worked as a whole number of minutes, like 90.",
}


class LineCorrectForm(forms.Form):
    minutes = forms.IntegerField(
        label="Minutes worked",
        help_text="For example, 90 for an hour and a half.",
        error_messages=MINUTES_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="What was different",
        help_text="Needed when you change the time: your coordinator reads it.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LineAddForm(forms.Form):
    role = ListChoiceField(
        queryset=Role.objects.none(),
        label="Role",
        error_messages={
            "required": "Choose the role you did the work in.",
            "invalid_choice": "Choose one of your roles.",
        },
    )
    worked_on = forms.DateField(
        label="Day worked",
        widget=DATE,
        error_messages={"required": "Enter the day you worked.", "invalid": "Enter a real date."},
    )
    description = forms.CharField(
        label="What the work was",
        max_length=150,
        error_messages={"required": "Say what the work was."},
    )
    minutes = forms.IntegerField(
        label="Minutes worked",
        help_text="For example, 90 for an hour and a half.",
        error_messages=MINUTES_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="Note for your coordinator",
        help_text="Who asked for the work, or what it was for.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Add a note for your coordinator."},
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        field.queryset = Role.objects.filter(pk__in=[role.pk for role in roles])  # type: ignore[attr-defined]
        if len(roles) == 1:
            field.initial = roles[0]


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label="Note for your coordinator (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueryForm(forms.Form):
    note = forms.CharField(
        label="What should the student check or change?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the student should check or change."},
    )
