"""The criteria an eligibility rule set combines, each a Polars expression with its explanation.

A rule set's definition is data, never code:

    {"any": [                              # eligible when any group holds
        {"all": [                          # a group holds when all its conditions hold
            {"criterion": "imd_quintile", "values": [1, 2]},
            {"criterion": "free_school_meals", "negate": true},
        ]},
    ]}

Each criterion reads one column of the learners' frame (their area profile, recorded facts,
year group and school) and says, for every learner at once, whether it holds and why, e.g.
"IMD decile 1 (LSOA E01000001, IoD2019)" or "not FSM". An unknown value (no postcode, a fact not
recorded) never counts as meeting a criterion, nor as meeting its negation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from widen.core.exceptions import ApplicationError
from widen.learners.models import Ethnicity
from widen.organisations.models import DataCategory

AREA = "area"
FACT = "fact"
EDUCATION = "education"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # as a person would name it: "IMD quintile"
    kind: str  # area, fact or education
    category: str  # the data category it reads (special category needs a lawful condition)
    column: str
    choices: tuple[tuple[Any, str], ...] = ()  # for "values" criteria; () for yes/no
    edition_column: str = ""  # the profile column naming the edition behind the value
    # A column saying where a yes/no fact came from ("declared 2026-09-21, enrolment form"),
    # added to the explanation when it holds and that column is not empty.
    source_column: str = ""

    @property
    def takes_values(self) -> bool:
        return bool(self.choices)

    def check(self, condition: Mapping[str, Any]) -> tuple[Any, ...]:
        """The chosen values, refusing any this criterion does not have."""
        if not self.takes_values:
            return ()
        values = condition.get("values") or []
        allowed = {str(value) for value, _ in self.choices}
        wrong = [value for value in values if str(value) not in allowed]
        if wrong or not values:
            raise ApplicationError(
                f"Choose at least one {self.label} value from the list"
                + (f" ({', '.join(map(str, wrong[:3]))} is not one)." if wrong else "."),
                field="definition",
            )
        kinds = {type(value) for value, _ in self.choices}
        if kinds == {int}:
            return tuple(sorted({int(value) for value in values}))
        return tuple(sorted({str(value) for value in values}))


def _quintiles() -> tuple[tuple[int, str], ...]:
    return tuple((value, f"Q{value}") for value in range(1, 6))


def _deciles() -> tuple[tuple[int, str], ...]:
    return tuple((value, str(value)) for value in range(1, 11))


CRITERIA: dict[str, Criterion] = {
    criterion.key: criterion
    for criterion in (
        Criterion(
            "imd_decile", "IMD decile", AREA, "", "imd_decile", _deciles(), "imd_edition_label"
        ),
        Criterion(
            "imd_quintile",
            "IMD quintile",
            AREA,
            "",
            "imd_quintile",
            _quintiles(),
            "imd_edition_label",
        ),
        Criterion(
            "idaci_decile",
            "IDACI decile",
            AREA,
            "",
            "idaci_decile",
            _deciles(),
            "idaci_edition_label",
        ),
        Criterion(
            "idaci_quintile",
            "IDACI quintile",
            AREA,
            "",
            "idaci_quintile",
            _quintiles(),
            "idaci_edition_label",
        ),
        Criterion(
            "wimd_decile",
            "WIMD decile (Wales)",
            AREA,
            "",
            "wimd_decile",
            _deciles(),
            "imd_edition_label",
        ),
        Criterion(
            "simd_decile",
            "SIMD decile (Scotland)",
            AREA,
            "",
            "simd_decile",
            _deciles(),
            "imd_edition_label",
        ),
        Criterion(
            "polar4_quintile",
            "POLAR4 quintile",
            AREA,
            "",
            "polar4_quintile",
            _quintiles(),
            "participation_edition_label",
        ),
        Criterion(
            "tundra_lsoa_quintile",
            "TUNDRA (LSOA) quintile",
            AREA,
            "",
            "tundra_lsoa_quintile",
            _quintiles(),
            "participation_edition_label",
        ),
        Criterion(
            "tundra_msoa_quintile",
            "TUNDRA (MSOA) quintile",
            AREA,
            "",
            "tundra_msoa_quintile",
            _quintiles(),
            "participation_edition_label",
        ),
        Criterion(
            "uni_connect_target_ward",
            "Uni Connect target ward",
            AREA,
            "",
            "uni_connect_target_ward",
            edition_column="participation_edition_label",
        ),
        Criterion(
            "free_school_meals", "FSM", FACT, DataCategory.CHARACTERISTICS, "free_school_meals"
        ),
        Criterion(
            "ever_6_free_school_meals",
            "Ever-6 FSM",
            FACT,
            DataCategory.CHARACTERISTICS,
            "ever_6_free_school_meals",
        ),
        Criterion("young_carer", "young carer", FACT, DataCategory.CHARACTERISTICS, "young_carer"),
        Criterion("estranged", "estranged", FACT, DataCategory.CHARACTERISTICS, "estranged"),
        Criterion(
            "first_in_family",
            "first in family to go to HE",
            FACT,
            DataCategory.CHARACTERISTICS,
            "first_in_family",
        ),
        Criterion(
            "care_experienced",
            "care experienced",
            FACT,
            DataCategory.SPECIAL_CATEGORY,
            "care_experienced",
        ),
        Criterion("disability", "disabled", FACT, DataCategory.SPECIAL_CATEGORY, "disability"),
        Criterion(
            "ethnicity",
            "ethnic group",
            FACT,
            DataCategory.SPECIAL_CATEGORY,
            "ethnicity",
            tuple((value, str(label)) for value, label in Ethnicity.choices),
        ),
        Criterion(
            "year_group",
            "year group",
            EDUCATION,
            "",
            "year_group",
            tuple((year, f"Year {year}") for year in range(7, 14)),
        ),
        Criterion("state_funded_school", "at a state-funded school", EDUCATION, "", "state_funded"),
    )
}
SPECIAL_CATEGORY_CRITERIA = frozenset(
    key
    for key, criterion in CRITERIA.items()
    if criterion.category == DataCategory.SPECIAL_CATEGORY
)


@dataclass(frozen=True)
class Condition:
    criterion: Criterion
    values: tuple[Any, ...]
    negate: bool


def parse_definition(
    definition: Any, *, criteria: Mapping[str, Criterion] = CRITERIA
) -> list[list[Condition]]:
    """The groups of a rule set's definition, checked; raises ApplicationError when malformed.

    `criteria` are the ones the definition may name: the learners' by default, another list
    (e.g. students') runs through the same `evaluate`."""
    if not isinstance(definition, Mapping) or not isinstance(definition.get("any"), list):
        raise ApplicationError("A rule set needs at least one group of conditions.")
    groups: list[list[Condition]] = []
    for number, group in enumerate(definition["any"], start=1):
        conditions = group.get("all") if isinstance(group, Mapping) else None
        if not isinstance(conditions, list) or not conditions:
            raise ApplicationError(f"Group {number} has no conditions.", field="definition")
        parsed = []
        for condition in conditions:
            key = condition.get("criterion") if isinstance(condition, Mapping) else None
            criterion = criteria.get(str(key))
            if criterion is None:
                raise ApplicationError(
                    f"Group {number}: '{str(key)[:40]}' is not a criterion.", field="definition"
                )
            parsed.append(
                Condition(
                    criterion=criterion,
                    values=criterion.check(condition),
                    negate=bool(condition.get("negate")),
                )
            )
        groups.append(parsed)
    if not groups:
        raise ApplicationError("A rule set needs at least one group of conditions.")
    return groups


def uses_special_category(definition: Any, *, criteria: Mapping[str, Criterion] = CRITERIA) -> bool:
    return any(
        condition.criterion.category == DataCategory.SPECIAL_CATEGORY
        for group in parse_definition(definition, criteria=criteria)
        for condition in group
    )


def describe_condition(condition: Condition) -> str:
    """The condition in words, e.g. 'IMD quintile Q1 or Q2' or 'not FSM'."""
    criterion = condition.criterion
    if criterion.takes_values:
        labels = dict(criterion.choices)
        text = f"{criterion.label} " + " or ".join(labels[value] for value in condition.values)
    else:
        text = criterion.label
    return f"not {text}" if condition.negate else text


def describe_definition(definition: Any, *, criteria: Mapping[str, Criterion] = CRITERIA) -> str:
    groups = parse_definition(definition, criteria=criteria)
    parts = [" and ".join(describe_condition(condition) for condition in group) for group in groups]
    return " or ".join(f"({part})" if len(groups) > 1 else part for part in parts)


# --- Evaluation ----------------------------------------------------------------------------


def _value_text(criterion: Criterion) -> pl.Expr:
    """What the learner's value is, in words, for the explanation."""
    column = pl.col(criterion.column)
    if criterion.key in ("imd_decile", "imd_quintile", "idaci_decile", "idaci_quintile"):
        measure = "IMD" if criterion.key.startswith("imd") else "IDACI"
        scale = "decile" if criterion.key.endswith("decile") else "quintile"
        return pl.format(
            f"{measure} {scale} {{}} (LSOA {{}}, {{}})",
            column,
            pl.col("lsoa"),
            pl.col(criterion.edition_column).fill_null("edition not recorded"),
        )
    if criterion.key in ("wimd_decile", "simd_decile"):
        name = "WIMD" if criterion.key == "wimd_decile" else "SIMD"
        return pl.format(
            f"{name} decile {{}} ({{}})",
            column,
            pl.col(criterion.edition_column).fill_null("edition not recorded"),
        )
    if criterion.key.endswith("_quintile"):
        name = {"polar4_quintile": "POLAR4", "tundra_lsoa_quintile": "TUNDRA (LSOA)"}.get(
            criterion.key, "TUNDRA (MSOA)"
        )
        return pl.format(f"{name} Q{{}}", column)
    if criterion.key == "year_group":
        return pl.format("Year {}", column)
    if criterion.key == "ethnicity":
        labels = {value: str(label) for value, label in Ethnicity.choices}
        return column.replace_strict(labels, default=column, return_dtype=pl.Utf8)
    if criterion.takes_values:
        # Any other list of values: "entry route: A levels".
        labels = {str(value): str(label) for value, label in criterion.choices}
        text = column.cast(pl.Utf8)
        return pl.format(
            f"{criterion.label}: {{}}",
            text.replace_strict(labels, default=text, return_dtype=pl.Utf8),
        )
    if criterion.source_column:
        source = pl.col(criterion.source_column)
        return (
            pl.when(source.is_not_null() & (source != ""))
            .then(pl.format(f"{criterion.label} ({{}})", source))
            .otherwise(pl.lit(criterion.label))
        )
    return pl.lit(criterion.label)


def _unknown_text(criterion: Criterion) -> str:
    if criterion.key == "state_funded_school":
        return "school type not known"
    if criterion.key == "uni_connect_target_ward":
        return "target ward not known"
    if criterion.kind == AREA:
        # "IMD quintile" → "IMD not known"; "TUNDRA (LSOA) quintile" → "TUNDRA (LSOA) not known"
        return f"{criterion.label.rsplit(' ', 1)[0]} not known"
    return f"{criterion.label} not recorded"


def condition_expressions(condition: Condition) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(holds, why it holds, why it does not) for every learner; unknown never holds."""
    criterion = condition.criterion
    column = pl.col(criterion.column)
    known = column.is_not_null() & (column.cast(pl.Utf8) != "")
    if criterion.takes_values:
        inside = column.is_in(list(condition.values))
        value = _value_text(criterion)
        met, unmet = value, value
    else:
        inside = column.cast(pl.Boolean)
        met = _value_text(criterion)
        unmet = pl.lit(f"not {criterion.label}")
    holds = known & (~inside if condition.negate else inside)
    if condition.negate and not criterion.takes_values:
        met, unmet = unmet, met
    unknown = pl.lit(_unknown_text(criterion))
    why = pl.when(known).then(met).otherwise(unknown)
    why_not = pl.when(known).then(unmet).otherwise(unknown)
    return holds.fill_null(False), why, why_not


def evaluate(learners: pl.LazyFrame, groups: Sequence[Sequence[Condition]]) -> pl.LazyFrame:
    """`eligible` and `explanation` for every learner in the frame, in one pass."""
    group_holds: list[pl.Expr] = []
    group_reasons: list[pl.Expr] = []
    group_failures: list[pl.Expr] = []
    for group in groups:
        parts = [condition_expressions(condition) for condition in group]
        holds = pl.all_horizontal([part[0] for part in parts])
        group_holds.append(holds)
        group_reasons.append(pl.concat_str([part[1] for part in parts], separator=", "))
        # Why the group fails: each of its conditions that does not hold.
        group_failures.append(
            pl.concat_str(
                [pl.when(~part[0]).then(part[2]) for part in parts],
                separator=", ",
                ignore_nulls=True,
            )
        )
    eligible = pl.any_horizontal(group_holds)
    # Eligible: the reasons of the first group that holds. Not eligible: what each group lacks.
    reason: Any = pl.lit(None, pl.Utf8)
    for holds, text in reversed(list(zip(group_holds, group_reasons, strict=True))):
        reason = pl.when(holds).then(text).otherwise(reason)
    failures = pl.concat_str(group_failures, separator="; ", ignore_nulls=True)
    return learners.with_columns(
        eligible=eligible,
        explanation=pl.when(eligible)
        .then(pl.concat_str([pl.lit("eligible: "), reason]))
        .otherwise(pl.concat_str([pl.lit("not eligible: "), failures])),
    )
