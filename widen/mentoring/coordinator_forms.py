"""The coordinator's forms: a programme (its weights as points per criterion, in words), a
mentor's checks, a mentor's capacity, pupils to add, and two pairs to swap."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.mentoring.matching import CRITERIA
from widen.mentoring.models import MenteesAre, MentoringProgramme, NeverPairReason
from widen.mentoring.services.programmes import (
    CRITERION_WORDS,
    MOST_CAPACITY,
    MOST_WEEKS,
    MOST_WEIGHT,
)
from widen.organisations.models import Organisation, Partnership
from widen.students.member_groups import member_groups_at

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def weight_field(criterion: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=CRITERION_WORDS[criterion],
        min_value=0,
        max_value=MOST_WEIGHT,
        help_text=f"Points, 0 to {MOST_WEIGHT}.",
        error_messages={
            "required": f"Give {CRITERION_WORDS[criterion].lower()} a number of points.",
            "invalid": "Give a whole number of points.",
            "min_value": f"Give 0 to {MOST_WEIGHT} points.",
            "max_value": f"Give 0 to {MOST_WEIGHT} points.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ProgrammeForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="The organisation that runs the programme.",
        error_messages={"invalid_choice": "Choose one of your organisations."},
    )
    name = forms.CharField(max_length=120)
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="What the programme is for, as mentors read it.",
    )
    mentees_are = forms.ChoiceField(label="Mentees are", choices=MenteesAre.choices)
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        required=False,
        empty_label="None (a programme for students)",
        help_text="For school pupils: the partnership the programme runs in.",
    )
    mentees_must_belong_to = forms.ChoiceField(
        label="Mentees must belong to",
        required=False,
        help_text="Only students in this group may apply as mentees.",
    )
    cohort_starts_on = forms.DateField(
        label="The cohort starts on", required=False, widget=DATE_WIDGET
    )
    cohort_ends_on = forms.DateField(label="The cohort ends on", required=False, widget=DATE_WIDGET)
    meeting_expectations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text='For example "an hour a month, online or in person".',
    )
    check_in_weeks = forms.IntegerField(
        label="Check in every (weeks)", min_value=1, max_value=MOST_WEEKS
    )
    quiet_after_weeks = forms.IntegerField(
        label="Going quiet after (weeks)",
        min_value=1,
        max_value=MOST_WEEKS,
        help_text="A pair with no meeting for this long is shown to you as going quiet.",
    )
    is_open = forms.BooleanField(
        label="Open to applications", required=False, help_text="Mentors and mentees may apply."
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        programme: MentoringProgramme | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[f"weight_{criterion}"] = weight_field(criterion)
        organisation = programme.organisation if programme else None
        if programme is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            organisation = organisations.first()
        self.fields["partnership"].queryset = (  # type: ignore[attr-defined]
            Partnership.objects.filter(members__in=organisations).distinct().order_by("name")
        )
        groups = member_groups_at(organisation) if organisation is not None else []
        if programme is None and organisations.count() > 1:
            groups = [g for o in organisations for g in member_groups_at(o)]
        self.fields["mentees_must_belong_to"].choices = [  # type: ignore[attr-defined]
            ("", "Any of the organisation's students"),
            *groups,
        ]

    @staticmethod
    def initial_for(programme: MentoringProgramme | None) -> dict[str, Any]:
        if programme is None:
            from widen.mentoring.models.people import default_weights  # noqa: PLC0415

            weights = default_weights()
            return {
                "check_in_weeks": 4,
                "quiet_after_weeks": 4,
                "is_open": True,
                **{f"weight_{c}": weights[c] for c in CRITERIA},
            }
        return {
            **{
                name: getattr(programme, name)
                for name in (
                    "name",
                    "purpose",
                    "mentees_are",
                    "mentees_must_belong_to",
                    "cohort_starts_on",
                    "cohort_ends_on",
                    "meeting_expectations",
                    "check_in_weeks",
                    "quiet_after_weeks",
                    "is_open",
                )
            },
            "partnership": programme.partnership_id,
            **{f"weight_{c}": programme.weights.get(c, 0) for c in CRITERIA},
        }

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "mentees_are": data["mentees_are"],
            "partnership": data["partnership"],
            "mentees_must_belong_to": data["mentees_must_belong_to"],
            "cohort_starts_on": data["cohort_starts_on"],
            "cohort_ends_on": data["cohort_ends_on"],
            "meeting_expectations": data["meeting_expectations"],
            "check_in_weeks": data["check_in_weeks"],
            "quiet_after_weeks": data["quiet_after_weeks"],
            "is_open": data["is_open"],
            "weights": {c: data[f"weight_{c}"] for c in CRITERIA},
        }


class MentorChecksForm(forms.Form):
    training_completed_on = forms.DateField(
        label="Training completed on", required=False, widget=DATE_WIDGET
    )
    dbs_certificate_number = forms.CharField(
        label="Enhanced DBS certificate number",
        required=False,
        max_length=20,
        help_text="12 digits. Leave empty when there is no enhanced DBS check.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    dbs_issued_on = forms.DateField(
        label="DBS certificate issued on", required=False, widget=DATE_WIDGET
    )
    dbs_update_service = forms.BooleanField(
        label="On the DBS update service",
        required=False,
        help_text="The certificate can be checked online at any time.",
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label="Mentees they can take",
        min_value=0,
        max_value=MOST_CAPACITY,
        error_messages={
            "required": "Give how many mentees they can take.",
            "min_value": f"Give 0 to {MOST_CAPACITY}.",
            "max_value": f"Give 0 to {MOST_CAPACITY}.",
        },
    )


class PupilsForm(forms.Form):
    learners: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Pupils to add",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the pupils to add."},
    )

    def __init__(self, *args: Any, learners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["learners"]
        field.queryset = learners  # type: ignore[attr-defined]
        field.label_from_instance = lambda learner: (  # type: ignore[attr-defined]
            f"{learner.preferred_name or learner.first_name} {learner.last_name}"
        )


class SwapForm(forms.Form):
    first = forms.ChoiceField(label="This pair")
    second = forms.ChoiceField(label="Swaps mentors with this pair")

    def __init__(self, *args: Any, pairs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].choices = [("", "Choose a pair"), *pairs]  # type: ignore[attr-defined]


class NeverPairForm(forms.Form):
    mentor = forms.ChoiceField(label="Mentor", error_messages={"required": "Choose the mentor."})
    mentee = forms.ChoiceField(label="Mentee", error_messages={"required": "Choose the mentee."})
    reason = forms.ChoiceField(
        label="Why they must never be paired",
        choices=[("", "Choose why"), *NeverPairReason.choices],
        error_messages={"required": "Choose why they must never be paired."},
    )
    note = forms.CharField(
        label="What coordinators should know",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text="Seen only by the programme's coordinators.",
    )

    def __init__(
        self,
        *args: Any,
        mentors: list[tuple[str, str]],
        mentees: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [("", "Choose a mentor"), *mentors]  # type: ignore[attr-defined]
        self.fields["mentee"].choices = [("", "Choose a mentee"), *mentees]  # type: ignore[attr-defined]


class PupilSignInForm(forms.Form):
    email = forms.EmailField(
        label="The pupil's own e-mail address",
        max_length=254,
        help_text="A school address is best. The sign-in link goes there.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the pupil's own e-mail address."},
    )
    consent_by_pupil = forms.BooleanField(
        label="The pupil agreed themselves (16 or over)",
        required=False,
        help_text="Under 16, a parent or carer agrees for them.",
    )
    consent_given_by = forms.CharField(
        label="Or the parent or carer who agreed",
        max_length=200,
        required=False,
        help_text='Their name and relationship, for example "Jo Okafor, mother".',
    )
    consent_given_on = forms.DateField(
        label="Consent given on",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date consent was given."},
    )
