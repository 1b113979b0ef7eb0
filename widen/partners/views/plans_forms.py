"""The forms of "My plan": the plan itself, its weekly windows (rows, more by posting) and a
one-off change."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django import forms

from widen.partners.models import WorkMode
from widen.partners.models.plans import WEEKDAYS

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Empty rows shown under the windows already saved, and how many more "Add more rows" gives.
EMPTY_ROWS = 3


class PlanForm(forms.Form):
    max_weekly_hours = forms.DecimalField(
        label="The most hours you want to work in a week",
        help_text="Monday to Sunday, for example 12 or 7.5. Leave it empty for no limit of "
        "your own.",
        required=False,
        max_digits=5,
        decimal_places=2,
        error_messages={"invalid": "Give the hours as a number, for example 12 or 7.5."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-short"}),
    )
    modes = forms.MultipleChoiceField(
        label="Ways of working that suit you",
        choices=WorkMode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one way of working."},
    )
    what_helps = forms.CharField(
        label="What helps",
        help_text='Your coordinator sees this, for example "no early starts on Mondays".',
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        label="Your reasons (private)",
        help_text="Only you see this, unless you tick the box below. You never have to give a "
        "reason.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    share_reasons = forms.BooleanField(
        label="Share my reasons with my coordinator",
        required=False,
    )


class WindowForm(forms.Form):
    """One row of the weekly windows; an empty row is left out."""

    weekday = forms.TypedChoiceField(
        label="Day",
        choices=[("", "Choose a day"), *WEEKDAYS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    starts_at = forms.TimeField(
        label="From",
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": "Give the time you start like 13:00."},
    )
    ends_at = forms.TimeField(
        label="To",
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": "Give the time you finish like 18:00."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) is not None for name in ("weekday", "starts_at", "ends_at")]
        if any(given) and not all(given) and not self.errors:
            for name, present in zip(("weekday", "starts_at", "ends_at"), given, strict=True):
                if not present:
                    self.add_error(
                        name,
                        "Choose a day"
                        if name == "weekday"
                        else f"Give the time you {'start' if name == 'starts_at' else 'finish'}",
                    )
        starts_at: time | None = data.get("starts_at")
        ends_at: time | None = data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The time you finish must be after the time you start")
        return data

    def window(self) -> tuple[int, time, time] | None:
        data = self.cleaned_data
        if data.get("weekday") is None or not data.get("starts_at") or not data.get("ends_at"):
            return None
        return (data["weekday"], data["starts_at"], data["ends_at"])


WindowFormSet = forms.formset_factory(WindowForm, extra=0, max_num=70, absolute_max=70)


def window_rows(data: Any = None, *, saved: list[tuple[Any, Any, Any]] | None = None) -> Any:
    """The rows of weekly windows: those sent, or those saved (or typed) and a few empty ones."""
    if data is not None:
        copied = data.copy()
        copied["windows-INITIAL_FORMS"] = "0"
        return WindowFormSet(copied, prefix="windows")
    initial = [
        {"weekday": weekday, "starts_at": starts_at, "ends_at": ends_at}
        for weekday, starts_at, ends_at in saved or []
    ]
    rows = WindowFormSet(prefix="windows", initial=initial)
    rows.extra = EMPTY_ROWS
    return rows


class PlanChangeForm(forms.Form):
    on = forms.DateField(
        label="Date",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Give the date of the change.",
            "invalid": "Give the date like 2026-11-02.",
        },
    )
    starts_at = forms.TimeField(
        label="From",
        help_text="Leave both times empty if you cannot work at all that day.",
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": "Give the time you start like 13:00."},
    )
    ends_at = forms.TimeField(
        label="To",
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": "Give the time you finish like 18:00."},
    )


def hours_initial(minutes: int | None) -> Decimal | None:
    if minutes is None:
        return None
    return (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
