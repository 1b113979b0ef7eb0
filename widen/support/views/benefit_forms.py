"""The form of a scheme's benefit: what kind, its title and description, and the event, award
scheme or opportunity's details (who offers it, its link, members first until)."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.events.models import Event
from widen.support.models import AwardScheme, BenefitKind
from widen.support.services.benefits import BenefitDetails

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _event_label(event: Event) -> str:
    return f"{event.title}, {event.starts_at:%d/%m/%Y}"


class BenefitForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of benefit",
        choices=BenefitKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of benefit it is."},
    )
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="What members will recognise. An event or award may keep its own name.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    offered_by = forms.CharField(
        label="Offered by (opportunities)",
        max_length=120,
        required=False,
        help_text='For example "Careers service" or "Students\' union".',
    )
    link = forms.URLField(
        assume_scheme="https",
        label="Link (opportunities)",
        required=False,
        help_text="Where members find out more or sign up.",
        error_messages={"invalid": "Enter a full web address, starting https://"},
    )
    members_first_until = forms.DateField(
        label="Members first until (opportunities)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Offered only to members until this date, then to every student.",
    )
    event_id: forms.ModelChoiceField[Event] = forms.ModelChoiceField(
        label="Event (workshops and networking events)",
        queryset=Event.objects.none(),
        required=False,
        empty_label="Choose an event",
        help_text="Once offered here, only the scheme's members see and book it.",
    )
    award_scheme_id = forms.ModelChoiceField(
        label="Award scheme (bursaries and awards)",
        queryset=AwardScheme.objects.none(),
        required=False,
        empty_label="Choose an award scheme",
    )
    is_active = forms.BooleanField(label="Offered now", required=False, initial=True)

    def __init__(
        self, *args: Any, events: Any, award_schemes: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        event_field = self.fields["event_id"]
        award_field = self.fields["award_scheme_id"]
        assert isinstance(event_field, forms.ModelChoiceField)
        assert isinstance(award_field, forms.ModelChoiceField)
        event_field.queryset = events
        event_field.label_from_instance = _event_label  # type: ignore[method-assign,assignment]
        award_field.queryset = award_schemes
        if not award_schemes.exists():
            award_field.help_text = "No award schemes yet."
        if editing:
            del self.fields["kind"]
        else:
            del self.fields["is_active"]

    def details(self, kind: str) -> BenefitDetails:
        data = self.cleaned_data
        event, award_scheme = data.get("event_id"), data.get("award_scheme_id")
        return BenefitDetails(
            kind=kind,
            title=data.get("title", ""),
            description=data.get("description", ""),
            offered_by=data.get("offered_by", ""),
            link=data.get("link", ""),
            event_id=event.pk if event else None,
            award_scheme_id=award_scheme.pk if award_scheme else None,
            members_first_until=data.get("members_first_until"),
        )
