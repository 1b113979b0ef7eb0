"""The form naming a student partner a talk's co-presenter: the partner, their co-presenter
role, and the preparation (how long, when it starts, on site or online)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.core.forms import ListChoiceField
from widen.partners.hours import UK
from widen.partners.models import Partner, Role, WorkMode
from widen.partners.views.shift_forms import DATE, TIME


class CoPresenterForm(forms.Form):
    partner = ListChoiceField(
        queryset=Partner.objects.none(),
        label="Student partner",
        empty_label="Choose a student",
        error_messages={
            "required": "Choose the student who co-presents the talk.",
            "invalid_choice": "Choose one of your providers' student partners.",
        },
    )
    role = ListChoiceField(
        queryset=Role.objects.none(),
        label="Co-presenter role",
        help_text="The role the preparation and delivery shifts are paid in.",
        error_messages={
            "required": "Choose the co-presenter role the shifts are in.",
            "invalid_choice": "Choose one of your providers' co-presenter roles.",
        },
    )
    preparation_minutes = forms.IntegerField(
        label="Preparation time, in minutes",
        min_value=15,
        max_value=40 * 60,
        initial=120,
        help_text="From 15 to 2,400: 120 is two hours.",
        error_messages={
            "required": "Enter the preparation time in minutes, like 120.",
            "invalid": "Enter the preparation time as a whole number of minutes, like 120.",
            "min_value": "Give the preparation time in minutes, from 15 to 2,400.",
            "max_value": "Give the preparation time in minutes, from 15 to 2,400.",
        },
    )
    preparation_day = forms.DateField(
        label="Day the preparation starts",
        widget=DATE,
        error_messages={
            "required": "Enter the day the preparation starts.",
            "invalid": "Enter a real date.",
        },
    )
    preparation_starts = forms.TimeField(
        label="Time it starts",
        widget=TIME,
        error_messages={
            "required": "Enter the time the preparation starts, like 14:00.",
            "invalid": "Enter a time, like 14:00.",
        },
    )
    preparation_mode = forms.ChoiceField(
        label="Preparation on site or online",
        choices=WorkMode.choices,
        initial=WorkMode.ONLINE,
    )

    def __init__(
        self, *args: Any, partners: QuerySet[Partner], roles: QuerySet[Role], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        several = len({partner.organisation_id for partner in partners}) > 1
        partner = self.fields["partner"]
        partner.queryset = partners  # type: ignore[attr-defined]
        partner.label_from_instance = (  # type: ignore[attr-defined]
            lambda one: (
                f"{one.student.display_name} ({one.organisation.name})"
                if several
                else one.student.display_name
            )
        )
        role = self.fields["role"]
        role.queryset = roles  # type: ignore[attr-defined]
        role.label_from_instance = (  # type: ignore[attr-defined]
            lambda one: f"{one.title} ({one.organisation.name}, {one.hourly_rate_shown})"
        )
        if roles.count() == 1:
            role.initial = roles.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("preparation_day") and data.get("preparation_starts"):
            data["preparation_starts_at"] = datetime.combine(
                data["preparation_day"], data["preparation_starts"], tzinfo=UK
            )
        return data
