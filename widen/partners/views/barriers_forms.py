"""The forms of the barriers register: raising one, writing one up from a workshop, keeping
one, and its mitigations."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.partners.models import BarrierStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BarrierForm(forms.Form):
    title = forms.CharField(
        label="What is the barrier?",
        help_text='In a few words, for example "Shifts start before the first bus".',
        max_length=200,
        error_messages={"required": "Give the barrier a title."},
    )
    description = forms.CharField(
        label="What makes it hard",
        help_text="What happens, and who it affects. Leave out anything that would say who you "
        "are if you want to stay anonymous.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what makes it hard."},
    )


class BarrierRaiseForm(BarrierForm):
    anonymous = forms.BooleanField(
        label="Raise it anonymously",
        help_text="Nothing will link it to you, not even for your coordinator.",
        required=False,
    )


class _OwnedForm(forms.Form):
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Owner", queryset=None, required=False, empty_label="Nobody yet"
    )
    status = forms.ChoiceField(label="Status", choices=BarrierStatus.choices)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = owners
        owner.label_from_instance = lambda user: user.get_full_name() or user.username


class BarrierKeepForm(_OwnedForm):
    response = forms.CharField(
        label="Response to partners",
        help_text="Every partner sees this: what was done, or why not.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = ["status", "owner", "response"]


class MitigationForm(_OwnedForm):
    description = forms.CharField(
        label="What is being done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what is being done."},
    )
    due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Give the date like 2026-11-02."},
    )
    done_on = forms.DateField(
        label="Done on",
        help_text="Left empty when marked done: today.",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Give the date like 2026-11-02."},
    )

    field_order = ["description", "owner", "status", "due_on", "done_on"]
