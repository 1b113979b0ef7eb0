"""The "who accessed" search: which learners (found by name or UPN among those the person's
organisations hold) and between which days."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from widen.learners.models import Learner

MOST_FOUND = 50
MOST_CHOSEN = 50
LONGEST_WINDOW_DAYS = 366 * 7


def learner_label(learner: Learner) -> str:
    born = learner.date_of_birth
    school = f", {learner.school}" if learner.school_id else ""
    return f"{learner.first_name} {learner.last_name}, born {born.day} {born:%B %Y}{school}"


def learners_matching(learners: QuerySet[Learner], search: str) -> QuerySet[Learner]:
    """Each word in a first, last or preferred name; or the UPN or the holder's reference."""
    words = search.replace(",", " ").split()[:4]
    if not words:
        return learners.none()
    names = Q()
    for word in words:
        names &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    exact = search.strip()
    return learners.filter(names | Q(upn__iexact=exact) | Q(reference__iexact=exact))


class WhoAccessedForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Find learners",
        help_text="A name, UPN or your reference for a learner your organisation holds.",
    )
    learner = forms.MultipleChoiceField(
        required=False,
        label="Learners",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose learners from the list: search for them, then tick them."
        },
    )
    starts = forms.DateField(
        label="From",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": "Enter the first day to search from.",
            "invalid": "Enter the first day as year-month-day, for example 2026-11-01.",
        },
    )
    ends = forms.DateField(
        label="To",
        help_text="The whole of this day is included.",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": "Enter the last day to search to.",
            "invalid": "Enter the last day as year-month-day, for example 2026-11-30.",
        },
    )

    def __init__(self, *args: Any, learners: QuerySet[Learner], **kwargs: Any) -> None:
        """`learners`: those the person may search (their organisations' own)."""
        super().__init__(*args, **kwargs)
        self.searchable = learners
        raw = self.data.getlist("learner") if hasattr(self.data, "getlist") else []
        chosen_ids = [value for value in raw if _is_uuid(value)][:MOST_CHOSEN]
        chosen = list(learners.filter(pk__in=chosen_ids).select_related("school"))
        search = str(self.data.get("q", "") or "").strip()[:100]
        found = (
            list(
                learners_matching(learners, search)
                .exclude(pk__in=[learner.pk for learner in chosen])
                .select_related("school")
                .order_by("last_name", "first_name", "pk")[:MOST_FOUND]
            )
            if search
            else []
        )
        self.found = found
        learner_field = self.fields["learner"]
        assert isinstance(learner_field, forms.MultipleChoiceField)
        learner_field.choices = [
            (str(learner.pk), learner_label(learner)) for learner in chosen + found
        ]
        self.searched = bool(search)
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["starts"].initial = today - timedelta(days=30)
            self.fields["ends"].initial = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts: date | None = data.get("starts")
        ends: date | None = data.get("ends")
        if starts and ends:
            if ends < starts:
                self.add_error("ends", "The end is before the start: choose a later day.")
            elif (ends - starts).days > LONGEST_WINDOW_DAYS:
                self.add_error("ends", "Choose a window of at most seven years.")
        return data

    def chosen_learners(self) -> list[Learner]:
        ids = self.cleaned_data.get("learner") or []
        return list(
            self.searchable.filter(pk__in=ids)
            .select_related("school")
            .order_by("last_name", "first_name", "pk")
        )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
