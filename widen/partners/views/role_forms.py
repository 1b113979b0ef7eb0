"""The forms of the roles, applications and onboarding checks pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.accounts.models import User
from widen.core.fields import DatePickerInput
from widen.core.forms import ListChoiceField
from widen.organisations.models import Organisation
from widen.partners.models import CheckKind, RoleKind
from widen.partners.services.applications import ANSWER_MAX


class CoordinatorChoiceField(ListChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.email})" if obj.email else name


class RoleForm(forms.Form):
    organisation = ListChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider that employs",
        error_messages={
            "required": "Choose the provider that employs the students.",
            "invalid_choice": "Choose one of the providers you coordinate.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of role",
        choices=RoleKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of role."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="As students will see it, like “Campus tour ambassador”.",
        error_messages={"required": "Enter the role's title."},
    )
    work_involved = forms.CharField(
        label="What the work involves",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In plain words: what a student does, where and with whom.",
        error_messages={"required": "Say what the work involves."},
    )
    hourly_rate = forms.DecimalField(
        label="Hourly rate in pounds",
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        help_text="Like 12.71. At least the National Minimum Wage for 18 to 20 year olds today.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the hourly rate in pounds, like 12.71.",
            "invalid": "Enter the hourly rate in pounds and pence, like 12.71.",
            "min_value": "Enter an hourly rate of at least £0.01.",
            "max_digits": "Enter an hourly rate below £10,000.",
            "max_decimal_places": "Enter the hourly rate in pounds and pence, like 12.71.",
            "max_whole_digits": "Enter an hourly rate below £10,000.",
        },
    )
    coordinator = CoordinatorChoiceField(
        queryset=User.objects.none(),
        label="Named coordinator",
        help_text="Decides the applications and approves the hours.",
        error_messages={
            "required": "Choose the role's coordinator.",
            "invalid_choice": "Choose one of the provider's coordinators.",
        },
    )
    decision_working_days = forms.IntegerField(
        label="Applicants hear within (working days)",
        min_value=1,
        max_value=60,
        initial=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Say within how many working days applicants hear, like 10.",
            "invalid": "Give a whole number of working days, like 10.",
            "min_value": "Give at least 1 working day.",
            "max_value": "Give at most 60 working days.",
        },
    )
    needs_training = forms.BooleanField(
        label="Partners complete training before working", required=False, initial=True
    )
    is_open = forms.BooleanField(label="Taking applications", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        coordinators: QuerySet[User],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = coordinators  # type: ignore[attr-defined]
        if editing:
            del self.fields["organisation"]
        else:
            del self.fields["is_open"]
            if organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first()


def answer_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=ANSWER_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Keep this answer to {ANSWER_MAX:,} characters."},
    )


class ApplicationForm(forms.Form):
    why_this_role = answer_field("Why this role?", "A few sentences are enough. No CV is needed.")
    what_you_bring = answer_field(
        "What would you bring?", "From your study, caring, work or anything else in your life."
    )
    adjustments = answer_field(
        "Adjustments that would help (optional)",
        "To apply or to work. Only the role's coordinator reads this.",
    )
    working_patterns = answer_field(
        "Working patterns that suit you (optional)",
        "For example: evenings only, online, no early starts on Mondays.",
    )


DECISIONS = [("offer", "Offer the role"), ("decline", "Do not offer the role")]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to offer the role."},
    )
    note = forms.CharField(
        label="Note to the student",
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The student reads this. Needed when the role is not offered: say why.",
        error_messages={"max_length": f"Keep the note to {ANSWER_MAX:,} characters."},
    )


class CheckForm(forms.Form):
    kind = forms.ChoiceField(
        label="Check",
        choices=CheckKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the check."},
    )
    completed_on = forms.DateField(
        label="Completed on",
        widget=DatePickerInput(),
        error_messages={
            "required": "Give the day the check was completed.",
            "invalid": "Give the day as a date, like 21/09/2026.",
        },
    )
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        widget=DatePickerInput(),
        help_text="Leave empty if it does not expire. It no longer counts from this day.",
        error_messages={"invalid": "Give the day as a date, like 21/09/2027."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="Like the DBS certificate number or the training course.",
        error_messages={"max_length": "Keep the note to 300 characters."},
    )
