"""A support scheme's form: its details and its eligibility conditions, in the same editor as the
learners' rule sets (`widen.targeting.forms.ConditionsForm`) over the students' criteria."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.organisations.models import Organisation, SpecialCategoryCondition
from widen.support.criteria import STUDENT_CRITERIA
from widen.targeting.forms import ConditionsForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KINDS = {"area": "Home area", "fact": "What the student declared", "education": "Their studies"}


class SchemeForm(ConditionsForm):
    """A new scheme (provider, name, whether active, purpose, condition, period) or a scheme's
    new rules (purpose and condition may change with them; the rest is kept)."""

    criteria = STUDENT_CRITERIA
    kinds = KINDS

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider",
        empty_label=None,
        help_text="The HE provider that runs the scheme for its own students.",
        error_messages={"invalid_choice": "Choose one of your providers."},
    )
    name = forms.CharField(
        max_length=120, error_messages={"required": "Enter a name for the scheme."}
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="What the scheme is for. Needed to use care experience or disability.",
    )
    special_category_condition = forms.ChoiceField(
        label="Condition for special category data",
        choices=[("", "None (needed only for care experience or disability)")]
        + list(SpecialCategoryCondition.choices),
        required=False,
        help_text="The UK GDPR Article 9 condition under which care experience or disability "
        "may decide who is eligible.",
    )
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        initial=True,
        help_text="An inactive scheme invites nobody, and students cannot ask to join it.",
    )
    period_starts = forms.DateField(label="Membership from", required=False, widget=DATE_WIDGET)
    period_ends = forms.DateField(label="Membership until", required=False, widget=DATE_WIDGET)

    def __init__(
        self, *args: Any, providers: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        """`providers` are those the person may choose from (a new scheme); without them, the
        scheme's provider, name and period stay as they are."""
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        if providers is None:
            for kept in ("organisation", "name", "is_active", "period_starts", "period_ends"):
                del self.fields[kept]
        else:
            organisation.queryset = providers

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.layout:
            self.add_error(None, "Add at least one condition: say who the scheme is for.")
        starts, ends = cleaned.get("period_starts"), cleaned.get("period_ends")
        if starts and ends and ends < starts:
            self.add_error("period_ends", "Membership must end on or after the day it starts.")
        return cleaned


class EvidenceForm(forms.Form):
    """A student asking to join a scheme: why they are eligible and how it can be checked."""

    evidence = forms.CharField(
        label="Why you are eligible",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5_000,
        help_text="What applies to you, and how the scheme's staff can check it (for example "
        "a letter you can show them). Only the scheme's managers see this.",
        error_messages={
            "required": "Say why you are eligible: what applies to you and how we can check it."
        },
    )
