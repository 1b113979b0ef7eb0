"""The rule set editor: groups of conditions, in a plain form that works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms

from widen.organisations.models import DataSharingAgreement, Partnership
from widen.targeting.criteria import CRITERIA

GROUPS = 4
CONDITIONS_PER_GROUP = 4


def _criterion_choices() -> list[tuple[str, Any]]:
    by_kind: dict[str, list[tuple[str, str]]] = {}
    kinds = {"area": "Area measures", "fact": "Learner facts", "education": "Education"}
    for key, criterion in CRITERIA.items():
        by_kind.setdefault(kinds[criterion.kind], []).append((key, _sentence(criterion.label)))
    return [("", "(no condition)"), *by_kind.items()]


def _value_hint(key: str) -> str:
    criterion = CRITERIA[key]
    if not criterion.takes_values:
        return "yes/no: leave the values empty"
    if key == "ethnicity":
        return "ethnic group codes, e.g. black_african, white_gypsy_irish_traveller"
    return ", ".join(str(value) for value, _ in criterion.choices)


def _sentence(label: str) -> str:
    """'IMD quintile' stays; 'young carer' → 'Young carer'."""
    return label[:1].upper() + label[1:]


CRITERION_HINTS = [
    (_sentence(criterion.label), _value_hint(key)) for key, criterion in CRITERIA.items()
]


class RuleSetForm(forms.Form):
    name = forms.CharField(max_length=120)
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the rule set decides. Needed to use care experience, disability or "
        "ethnicity.",
    )
    agreement = forms.ModelChoiceField(
        queryset=DataSharingAgreement.objects.none(),
        required=False,
        label="Data-sharing agreement",
        help_text="The agreement under which the rule set reads learners' data.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        agreement_field = self.fields["agreement"]
        assert isinstance(agreement_field, forms.ModelChoiceField)
        agreement_field.queryset = DataSharingAgreement.objects.filter(partnership=partnership)
        for group in range(1, GROUPS + 1):
            for number in range(1, CONDITIONS_PER_GROUP + 1):
                prefix = f"g{group}_c{number}"
                self.fields[f"{prefix}_criterion"] = forms.ChoiceField(
                    choices=_criterion_choices(),
                    required=False,
                    label=f"Group {group}, condition {number}",
                )
                self.fields[f"{prefix}_values"] = forms.CharField(
                    required=False,
                    max_length=400,
                    label=f"Group {group}, condition {number}: values",
                )
                self.fields[f"{prefix}_negate"] = forms.BooleanField(
                    required=False, label=f"Group {group}, condition {number}: not"
                )

    def groups(self) -> list[dict[str, Any]]:
        """The condition fields, group by group, for the template."""
        return [
            {
                "number": group,
                "conditions": [
                    {
                        "criterion": self[f"g{group}_c{number}_criterion"],
                        "values": self[f"g{group}_c{number}_values"],
                        "negate": self[f"g{group}_c{number}_negate"],
                    }
                    for number in range(1, CONDITIONS_PER_GROUP + 1)
                ],
            }
            for group in range(1, GROUPS + 1)
        ]

    def definition(self) -> dict[str, Any]:
        """The definition the filled-in conditions describe (checked by the service)."""
        groups = []
        for group in range(1, GROUPS + 1):
            conditions = []
            for number in range(1, CONDITIONS_PER_GROUP + 1):
                prefix = f"g{group}_c{number}"
                key = self.cleaned_data.get(f"{prefix}_criterion")
                if not key:
                    continue
                condition: dict[str, Any] = {"criterion": key}
                text = self.cleaned_data.get(f"{prefix}_values") or ""
                values = [value.strip() for value in text.replace(";", ",").split(",")]
                values = [value for value in values if value]
                if values:
                    condition["values"] = [_typed(key, value) for value in values]
                if self.cleaned_data.get(f"{prefix}_negate"):
                    condition["negate"] = True
                conditions.append(condition)
            if conditions:
                groups.append({"all": conditions})
        return {"any": groups}

    @classmethod
    def initial_for(cls, definition: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for group, conditions in enumerate(definition.get("any", [])[:GROUPS], start=1):
            for number, condition in enumerate(conditions.get("all", [])[:CONDITIONS_PER_GROUP], 1):
                prefix = f"g{group}_c{number}"
                initial[f"{prefix}_criterion"] = condition.get("criterion", "")
                initial[f"{prefix}_values"] = ", ".join(
                    str(value) for value in condition.get("values", [])
                )
                initial[f"{prefix}_negate"] = bool(condition.get("negate"))
        return initial


def _typed(key: str, value: str) -> Any:
    """A value as the criterion holds it: 'Year 9', 'Q1' and '9' all mean 9 where numbers are."""
    criterion = CRITERIA.get(key)
    if criterion is None:
        return value
    for choice, label in criterion.choices:
        if value.casefold() in (str(choice).casefold(), str(label).casefold()):
            return choice
    return value
