"""The forms of the shift pages: a shift (new or changed), allocating a place, recording what
was worked, and choosing a colleague to swap with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.activities.models import Session
from widen.core.forms import ListChoiceField
from widen.events.models import Event
from widen.partners.hours import UK
from widen.partners.models import Partner, Role, ShiftAllocation, ShiftKind, WorkMode

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ShiftForm(forms.Form):
    role = ListChoiceField(
        queryset=Role.objects.none(),
        label="Role",
        error_messages={
            "required": "Choose the role the shift is in.",
            "invalid_choice": "Choose one of your providers' roles.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title, like “Campus tour”."},
    )
    description = forms.CharField(
        label="What the work involves (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    session = ListChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label="For an activity's session (optional)",
        help_text="Its partners become the session's student ambassadors; its times are used "
        "unless you give others.",
        error_messages={"invalid_choice": "Choose one of the sessions listed."},
    )
    event = ListChoiceField(
        queryset=Event.objects.none(),
        required=False,
        label="For an event (optional)",
        help_text="Its times are used unless you give others.",
        error_messages={"invalid_choice": "Choose one of the events listed."},
    )
    day = forms.DateField(
        label="Day",
        required=False,
        widget=DATE,
        error_messages={"invalid": "Enter a real date."},
    )
    starts = forms.TimeField(
        label="Starts at",
        required=False,
        widget=TIME,
        error_messages={"invalid": "Enter a time, like 09:30."},
    )
    ends = forms.TimeField(
        label="Ends at",
        required=False,
        widget=TIME,
        error_messages={"invalid": "Enter a time, like 12:30."},
    )
    kind = forms.ChoiceField(label="Kind of work", choices=ShiftKind.choices, initial="work")
    mode = forms.ChoiceField(
        label="On site or online", choices=WorkMode.choices, initial=WorkMode.ON_SITE
    )
    place = forms.CharField(label="Where (optional)", required=False, max_length=200)
    places = forms.IntegerField(
        label="Partners needed",
        min_value=1,
        max_value=500,
        initial=1,
        error_messages={
            "required": "Enter how many partners the shift needs.",
            "invalid": "Enter a whole number, like 2.",
            "min_value": "A shift needs at least one partner.",
            "max_value": "A shift needs at most 500 partners.",
        },
    )
    allocation = forms.ChoiceField(
        label="How places are given",
        choices=ShiftAllocation.choices,
        initial=ShiftAllocation.FIRST_COME,
        widget=forms.RadioSelect,
    )
    with_under_18s = forms.BooleanField(
        label="Work with under-18s (a DBS check in date is needed)", required=False
    )
    costs_covered = forms.BooleanField(
        label="Costs covered: travel and meals paid for in advance", required=False
    )

    def __init__(
        self,
        *args: Any,
        roles: QuerySet[Role],
        sessions: QuerySet[Session] | None = None,
        events: QuerySet[Event] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        if sessions is None or events is None:
            del self.fields["session"]
            del self.fields["event"]
        else:
            self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
            self.fields["session"].label_from_instance = (  # type: ignore[attr-defined]
                lambda one: (
                    f"{one.activity} – {one.date:%a %-d %b %Y}, "
                    f"{one.starts_at:%H:%M}–{one.ends_at:%H:%M}"
                )
            )
            self.fields["event"].queryset = events  # type: ignore[attr-defined]
            self.fields["event"].label_from_instance = (  # type: ignore[attr-defined]
                lambda one: f"{one.title} – {one.starts_at.astimezone(UK):%a %-d %b %Y}"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) for name in ("day", "starts", "ends")]
        source = data.get("session") or data.get("event")
        if all(given):
            data["starts_at"] = datetime.combine(data["day"], data["starts"], tzinfo=UK)
            data["ends_at"] = datetime.combine(data["day"], data["ends"], tzinfo=UK)
        elif any(given) or source is None:
            if not data.get("day"):
                self.add_error("day", "Enter the day of the shift.")
            if not data.get("starts"):
                self.add_error("starts", "Enter when the shift starts.")
            if not data.get("ends"):
                self.add_error("ends", "Enter when the shift ends.")
        if data.get("session") and data.get("event"):
            self.add_error("event", "Choose a session or an event, not both.")
        return data

    def changes(self) -> dict[str, Any]:
        """The shift's fields, as `shift_create` / `shift_update` take them."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "description",
                "kind",
                "mode",
                "place",
                "places",
                "allocation",
                "with_under_18s",
                "costs_covered",
            )
        }
        if data.get("starts_at"):
            fields["starts_at"] = data["starts_at"]
            fields["ends_at"] = data["ends_at"]
        return fields


class AllocateForm(forms.Form):
    partner = ListChoiceField(
        queryset=Partner.objects.none(),
        label="Partner",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a partner who can work the shift.",
            "invalid_choice": "Choose one of the partners who can work the shift.",
        },
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        field.queryset = partners  # type: ignore[attr-defined]
        field.label_from_instance = lambda one: one.student.display_name  # type: ignore[attr-defined]


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[("worked", "Worked"), ("not_worked", "Did not take place")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose worked or did not take place."},
    )
    minutes = forms.IntegerField(
        label="Minutes worked",
        required=False,
        min_value=1,
        max_value=1440,
        help_text="Leave empty for the shift's length.",
        error_messages={
            "invalid": "Enter the minutes worked as a whole number, like 90.",
            "min_value": "Give the minutes worked, from 1 to 1,440.",
            "max_value": "Give the minutes worked, from 1 to 1,440.",
        },
    )


class SwapForm(forms.Form):
    colleague = ListChoiceField(
        queryset=Partner.objects.none(),
        label="Colleague",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a colleague to ask.",
            "invalid_choice": "Choose one of the colleagues listed.",
        },
    )

    def __init__(self, *args: Any, colleagues: list[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["colleague"]
        field.queryset = Partner.objects.filter(  # type: ignore[attr-defined]
            pk__in=[one.pk for one in colleagues]
        ).select_related("student")
        field.label_from_instance = lambda one: one.student.display_name  # type: ignore[attr-defined]
