"""Forms for events: the organisers' pages and the public booking form (plain HTML forms that
work without JavaScript). Rules live in `services.py`; the forms only parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.activities.models import Activity
from widen.events.models import (
    AttendeeType,
    Audience,
    EventKind,
    PresenterRole,
    Strand,
    Talk,
)
from widen.events.services import NAME_MAX, TEXT_MAX, TITLE_MAX, YEAR_GROUPS
from widen.organisations.models import Organisation

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_or_no(question: str) -> forms.TypedChoiceField:
    """A yes-or-no question answered with radio buttons, "no" until answered otherwise."""
    return forms.TypedChoiceField(
        label=question,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
CHOICE_FIELDS = ("audiences", "year_groups", "is_public", "care_experienced", "disabled")


class EventForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    kind = forms.ChoiceField(label="Kind of event", choices=EventKind.choices)
    organiser = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Organised by")
    starts_at = forms.DateTimeField(
        label="Starts", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    venue = forms.CharField(max_length=200, required=False, help_text="Leave empty if online.")
    online_link = forms.URLField(
        required=False,
        label="Online link",
        assume_scheme="https",
        max_length=200,
        help_text="For an online event.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    audiences = forms.MultipleChoiceField(
        label="Who it is for",
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups (for learners)",
        choices=[(group, f"Year {group}") for group in YEAR_GROUPS],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=0,
        required=False,
        help_text="Leave empty for no limit. When all are taken, people join a waiting list.",
    )
    is_public = forms.TypedChoiceField(
        label="Who can find and book it",
        choices=[
            ("yes", "Anyone: listed on the public events page"),
            ("no", "Invitation only: people need the invitation link"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    co_created_with = forms.CharField(
        max_length=200,
        required=False,
        label="Co-created with",
        help_text='For example "disabled and care-experienced learners".',
    )
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label="Activity (optional)",
        help_text="The activity whose attendance and contact hours this event counts towards.",
    )

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Organisation],
        activities: QuerySet[Activity],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        if organisers.count() == 1:
            self.fields["organiser"].empty_label = None  # type: ignore[attr-defined]
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]


class StrandForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, label="Strand title")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX,
        label="Strand description",
    )


class TalkForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX, label="Talk title")
    strand = forms.ModelChoiceField(
        queryset=Strand.objects.none(), required=False, empty_label="No strand"
    )
    starts_at = forms.DateTimeField(
        label="Talk starts", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label="Talk ends", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    room = forms.CharField(max_length=120, required=False)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=TEXT_MAX,
        label="Talk description",
    )

    def __init__(self, *args: Any, strands: QuerySet[Strand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strand"].queryset = strands  # type: ignore[attr-defined]


class PresenterForm(forms.Form):
    talk = forms.ModelChoiceField(queryset=Talk.objects.none(), label="Talk")
    name = forms.CharField(max_length=NAME_MAX, label="Presenter's name")
    role = forms.ChoiceField(
        label="Presenting as", choices=PresenterRole.choices, widget=forms.RadioSelect
    )
    job_title = forms.CharField(
        max_length=160,
        required=False,
        label="Role or course",
        help_text="For example “BSc Nursing, second year” or “Widening participation officer”.",
    )

    def __init__(self, *args: Any, talks: QuerySet[Talk], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talk"].queryset = talks  # type: ignore[attr-defined]


class GroupBookingForm(forms.Form):
    source = forms.ChoiceField(
        label="Who to book",
        choices=[("school", "A school's pupils"), ("search", "One of my saved searches")],
        widget=forms.RadioSelect,
    )
    school = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Everyone at this school you may see by name.",
    )
    year_group = forms.TypedChoiceField(
        label="Year group (optional)",
        choices=[("", "Every year group"), *[(g, f"Year {g}") for g in YEAR_GROUPS]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    search = forms.ChoiceField(label="Saved search", choices=(), required=False)
    contact_email = forms.EmailField(
        label="E-mail for confirmations",
        max_length=254,
        help_text=(
            "One e-mail with each learner's place and booking link is sent here, and "
            "reminders too: usually your own address, or the school's contact for the trip."
        ),
    )

    def __init__(
        self,
        *args: Any,
        schools: QuerySet[Organisation],
        searches: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["search"].choices = [("", "Choose a saved search"), *searches]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == "school" and not data.get("school"):
            self.add_error("school", "Choose the school whose pupils to book.")
        if data.get("source") == "search" and not data.get("search"):
            self.add_error("search", "Choose one of your saved searches.")
        return data


class BookingForm(forms.Form):
    """What a person gives to book a place, or changes later through their link.

    Lengths are checked by the service (with the count in the message), not cut short here.
    """

    name = forms.CharField(
        label="Your name", strip=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.CharField(
        label="Your e-mail address",
        strip=False,
        help_text="We send your booking link here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    attendee_type = forms.ChoiceField(
        label="Coming as", choices=AttendeeType.choices, widget=forms.RadioSelect
    )
    access_requirements = forms.CharField(
        label="Access requirements (optional)",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example step-free access, a hearing loop or a quiet room.",
    )
    reasonable_adjustments = forms.CharField(
        label="Other adjustments we should make (optional)",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dietary_needs = forms.CharField(
        label="Dietary needs (optional)",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    care_experienced = _yes_or_no("Are you attending as a care-experienced learner?")
    disabled = _yes_or_no("Are you attending as a disabled learner?")

    def __init__(self, *args: Any, changing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if changing:
            # The e-mail address and who they are were given when booking.
            del self.fields["email"]
            del self.fields["attendee_type"]
        for name in ("name", "access_requirements", "reasonable_adjustments", "dietary_needs"):
            # NUL and other control characters are refused by the service with a clear message.
            self.fields[name].validators = []


class CancelForm(forms.Form):
    confirm = forms.ChoiceField(
        label="Are you sure you want to cancel your booking?",
        choices=[("yes", "Yes, cancel my booking"), ("no", "No, keep my booking")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to cancel your booking."},
    )
