"""Forms for planning activities and sessions (plain HTML forms that work without JavaScript)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from widen.activities.services import YEAR_GROUPS
from widen.core.forms import sheet_field, spreadsheet_field
from widen.organisations.models import Organisation, OrganisationType, Partnership
from widen.programmes.models import ActivitySubType


class SubTypeChoiceField(forms.ModelChoiceField[ActivitySubType]):
    def label_from_instance(self, obj: ActivitySubType) -> str:
        return f"{obj.activity_type.name}: {obj.name}"


class ActivityForm(forms.Form):
    delivered_by = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Delivered by"
    )
    name = forms.CharField(max_length=160)
    sub_type = SubTypeChoiceField(
        queryset=ActivitySubType.objects.none(),
        label="Type of activity",
        help_text="The MOAT activity type and sub-type, as TASO's tool classifies outreach.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        deliverers: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].queryset = deliverers  # type: ignore[attr-defined]
        if deliverers.count() == 1:  # the person delivers for one organisation: it is chosen
            self.fields["delivered_by"].empty_label = None  # type: ignore[attr-defined]
        self.fields["sub_type"].queryset = ActivitySubType.objects.filter(  # type: ignore[attr-defined]
            Q(partnership=None) | Q(partnership=partnership)
        ).select_related("activity_type")


class SchoolChoiceField(forms.ModelChoiceField[Organisation]):
    """Schools, each saying whether the person planning can see its pupils by name (and so put
    them on the register themselves)."""

    unseen: set[Any]

    def label_from_instance(self, obj: Organisation) -> str:
        if obj.pk in getattr(self, "unseen", set()):
            return f"{obj.name} (you cannot see its pupils: its staff take the register)"
        return obj.name


def _session_time(when: str, *, example: str) -> forms.TimeField:
    """The time the session starts or ends (`when`), with the browser's time picker."""
    return forms.TimeField(
        label=when.capitalize(),
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={
            "required": f"Enter the time the session {when}",
            "invalid": f"Enter the time the session {when}, e.g. {example}",
        },
    )


class SessionForm(forms.Form):
    date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the session's date",
            "invalid": "Enter the session's date as day, month and year",
        },
    )
    starts_at = _session_time("starts", example="09:30")
    ends_at = _session_time("ends", example="15:00")
    contact_hours = forms.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=2,
        help_text="Leave empty to count the time from start to end.",
    )
    venue = forms.CharField(max_length=200, required=False)
    online_link = forms.URLField(
        required=False,
        label="Online link",
        assume_scheme="https",
        help_text="For an online session.",
    )
    year_groups = forms.TypedMultipleChoiceField(
        choices=[(group, f"Year {group}") for group in YEAR_GROUPS],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    school = SchoolChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text=(
            "When the session is for one school's pupils. You put on its register the pupils "
            "you can see by name; for a school whose pupils you cannot see, its staff (or the "
            "partner holding their records, delivering with you) take the register."
        ),
    )
    capacity = forms.IntegerField(min_value=1, required=False)
    joint_partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Delivered jointly with",
        widget=forms.CheckboxSelectMultiple,
    )
    student_ambassadors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Student ambassadors"
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        schools_seen: Callable[[Iterable[Any]], set[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        members = partnership.members.all()
        schools = members.filter(organisation_type=OrganisationType.SCHOOL)
        school_field = self.fields["school"]
        assert isinstance(school_field, SchoolChoiceField)
        school_field.queryset = schools
        if schools_seen is not None:
            keys = list(schools.values_list("pk", flat=True))
            school_field.unseen = set(keys) - schools_seen(keys)
        # Partners who deliver outreach together: universities, charities, local authorities
        # and employers (a school is who a session is for).
        self.fields["joint_partners"].queryset = members.exclude(  # type: ignore[attr-defined]
            organisation_type=OrganisationType.SCHOOL
        )


class RegisterUploadForm(forms.Form):
    register = spreadsheet_field(
        label="Register",
        help_text=(
            "A .csv or .xlsx file with a row per learner: their UPN, or their legal first name, "
            "last name and date of birth (and the school's URN if you like), and an attendance "
            "column saying attended or absent (Y or N), or empty to put them on unmarked."
        ),
    )
    sheet = sheet_field(looks_like="looks like a register")
