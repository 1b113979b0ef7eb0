"""The forms of the expense claim pages: a claim, a cost with its receipt, an advance, a query."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.forms import ListChoiceField
from widen.partners.models import ExpenseCategory, Partner, Shift, Vehicle

DATE = forms.DateInput(attrs={"type": "date"})
PURPOSE_ERRORS = {"required": "Say what the money is for."}


class ShiftChoiceField(ListChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        covered = " (costs covered)" if obj.costs_covered else ""
        return f"{obj.title}, {obj.starts_at:%-d %B %Y}{covered}"


class _PartnerAndShift(forms.Form):
    """A student working for two providers chooses which one; a shift is optional."""

    partner = ListChoiceField(
        queryset=Partner.objects.none(),
        label="Which university or college pays",
        error_messages={"required": "Choose who pays.", "invalid_choice": "Choose who pays."},
    )
    shift = ShiftChoiceField(
        queryset=Shift.objects.none(),
        required=False,
        label="The shift it is for (optional)",
        empty_label="Not for one shift",
        error_messages={"invalid_choice": "Choose one of your shifts, or none."},
    )

    def __init__(
        self, *args: Any, partners: QuerySet[Partner], shifts: QuerySet[Shift], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["shift"].queryset = shifts  # type: ignore[attr-defined]
        self.only_partner = partners.first() if partners.count() == 1 else None
        if self.only_partner is not None:
            # Nothing to choose: the field is left out of the page.
            self.fields["partner"].required = False
            self.fields["partner"].widget = forms.HiddenInput()

    def clean_partner(self) -> Partner | None:
        chosen: Partner | None = self.cleaned_data.get("partner")
        return chosen or self.only_partner


class ClaimForm(_PartnerAndShift):
    purpose = forms.CharField(
        label="What the claim is for",
        help_text="For example, “Travel to the Year 12 open day”.",
        max_length=200,
        error_messages=PURPOSE_ERRORS,
    )

    field_order = ["purpose", "partner", "shift"]


class AdvanceForm(_PartnerAndShift):
    purpose = forms.CharField(
        label="What the money is for",
        help_text="For example, “Train tickets to the conference in Leeds”.",
        max_length=200,
        error_messages=PURPOSE_ERRORS,
    )
    amount = forms.CharField(
        label="How much, in pounds",
        help_text="For example, 35.50.",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Enter how much you need."},
    )
    needed_on = forms.DateField(
        label="The day you need it",
        help_text="We aim to pay it before then, so you never pay first.",
        widget=DATE,
        error_messages={"required": "Enter the day you need it.", "invalid": "Enter a real date."},
    )

    field_order = ["purpose", "amount", "needed_on", "partner", "shift"]


class ReconcileForm(forms.Form):
    purpose = forms.CharField(
        label="What the claim is for",
        max_length=200,
        error_messages=PURPOSE_ERRORS,
    )


class LineForm(forms.Form):
    category = forms.ChoiceField(
        label="What was it",
        choices=ExpenseCategory.choices,
        error_messages={"required": "Choose what the cost was."},
    )
    spent_on = forms.DateField(
        label="The day you paid",
        widget=DATE,
        error_messages={"required": "Enter the day you paid.", "invalid": "Enter a real date."},
    )
    description = forms.CharField(
        label="Description",
        help_text="For example, “Bus from home to campus and back”.",
        max_length=200,
        error_messages={"required": "Say what the cost was for."},
    )
    amount = forms.CharField(
        label="Amount, in pounds (not for mileage)",
        help_text="For example, 4.50.",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    miles = forms.CharField(
        label="Miles (mileage only)",
        help_text="Business miles; paid at HMRC's approved rates.",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    vehicle = forms.ChoiceField(
        label="Vehicle (mileage only)",
        choices=[("", "Not mileage"), *Vehicle.choices],
        required=False,
    )
    receipt = forms.FileField(
        label="Receipt: a photo or PDF (optional)",
        help_text="A photo (JPEG, PNG, HEIC or WebP) or a PDF, up to 10 MB.",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == ExpenseCategory.MILEAGE:
            if not data.get("miles"):
                self.add_error("miles", "Enter the miles travelled.")
            if not data.get("vehicle"):
                self.add_error("vehicle", "Choose the vehicle.")
        elif data.get("category") and not data.get("amount"):
            self.add_error("amount", "Enter the amount you paid.")
        return data


class QueryForm(forms.Form):
    note = forms.CharField(
        label="Your question",
        help_text="The student is told and can change the claim and send it again.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the question for the student."},
    )
