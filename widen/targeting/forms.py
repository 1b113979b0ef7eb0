"""The rule set editor: groups of conditions, in a plain form that works without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from widen.organisations.models import DataSharingAgreement, Partnership
from widen.targeting.criteria import CRITERIA, Criterion

MAX_GROUPS = 10
MAX_CONDITIONS = 10
YES, NO = "yes", "no"


KINDS = {"area": "Area measures", "fact": "Learner facts", "education": "Education"}


def _criterion_choices(
    empty: str, criteria: Mapping[str, Criterion] = CRITERIA, kinds: Mapping[str, str] = KINDS
) -> list[tuple[str, Any]]:
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for key, criterion in criteria.items():
        by_kind.setdefault(kinds[criterion.kind], []).append((key, _sentence(criterion.label)))
    return [("", empty), *by_kind.items()]


def _sentence(label: str) -> str:
    """'IMD quintile' stays; 'young carer' → 'Young carer'."""
    return label[:1].upper() + label[1:]


def _prefixes_in(
    data: Any, criteria: Mapping[str, Criterion] = CRITERIA
) -> list[tuple[int, list[tuple[int, str]]]]:
    """The conditions a submitted form holds, as (group, [(condition, criterion key)])."""
    groups = []
    for group in range(1, MAX_GROUPS + 1):
        conditions = [
            (number, str(data.get(f"g{group}_c{number}_criterion")))
            for number in range(1, MAX_CONDITIONS + 1)
            if data.get(f"g{group}_c{number}_criterion") in criteria
        ]
        if conditions:
            groups.append((group, conditions))
    return groups


class ConditionsForm(forms.Form):
    """Conditions group by group: the editor a rule set and a students' support scheme share.

    Conditions are added one at a time: each group ends with "Add a condition", a list of the
    criteria and a button that sends the form back with one more condition (the page works without
    JavaScript). A condition's values are chosen from its criterion's list (quintiles, deciles,
    year groups, ethnic groups) or, for a learner fact, answered yes or no.

    A form of another list of criteria (students' support schemes) names it in `criteria`.
    """

    criteria: Mapping[str, Criterion] = CRITERIA
    kinds: Mapping[str, str] = KINDS

    def __init__(
        self, *args: Any, conditions: list[list[str]] | None = None, **kwargs: Any
    ) -> None:
        """`conditions` (criterion keys, group by group) lays out an unbound form; a bound form
        has the conditions its data names."""
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.layout = _prefixes_in(self.data, self.criteria)
        else:
            self.layout = [
                (group, list(enumerate(keys[:MAX_CONDITIONS], start=1)))
                for group, keys in enumerate(
                    [keys for keys in (conditions or []) if keys][:MAX_GROUPS], start=1
                )
            ]
        for group, numbered in self.layout:
            for number, key in numbered:
                self._add_condition_fields(group, number, key)
        for group in [*self.group_numbers(), self.next_group()]:
            if group <= MAX_GROUPS:
                self.fields[f"g{group}_new"] = forms.ChoiceField(
                    choices=_criterion_choices("Choose a condition", self.criteria, self.kinds),
                    required=False,
                    label=(
                        f"Add a condition to group {group}"
                        if group in self.group_numbers()
                        else "Add a condition in a new group"
                        if self.layout
                        else "First condition"
                    ),
                )

    def _add_condition_fields(self, group: int, number: int, key: str) -> None:
        criterion = self.criteria[key]
        prefix = f"g{group}_c{number}"
        name = _sentence(criterion.label)
        self.fields[f"{prefix}_criterion"] = forms.CharField(widget=forms.HiddenInput)
        if criterion.takes_values:
            self.fields[f"{prefix}_values"] = forms.MultipleChoiceField(
                choices=[(str(value), label) for value, label in criterion.choices],
                widget=forms.CheckboxSelectMultiple,
                label=f"{name}: any of",
                error_messages={
                    "required": f"Choose at least one {criterion.label} value.",
                    "invalid_choice": f"Choose {criterion.label} values from the list.",
                },
            )
            self.fields[f"{prefix}_negate"] = forms.BooleanField(
                required=False,
                label=f"Turn round: eligible when the {criterion.label} is not one of these",
            )
        else:
            self.fields[f"{prefix}_holds"] = forms.ChoiceField(
                choices=[(YES, "Yes"), (NO, "No")],
                widget=forms.RadioSelect,
                initial=YES,
                label=name,
                error_messages={"required": f"Choose yes or no for {criterion.label}."},
            )

    def group_numbers(self) -> list[int]:
        return [group for group, _ in self.layout]

    def next_group(self) -> int:
        return max(self.group_numbers(), default=0) + 1

    def groups(self) -> list[dict[str, Any]]:
        """The condition fields, group by group, for the template."""
        return [
            {
                "number": group,
                "conditions": [
                    {
                        "id": f"g{group}_c{number}",
                        "label": _sentence(self.criteria[key].label),
                        "criterion": self[f"g{group}_c{number}_criterion"],
                        "values": self[f"g{group}_c{number}_values"]
                        if self.criteria[key].takes_values
                        else None,
                        "negate": self[f"g{group}_c{number}_negate"]
                        if self.criteria[key].takes_values
                        else None,
                        "holds": None
                        if self.criteria[key].takes_values
                        else self[f"g{group}_c{number}_holds"],
                    }
                    for number, key in numbered
                ],
                "add": self[f"g{group}_new"],
            }
            for group, numbered in self.layout
        ]

    def new_group(self) -> forms.BoundField | None:
        name = f"g{self.next_group()}_new"
        return self[name] if name in self.fields else None

    def definition(self) -> dict[str, Any]:
        """The definition the conditions describe (checked again by the service)."""
        groups = []
        for group, numbered in self.layout:
            conditions = []
            for number, key in numbered:
                prefix = f"g{group}_c{number}"
                condition: dict[str, Any] = {"criterion": key}
                if self.criteria[key].takes_values:
                    values = self.cleaned_data.get(f"{prefix}_values") or []
                    condition["values"] = [_typed(key, value, self.criteria) for value in values]
                    if self.cleaned_data.get(f"{prefix}_negate"):
                        condition["negate"] = True
                elif self.cleaned_data.get(f"{prefix}_holds") == NO:
                    condition["negate"] = True
                conditions.append(condition)
            groups.append({"all": conditions})
        return {"any": groups}

    @classmethod
    def draft(cls, data: Any, *, add: str = "", remove: str = "") -> tuple[dict[str, Any], str]:
        """The conditions as submitted, unchecked, with one condition added (`add` names a group,
        e.g. "g2", whose "Add a condition" list was used) or removed (`remove` names a condition,
        e.g. "g1_c3"), numbered afresh.

        Returns the form's initial values and the id of the element to focus next.
        """
        groups: list[list[dict[str, Any]]] = []
        added: tuple[int, int] | None = None  # (index of the group, number of the condition)
        removed_from: int | None = None
        prefixes = _prefixes_in(data, cls.criteria)
        for group, numbered in prefixes:
            conditions = []
            for number, key in numbered:
                prefix = f"g{group}_c{number}"
                if prefix == remove:
                    removed_from = len(groups)
                    continue
                conditions.append(
                    {
                        "criterion": key,
                        "values": [str(value) for value in data.getlist(f"{prefix}_values")],
                        "negate": data.get(f"{prefix}_negate") == "on"
                        or data.get(f"{prefix}_holds") == NO,
                    }
                )
            new = data.get(f"g{group}_new")
            if add == f"g{group}" and new in cls.criteria and len(conditions) < MAX_CONDITIONS:
                conditions.append({"criterion": new, "values": [], "negate": False})
                added = (len(groups), len(conditions))
            groups.append(conditions)
        next_group = max((group for group, _ in prefixes), default=0) + 1
        new = data.get(f"g{next_group}_new")
        if add == f"g{next_group}" and new in cls.criteria and next_group <= MAX_GROUPS:
            groups.append([{"criterion": new, "values": [], "negate": False}])
            added = (len(groups) - 1, 1)
        kept: list[list[dict[str, Any]]] = []
        focus = ""
        for index, conditions in enumerate(groups):
            if conditions:
                kept.append(conditions)
            if added is not None and added[0] == index:
                focus = f"condition-g{len(kept)}_c{added[1]}"
            if removed_from == index:
                focus = f"id_g{len(kept) + (0 if conditions else 1)}_new"
        if add and not focus:
            focus = f"id_{add}_new"
        return cls.initial_for({"any": [{"all": conditions} for conditions in kept]}), focus

    @classmethod
    def initial_for(cls, definition: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"conditions": []}
        for group, conditions in enumerate(definition.get("any", [])[:MAX_GROUPS], start=1):
            keys = []
            known = [c for c in conditions.get("all", []) if c.get("criterion") in cls.criteria]
            for number, condition in enumerate(known[:MAX_CONDITIONS], 1):
                key = condition["criterion"]
                keys.append(key)
                prefix = f"g{group}_c{number}"
                initial[f"{prefix}_criterion"] = key
                if cls.criteria[key].takes_values:
                    initial[f"{prefix}_values"] = [str(v) for v in condition.get("values", [])]
                    initial[f"{prefix}_negate"] = bool(condition.get("negate"))
                else:
                    initial[f"{prefix}_holds"] = NO if condition.get("negate") else YES
            initial["conditions"].append(keys)
        return initial


class RuleSetForm(ConditionsForm):
    """A rule set's name, purpose and agreement, and its conditions group by group."""

    name = forms.CharField(
        max_length=120,
        error_messages={"required": "Enter a name for the rule set."},
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the rule set decides. Needed to use care experience, disability or "
        "ethnicity.",
    )
    agreement = forms.ModelChoiceField(
        queryset=DataSharingAgreement.objects.none(),
        required=False,
        empty_label="None (needed only for care experience, disability or ethnicity)",
        label="Data-sharing agreement",
        help_text="The agreement under which the rule set reads learners' data.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        agreement_field = self.fields["agreement"]
        assert isinstance(agreement_field, forms.ModelChoiceField)
        agreement_field.queryset = DataSharingAgreement.objects.filter(partnership=partnership)


def _typed(key: str, value: str, criteria: Mapping[str, Criterion] = CRITERIA) -> Any:
    """A value as the criterion holds it: 'Year 9', 'Q1' and '9' all mean 9 where numbers are."""
    criterion = criteria.get(key)
    if criterion is None:
        return value
    for choice, label in criterion.choices:
        if value.casefold() in (str(choice).casefold(), str(label).casefold()):
            return choice
    return value
