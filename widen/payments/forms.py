"""The payments pages' forms. Bank details are checked by the same rules as the services'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation
from widen.payments import validators


def _checked(value: str, check: Callable[[str], str]) -> str:
    try:
        return check(value)
    except ApplicationError as error:
        raise forms.ValidationError(error.message) from error


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(
        label="Name on the account",
        max_length=100,
        help_text="As your bank shows it, for example 'A J Smith'.",
        error_messages={"required": "Enter the name on the account."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sort_code = forms.CharField(
        label="Sort code",
        max_length=20,
        help_text="6 digits, for example 12-34-56.",
        error_messages={"required": "Enter the sort code."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    account_number = forms.CharField(
        label="Account number",
        max_length=20,
        help_text="8 digits. A 6 or 7 digit number is kept with 0s in front, as banks do.",
        error_messages={"required": "Enter the account number."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_account_name(self) -> str:
        return _checked(self.cleaned_data["account_name"], validators.normalise_account_name)

    def clean_sort_code(self) -> str:
        return _checked(self.cleaned_data["sort_code"], validators.normalise_sort_code)

    def clean_account_number(self) -> str:
        return _checked(self.cleaned_data["account_number"], validators.normalise_account_number)


class RunCreateForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Pay the people owed money by",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the organisation whose payees to pay.",
            "invalid_choice": "Choose one of the organisations whose payments you manage.",
        },
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(
        label="Date paid",
        help_text="The day the bank paid the run, for example 2026-12-03.",
        error_messages={
            "required": "Enter the date the payments were made.",
            "invalid": "Enter the date paid as year-month-day, for example 2026-12-03.",
        },
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
