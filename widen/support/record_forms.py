"""The forms of support records: the record itself, an identification, a local authority
bursary (expected, then received), opening a record by student number, and the list's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from widen.support.models import (
    CareStatus,
    IdentificationStage,
    IdentifiedCharacteristic,
    SupportRecord,
)
from widen.support.permissions.providers import advisers_of

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdviserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class RecordForm(forms.Form):
    """What an adviser keeps on a student's support record."""

    named_contact = AdviserChoice(
        queryset=None,
        required=False,
        empty_label="Nobody yet",
        help_text="The adviser the student goes to first.",
        error_messages={"invalid_choice": "Choose one of the provider's student support advisers."},
    )
    care_status = forms.ChoiceField(label="Care", choices=CareStatus.choices, required=False)
    estranged = forms.BooleanField(
        required=False, help_text="Studying without the support of a family network."
    )
    local_authority = forms.CharField(
        max_length=120, required=False, help_text="The authority that looked after the student."
    )
    personal_adviser_consent = forms.BooleanField(
        label="The student agrees we may keep and use their personal adviser's details",
        required=False,
    )
    personal_adviser = forms.CharField(
        label="Personal adviser",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Name and contact details. Kept only with the student's consent.",
    )
    pathway_review_due = forms.DateField(
        label="Next pathway plan review",
        required=False,
        widget=DATE_WIDGET,
        help_text="At least every six months for a care leaver.",
    )
    halls_from = forms.DateField(label="Halls contract from", required=False, widget=DATE_WIDGET)
    halls_until = forms.DateField(label="Halls contract until", required=False, widget=DATE_WIDGET)
    halls_year_round = forms.BooleanField(label="A 365-day place", required=False)
    summer_arrangements = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    support_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10_000,
        help_text="The plan agreed with the student.",
    )

    def __init__(self, *args: Any, record: SupportRecord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["named_contact"]
        assert isinstance(field, AdviserChoice)
        field.queryset = advisers_of(record.organisation_id)

    @staticmethod
    def initial_of(record: SupportRecord) -> dict[str, Any]:
        return {
            name: getattr(record, name)
            for name in (
                "named_contact",
                "care_status",
                "estranged",
                "local_authority",
                "personal_adviser_consent",
                "personal_adviser",
                "pathway_review_due",
                "halls_from",
                "halls_until",
                "halls_year_round",
                "summer_arrangements",
                "support_plan",
            )
        }


class IdentificationForm(forms.Form):
    characteristic = forms.ChoiceField(
        label="What became known",
        choices=IdentifiedCharacteristic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what became known."},
    )
    stage = forms.ChoiceField(
        label="When",
        choices=IdentificationStage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when it became known."},
    )
    identified_on = forms.DateField(
        label="On",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date it became known."},
    )
    source = forms.CharField(
        max_length=200,
        required=False,
        help_text='For example "UCAS application" or "enrolment form".',
    )


class BursaryForm(forms.Form):
    local_authority = forms.CharField(
        max_length=120, error_messages={"required": "Say which local authority pays it."}
    )
    amount = forms.DecimalField(
        label="Amount (£)",
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        decimal_places=2,
        initial=Decimal("2000.00"),
        help_text="The higher education bursary for care leavers is £2,000.",
    )
    expected_on = forms.DateField(
        label="Expected by",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date it is expected by."},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ReceivedForm(forms.Form):
    received_on = forms.DateField(
        label="Received on",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date it was received."},
    )


class OpenRecordForm(forms.Form):
    student_number = forms.CharField(
        max_length=20, error_messages={"required": "Enter the student's number."}
    )


class RecordFiltersForm(forms.Form):
    care_leaver = forms.BooleanField(label="Care leavers", required=False)
    care_experienced = forms.BooleanField(label="Care experienced", required=False)
    estranged = forms.BooleanField(label="Estranged", required=False)
    review_due = forms.BooleanField(label="Pathway plan review due", required=False)
    bursary_to_chase = forms.BooleanField(label="Bursary to chase", required=False)
