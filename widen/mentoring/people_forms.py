"""The forms of mentors' and mentees' own pages: registering as a mentor, a mentor's profile,
joining another programme, applying as a mentee, declining an introduction. What they accept is
checked again by `widen.mentoring.services.people`."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.mentoring.matching_explain import DAYS, PARTS
from widen.mentoring.models import LivedExperience, Mode
from widen.mentoring.services.people import (
    AVAILABILITY,
    DECLINE_REASON_LIMIT,
    LONGEST_CODE,
    MOST_CODES,
    MOST_MENTEES,
    TEXT_LIMITS,
)

AVAILABILITY_CHOICES = [
    (slot, f"{DAYS[slot.split('-')[0]]} {PARTS[slot.split('-')[1]]}") for slot in AVAILABILITY
]
CAPACITY_CHOICES = [(n, str(n)) for n in range(1, MOST_MENTEES + 1)]


class WordsField(forms.CharField):
    """A few words or phrases separated by commas ("finance, audit"), read as a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MOST_CODES * (LONGEST_CODE + 2))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        words = [" ".join(part.split()) for part in str(text or "").split(",")]
        words = [word for word in words if word]
        if len(words) > MOST_CODES:
            raise forms.ValidationError(f"List {MOST_CODES} at most.")
        if any(len(word) > LONGEST_CODE for word in words):
            raise forms.ValidationError(f"Keep each one to {LONGEST_CODE} characters at most.")
        return words


def _ticks(label: str, choices: Any, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


def _text(name: str, label: str, help_text: str = "", *, long: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMITS[name],
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}) if long else None,
    )


class MentorProfileForm(forms.Form):
    """What a mentor offers: shown to coordinators, and to a mentee they are matched with (their
    job, employer, industries, career path and studies)."""

    employer = forms.ChoiceField(
        label="Your employer, if it is one of these organisations",
        required=False,
        help_text="Organisations of the programme's partnership.",
    )
    employer_name = _text("employer_name", "Who you work for")
    job_role = _text("job_role", "Your job")
    industries = WordsField(
        label="Industries and sectors you work in",
        help_text='Separate them with commas, for example "finance, accountancy".',
    )
    career_path = WordsField(
        label="Careers you can talk about",
        help_text='Separate them with commas, for example "audit, tax".',
    )
    is_alumnus = forms.BooleanField(
        label="I studied at the university or college that runs the programme", required=False
    )
    studied_at = _text("studied_at", "Where you studied", "Leave empty if you did not.")
    studied_subject = _text("studied_subject", "What you studied")
    location = _text(
        "location", "Where you can meet in person", "A town or city, for example Leicester."
    )
    modes = _ticks("How you can meet", Mode.choices)
    languages = WordsField(
        label="Languages you can mentor in", help_text="Separate them with commas."
    )
    availability = _ticks("When you are usually free", AVAILABILITY_CHOICES)
    lived_experience = _ticks(
        "Backgrounds you are willing to share with a mentee",
        LivedExperience.choices,
        "Only if you want to: it helps us match you with a student who asked for a mentor who "
        "shares their background. A mentee sees it only as the reason you were matched.",
    )
    preferences = _text(
        "preferences", "Anything else about who you would like to mentor", long=True
    )

    def __init__(self, *args: Any, employers: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if employers:
            employer = self.fields["employer"]
            assert isinstance(employer, forms.ChoiceField)
            employer.choices = [
                ("", "None of these"),
                *[(str(organisation.pk), organisation.name) for organisation in employers],
            ]
        else:
            del self.fields["employer"]

    def profile(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "employer"}


class MentorRegistrationForm(MentorProfileForm):
    """Becoming a mentor of a programme, without a staff account."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        help_text="We send you a link to sign in: you need no password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    capacity = forms.TypedChoiceField(
        label="How many mentees you can take",
        choices=CAPACITY_CHOICES,
        coerce=int,
        initial=1,
    )
    code_of_conduct = forms.BooleanField(
        label="I agree to the code of conduct above",
        error_messages={"required": "Agree to the code of conduct to register as a mentor."},
    )

    field_order = ["first_name", "last_name", "email"]

    def profile(self) -> dict[str, Any]:
        own = {"first_name", "last_name", "email", "capacity", "code_of_conduct"}
        return {name: value for name, value in super().profile().items() if name not in own}


class JoinForm(forms.Form):
    capacity = forms.TypedChoiceField(
        label="How many mentees you can take in this programme",
        choices=CAPACITY_CHOICES,
        coerce=int,
        initial=1,
    )


class MenteeApplicationForm(forms.Form):
    goals = _text(
        "goals",
        "What you would like from mentoring",
        "For example: to find out what working in audit is like, and how to get an internship.",
        long=True,
    )
    industries = WordsField(
        label="Industries you are interested in", help_text="Separate them with commas."
    )
    careers = WordsField(
        label="Careers you are interested in", help_text="Separate them with commas."
    )
    location = _text("location", "Where you could meet in person", "A town or city.")
    modes = _ticks("How you could meet", Mode.choices)
    availability = _ticks("When you are usually free", AVAILABILITY_CHOICES)
    languages = WordsField(
        label="Languages you would like to be mentored in",
        help_text="Separate them with commas.",
    )
    wants_shared = _ticks(
        "Backgrounds you would like your mentor to share, if possible",
        LivedExperience.choices,
    )
    shared_with_mentor = _ticks(
        "Which of these about you may your mentor see?",
        LivedExperience.choices,
        "Your mentor sees only what you tick here, with your first name, what you want from "
        "mentoring and your interests. Nothing else of your record is shown to them.",
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why is this not the right match for you?",
        max_length=DECLINE_REASON_LIMIT,
        help_text="The other person and the coordinators read this: please keep it kind.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why, in a sentence the other person may read."},
    )
