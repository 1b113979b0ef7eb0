"""Eligibility rule sets: defined by partnership admins, versioned, worked out for every learner.

Working out a rule set is one Polars pass over the partnership's learners (their area profiles,
recorded facts, year groups and schools) and one batch write of the results, never a Python loop
per learner. Before a change is saved, `rule_set_preview` says how many learners each school
would gain or lose.

* `lawful`: when special category data may decide something about a learner;
* `presets`: the rule sets Widen ships;
* `writing`: defining rule sets and their versions;
* `frames`: the partnership's learners as one frame of the columns the criteria read;
* `compute`: working a rule set out for every learner and storing what changed;
* `preview`: the gain and loss, school by school, of a change before it is saved.

Who may manage them is `widen.targeting.permissions`.
"""

from widen.targeting.permissions import may_manage_rule_sets
from widen.targeting.rule_sets.compute import EligibilityRun, eligibility_compute, eligibility_frame
from widen.targeting.rule_sets.frames import columns_needed, partnership_learner_frame
from widen.targeting.rule_sets.lawful import DECIDING_CONDITIONS, SPECIAL_CATEGORY_REFUSAL
from widen.targeting.rule_sets.presets import PRESETS
from widen.targeting.rule_sets.preview import Preview, SchoolChange, rule_set_preview
from widen.targeting.rule_sets.writing import (
    rule_set_create,
    rule_set_presets_add,
    rule_set_update,
)

__all__ = [
    "DECIDING_CONDITIONS",
    "PRESETS",
    "SPECIAL_CATEGORY_REFUSAL",
    "EligibilityRun",
    "Preview",
    "SchoolChange",
    "columns_needed",
    "eligibility_compute",
    "eligibility_frame",
    "may_manage_rule_sets",
    "partnership_learner_frame",
    "rule_set_create",
    "rule_set_presets_add",
    "rule_set_preview",
    "rule_set_update",
]
