"""The rule sets Widen ships, added to a partnership on request."""

from __future__ import annotations

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    "uni_connect": {
        "name": "Uni Connect target learner",
        "purpose": "Uni Connect: learners in Years 9 to 13 at state-funded schools who live in "
        "Uni Connect target wards.",
        "definition": {
            "any": [
                {
                    "all": [
                        {"criterion": "uni_connect_target_ward"},
                        {"criterion": "year_group", "values": [9, 10, 11, 12, 13]},
                        {"criterion": "state_funded_school"},
                    ]
                }
            ]
        },
    },
    "progression": {
        "name": "Progression programme: POLAR4 Q1-2, IMD Q1-2, FSM or care experienced",
        "purpose": "Places on the progression programme for learners from areas of low HE "
        "participation or high deprivation, on free school meals, or care experienced.",
        "definition": {
            "any": [
                {"all": [{"criterion": "polar4_quintile", "values": [1, 2]}]},
                {"all": [{"criterion": "imd_quintile", "values": [1, 2]}]},
                {"all": [{"criterion": "free_school_meals"}]},
                {"all": [{"criterion": "care_experienced"}]},
            ]
        },
    },
    "eorr": {
        "name": "OfS EORR risk groups (from recorded data)",
        "purpose": "The Equality of Opportunity Risk Register groups Widen can see in recorded "
        "data: low-participation and deprived areas (TUNDRA Q1, POLAR4 Q1, IMD Q1), free school "
        "meals, care experience, disability, estrangement and caring responsibilities.",
        "definition": {
            "any": [
                {"all": [{"criterion": "tundra_lsoa_quintile", "values": [1]}]},
                {"all": [{"criterion": "polar4_quintile", "values": [1]}]},
                {"all": [{"criterion": "imd_quintile", "values": [1]}]},
                {"all": [{"criterion": "free_school_meals"}]},
                {"all": [{"criterion": "ever_6_free_school_meals"}]},
                {"all": [{"criterion": "care_experienced"}]},
                {"all": [{"criterion": "disability"}]},
                {"all": [{"criterion": "estranged"}]},
                {"all": [{"criterion": "young_carer"}]},
            ]
        },
    },
}
