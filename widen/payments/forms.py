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


def _bank_detail(
    label: str, help_text: str, missing: str, *, max_length: int = 20, **attrs: str
) -> forms.CharField:
    """A bank detail as typed: the browser never remembers or offers it (autocomplete off)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": missing},
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


class BankDetailsForm(forms.Form):
    account_name = _bank_detail(
        "Name on the account",
        "As your bank shows it, for example 'A J Smith'.",
        "Enter the name on the account.",
        max_length=100,
        spellcheck="false",
    )
    sort_code = _bank_detail(
        "Sort code",
        "6 digits, for example 12-34-56.",
        "Enter the sort code.",
        inputmode="numeric",
    )
    account_number = _bank_detail(
        "Account number",
        "8 digits. A 6 or 7 digit number is kept with 0s in front, as banks do.",
        "Enter the account number.",
        inputmode="numeric",
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
