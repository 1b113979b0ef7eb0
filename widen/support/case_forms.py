"""The forms of 1-2-1 casework: opening a case, a note, a handover, a referral with consent,
closing and re-opening, the follow-up day; a student's appointment request, and booking one.
Each form has its own id prefix, so several sit on a case's page without two fields sharing an
id; the services decide everything the forms do not (who may be chosen, consent, outcomes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from widen.organisations.models import Organisation
from widen.support.models import AppointmentMode, CaseStatus, CaseTopic, ReferralService

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AdviserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class _Form(forms.Form):
    prefix_id = "case"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)


def _adviser_field(
    label: str, *, required: bool, help_text: str = "", empty_label: str = "Nobody yet"
) -> AdviserChoice:
    return AdviserChoice(
        queryset=None,
        label=label,
        required=required,
        empty_label=empty_label if not required else "Choose an adviser",
        help_text=help_text,
        error_messages={
            "required": "Choose an adviser.",
            "invalid_choice": "Choose a student support adviser at this provider.",
        },
    )


class CaseOpenForm(_Form):
    prefix_id = "open"

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Provider",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your providers."},
    )
    student_number = forms.CharField(
        max_length=40,
        label="Student number",
        help_text="The student's number at the provider.",
        error_messages={"required": "Enter the student's number."},
    )
    topic = forms.ChoiceField(
        choices=CaseTopic.choices,
        label="What it is about",
        error_messages={"required": "Choose what the case is about."},
    )
    summary = forms.CharField(
        max_length=200,
        label="Summary",
        help_text="In words the student will see.",
        error_messages={"required": "Say what the case is about."},
    )
    assignee = _adviser_field("Adviser helping", required=False)
    reviewer = _adviser_field(
        "Reviewer",
        required=False,
        help_text="Another adviser who checks the case, if any.",
        empty_label="None",
    )
    follow_up_on = forms.DateField(label="Follow up on", required=False, widget=DATE_WIDGET)

    def __init__(
        self, *args: Any, providers: QuerySet[Organisation], advisers: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = providers  # type: ignore[attr-defined]
        if providers.count() == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
        for name in ("assignee", "reviewer"):
            self.fields[name].queryset = advisers  # type: ignore[attr-defined]


class NoteForm(_Form):
    prefix_id = "note"

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        label="Note",
        error_messages={"required": "Write the note."},
    )
    shared_with_student = forms.BooleanField(
        required=False,
        label="Share with the student (what we agreed)",
        help_text="Left unticked, only the provider's advisers read it.",
    )


class HandoverForm(_Form):
    prefix_id = "handover"

    to_adviser = _adviser_field("Hand over to", required=True)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
        label="Note for the new adviser",
    )

    def __init__(self, *args: Any, advisers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_adviser"].queryset = advisers  # type: ignore[attr-defined]


class ReferralForm(_Form):
    prefix_id = "referral"

    service = forms.ChoiceField(
        choices=ReferralService.choices,
        label="Refer to",
        error_messages={"required": "Choose who the referral is to."},
    )
    service_name = forms.CharField(
        max_length=200,
        required=False,
        label="Who exactly",
        help_text='For example "Camden leaving care team".',
    )
    consent_given_on = forms.DateField(
        label="The student agreed on",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the day the student agreed to the referral."},
    )
    consent_how = forms.CharField(
        max_length=200,
        label="How they agreed",
        help_text='For example "in person at the appointment".',
        error_messages={"required": "Say how the student agreed to the referral."},
    )
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
        label="What was shared and asked for",
    )


class ReferralCloseForm(_Form):
    prefix_id = "referral_outcome"

    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="What came of it",
        error_messages={"required": "Say what came of the referral."},
    )


class CloseForm(_Form):
    prefix_id = "close"

    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        label="Outcome",
        help_text="How the case ended. The student sees it and is told.",
        error_messages={"required": "Say how the case ended: the student sees it."},
    )


class ReopenForm(_Form):
    prefix_id = "reopen"

    reason = forms.CharField(max_length=500, required=False, label="Why it is re-opened")


class FollowUpForm(_Form):
    prefix_id = "follow_up"

    follow_up_on = forms.DateField(label="Follow up on", required=False, widget=DATE_WIDGET)
    reviewer = _adviser_field("Reviewer", required=False, empty_label="None")

    def __init__(self, *args: Any, advisers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = advisers  # type: ignore[attr-defined]


class CaseFilterForm(_Form):
    prefix_id = "filter"

    topic = forms.ChoiceField(choices=[("", "Any topic"), *CaseTopic.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Open or closed"), *CaseStatus.choices], required=False
    )


class AppointmentRequestForm(_Form):
    prefix_id = "ask"

    topic = forms.ChoiceField(
        choices=CaseTopic.choices,
        label="What would you like help with?",
        error_messages={"required": "Choose what you would like help with."},
    )
    request = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        label="Tell us a little more",
        help_text="Only the student support advisers read it.",
        error_messages={"required": "Say a little about what you would like help with."},
    )
    preferred_times = forms.CharField(
        max_length=200,
        required=False,
        label="When suits you",
        help_text='For example "Tuesday or Thursday afternoons".',
    )
    mode = forms.ChoiceField(
        choices=AppointmentMode.choices,
        label="How would you like to meet?",
        widget=forms.RadioSelect,
        initial=AppointmentMode.IN_PERSON,
        error_messages={"required": "Choose how you would like to meet."},
    )


class AppointmentBookForm(_Form):
    prefix_id = "book"

    starts_at = forms.DateTimeField(
        label="Day and time",
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "Choose the day and time."},
    )
    where = forms.CharField(
        max_length=200,
        label="Where, or how to join",
        help_text="A room, a video link or the number you will call.",
        error_messages={"required": "Say where, or how to join."},
    )
    adviser = _adviser_field("With", required=True)

    def __init__(self, *args: Any, advisers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers  # type: ignore[attr-defined]


class CaseFromAppointmentForm(_Form):
    prefix_id = "from_request"

    summary = forms.CharField(
        max_length=200,
        label="Summary",
        help_text="In words the student will see.",
        error_messages={"required": "Say what the case is about."},
    )
    assignee = _adviser_field("Adviser helping", required=False)
    follow_up_on = forms.DateField(label="Follow up on", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, advisers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = advisers  # type: ignore[attr-defined]
