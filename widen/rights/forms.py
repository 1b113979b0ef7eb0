"""The forms of the pages for requests about people's data. The services check the rules; these
only read what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from widen.organisations.models import Organisation
from widen.rights.deadlines import MOST_EXTRA_MONTHS
from widen.rights.models import RequestKind

DATE_HINT = "For example 2026-11-27."


def _date(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter {label.lower()}.",
            "invalid": f"Enter {label.lower()} as year-month-day, for example 2026-11-27.",
        },
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class RequestRecordForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Received by",
        help_text="The organisation that must answer: the one holding the person's records.",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the organisation that received the request.",
            "invalid_choice": "Choose one of the organisations whose requests you handle.",
        },
    )
    kind = forms.ChoiceField(
        label="What they asked for",
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the person asked for."},
    )
    person_name = forms.CharField(
        label="Who is asking",
        max_length=200,
        help_text="Their name as they gave it (a parent or carer asking for a child: say so).",
        error_messages={"required": "Say who is asking."},
    )
    person_email = forms.EmailField(
        label="Their e-mail address",
        required=False,
        error_messages={"invalid": "Enter an e-mail address like name@example.org."},
    )
    details = forms.CharField(
        label="What they asked",
        required=False,
        help_text="In their words, and how it arrived (letter, e-mail, phone call).",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    received_on = _date("Received on", help_text="The day it arrived. " + DATE_HINT)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        only = list(organisations[:2])
        if len(only) == 1:
            field.initial = only[0].pk
            field.widget = forms.HiddenInput()
        self.fields["received_on"].initial = timezone.localdate()


class IdentityForm(forms.Form):
    identity_asked_on = _date(
        "Asked to confirm on",
        required=False,
        help_text="When you asked them to prove who they are: the clock stops until they do.",
    )
    identity_confirmed_on = _date(
        "Confirmed on", required=False, help_text="When they proved who they are. " + DATE_HINT
    )
    identity_evidence = forms.CharField(
        label="How their identity was checked",
        max_length=200,
        required=False,
        help_text="For example: saw a passport at the school office; the school confirmed.",
    )


class ExtensionForm(forms.Form):
    extra_months = forms.TypedChoiceField(
        label="Further months",
        coerce=int,
        choices=[(months, str(months)) for months in range(MOST_EXTRA_MONTHS + 1)],
        help_text=f"A complex or numerous request may take up to {MOST_EXTRA_MONTHS} further "
        "months; tell the person within the first month.",
        error_messages={"invalid_choice": f"Choose 0 to {MOST_EXTRA_MONTHS} further months."},
    )
    extension_reason = forms.CharField(label="Why it takes longer", max_length=300, required=False)


class SearchForm(forms.Form):
    """Finding the person's records: by name, date of birth or e-mail address (GET)."""

    name = forms.CharField(label="Name", max_length=200, required=False)
    date_of_birth = _date("Date of birth", required=False)
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Finds accounts; it can also name rows kept under the address, such as "
        "event bookings.",
        error_messages={"invalid": "Enter an e-mail address like name@example.org."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_bound and not self.errors and not any(cleaned.values()):
            raise forms.ValidationError("Enter a name, a date of birth or an e-mail address.")
        return cleaned


class RecordsForm(forms.Form):
    """Ticking the records found to be the person's."""

    learners = forms.MultipleChoiceField(
        label="Learner records", required=False, widget=forms.CheckboxSelectMultiple
    )
    users = forms.MultipleChoiceField(
        label="Accounts", required=False, widget=forms.CheckboxSelectMultiple
    )
    emails = forms.MultipleChoiceField(
        label="E-mail addresses", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        learners: list[tuple[str, str]],
        users: list[tuple[str, str]],
        emails: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learners"].choices = learners  # type: ignore[attr-defined]
        self.fields["users"].choices = users  # type: ignore[attr-defined]
        self.fields["emails"].choices = [  # type: ignore[attr-defined]
            (email, f"Rows kept under {email}") for email in emails
        ]
        for name, choices in (("learners", learners), ("users", users), ("emails", emails)):
            if not choices:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(cleaned.get(name) for name in self.fields):
            raise forms.ValidationError("Tick the records that are the person's.")
        return cleaned


class CloseForm(forms.Form):
    decision = forms.ChoiceField(
        label="What happened",
        choices=[("answer", "Answered: the request was met"), ("refuse", "Refused")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the request was answered or refused."},
    )
    outcome = forms.CharField(
        label="Outcome",
        help_text="What was done, or why it was refused (the person must be told, and may "
        "complain to the ICO).",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done, or why it was refused."},
    )
