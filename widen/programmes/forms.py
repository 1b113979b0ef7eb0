"""The programme designer: a stage per year group, in a plain form that works without
JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.organisations.models import Partnership
from widen.programmes.models import ActivityType
from widen.programmes.services import PROGRAMME_YEAR_GROUPS
from widen.targeting.models import RuleSet


class ProgrammeForm(forms.Form):
    name = forms.CharField(max_length=160)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    rule_set = forms.ModelChoiceField(
        queryset=RuleSet.objects.none(),
        required=False,
        label="Eligibility rule set",
        help_text="Who the programme is for; its eligible learners can be enrolled together.",
    )
    sustained_hours = forms.DecimalField(
        initial=10, min_value=0.25, max_digits=6, decimal_places=2, label="Sustained: hours"
    )
    sustained_activities = forms.IntegerField(initial=3, min_value=1, label="Sustained: activities")
    sustained_years = forms.IntegerField(
        initial=2, min_value=1, max_value=5, label="Sustained: academic years"
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].queryset = RuleSet.objects.filter(  # type: ignore[attr-defined]
            partnership=partnership
        )
        types = ActivityType.objects.all()
        for year in PROGRAMME_YEAR_GROUPS:
            self.fields[f"year_{year}_hours"] = forms.DecimalField(
                required=False,
                min_value=0.25,
                max_digits=6,
                decimal_places=2,
                label=f"Year {year}: target hours",
                help_text="Leave empty for no stage in this year group.",
            )
            for kind in ("required", "optional"):
                self.fields[f"year_{year}_{kind}"] = forms.ModelMultipleChoiceField(
                    queryset=types,
                    required=False,
                    label=f"Year {year}: {kind} activity types",
                    widget=forms.CheckboxSelectMultiple,
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for year in PROGRAMME_YEAR_GROUPS:
            chosen = cleaned.get(f"year_{year}_required") or cleaned.get(f"year_{year}_optional")
            if chosen and cleaned.get(f"year_{year}_hours") is None:
                self.add_error(
                    f"year_{year}_hours",
                    f"Give Year {year} target hours, or untick its activity types.",
                )
        return cleaned

    def stage_fields(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (
                year,
                self[f"year_{year}_hours"],
                self[f"year_{year}_required"],
                self[f"year_{year}_optional"],
            )
            for year in PROGRAMME_YEAR_GROUPS
        ]
