"""The criteria a support scheme's eligibility combines: where a student's home is, and what they
declared (the learners' criteria, `widen.targeting.criteria`, read the same way).

A scheme's definition has the learners' shape (groups of conditions, `{"any": [{"all": [...]}]}`)
and runs through the same `evaluate`: an unknown value (no home postcode, a fact not declared)
never counts as meeting a criterion, nor as meeting its negation. Ethnicity is never a criterion
(SECURITY 30): it may be monitored, never decide who gets support.
"""

from __future__ import annotations

from widen.organisations.models import DataCategory
from widen.students.models import EntryRoute, IncomeBand, StudyLevel, StudyMode
from widen.targeting.criteria import AREA, CRITERIA, EDUCATION, FACT, Criterion

# The facts' own columns (the student's fields); `<field>_source` says where a yes came from.
YES_NO_FACTS = (
    "first_in_family",
    "free_school_meals",
    "estranged",
    "young_adult_carer",
    "care_experienced",
    "disabled",
)
CHOICE_FACTS = ("household_income_band", "entry_route", "level", "mode")


def _choices(choices: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in choices)


def _fact(key: str, label: str, category: str) -> Criterion:
    return Criterion(key, label, FACT, category, key, source_column=f"{key}_source")


STUDENT_CRITERIA: dict[str, Criterion] = {
    **{key: criterion for key, criterion in CRITERIA.items() if criterion.kind == AREA},
    **{
        criterion.key: criterion
        for criterion in (
            Criterion(
                "household_income_band",
                "household income",
                FACT,
                DataCategory.CHARACTERISTICS,
                "household_income_band",
                _choices(IncomeBand.choices),
            ),
            _fact("first_in_family", "first in family to go to HE", DataCategory.CHARACTERISTICS),
            _fact("free_school_meals", "free school meals at school", DataCategory.CHARACTERISTICS),
            _fact("estranged", "estranged", DataCategory.CHARACTERISTICS),
            _fact("young_adult_carer", "young adult carer", DataCategory.CHARACTERISTICS),
            _fact("care_experienced", "care experienced", DataCategory.SPECIAL_CATEGORY),
            _fact("disabled", "disabled", DataCategory.SPECIAL_CATEGORY),
            Criterion(
                "entry_route",
                "entry route",
                EDUCATION,
                "",
                "entry_route",
                _choices(EntryRoute.choices),
            ),
            Criterion(
                "level", "level of study", EDUCATION, "", "level", _choices(StudyLevel.choices)
            ),
            Criterion("mode", "mode of study", EDUCATION, "", "mode", _choices(StudyMode.choices)),
        )
    },
}
