"""The forms of a pair's space: a goal and its review, a meeting, a check-in's answer, a
message, a concern, ending the relationship and feedback. Each has its own id prefix, so they
sit together on the pair's page; the services decide the rest (dates, states, who may)."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.mentoring.models import HowItIsGoing, MeetingMode

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Form(forms.Form):
    prefix_id = "pair"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)


class GoalForm(_Form):
    prefix_id = "goal"

    text = forms.CharField(
        label="A goal you agreed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='What the mentee wants to achieve, for example "apply for a summer internship".',
        error_messages={"required": "Say what the goal is."},
    )


class GoalReviewForm(_Form):
    prefix_id = "review"

    outcome = forms.ChoiceField(
        label="How did it go?",
        choices=[("achieved", "Achieved"), ("changed", "Changed")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the goal was achieved or changed."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="If it changed, say how.",
    )


class MeetingForm(_Form):
    prefix_id = "meeting"

    held_on = forms.DateField(
        label="When you met",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the day you met.",
            "invalid": "Enter the day you met as a date.",
        },
    )
    mode = forms.ChoiceField(
        label="How you met",
        choices=MeetingMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how you met."},
    )
    minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Say how long it lasted, in minutes.",
            "min_value": "Say how long it lasted, from 1 to 600 minutes.",
            "max_value": "Say how long it lasted, from 1 to 600 minutes.",
            "invalid": "Say how long it lasted as a whole number of minutes.",
        },
    )
    note = forms.CharField(
        label="A short note",
        required=False,
        max_length=500,
        help_text="What you talked about, in a line.",
    )


class CheckInForm(_Form):
    prefix_id = "check_in"

    how_it_is_going = forms.ChoiceField(
        label="How is it going?",
        choices=HowItIsGoing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how it is going."},
    )
    note = forms.CharField(
        label="Anything to add",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageForm(_Form):
    prefix_id = "message"

    body = forms.CharField(
        label="Your message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Messages are kept as sent, and the programme's coordinators may read them if "
        "a concern is raised.",
        error_messages={"required": "Write your message."},
    )


class ConcernForm(_Form):
    prefix_id = "concern"

    reason = forms.CharField(
        label="What worries you",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what worries you."},
    )


class EndForm(_Form):
    prefix_id = "end"

    reason = forms.CharField(
        label="Why it is ending",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both sides read this.",
        error_messages={"required": "Say why the relationship is ending."},
    )


class FeedbackForm(_Form):
    prefix_id = "feedback"

    rating = forms.TypedChoiceField(
        label="How was it, from 1 (poor) to 5 (excellent)?",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Rate it from 1 (poor) to 5 (excellent)."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
