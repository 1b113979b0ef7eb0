"""A mentoring programme's outcomes page: the cells of its URLs (outcomes.yaml).

Rule:
  mentoring_outcomes  a programme's outcomes page (naming its activity, sending its surveys):
                      own (Alpha University's programme) for those who coordinate mentoring
                      there (`mentoring.coordinate`); partner (Beta's) and unrelated (Gamma's)
                      programmes answer as missing (404)
"""

from __future__ import annotations

from typing import Any

from tests.authz.rules import C, own
from widen.mentoring.models import MentoringProgramme
from widen.testing.world import World

RULES = {"mentoring_outcomes": own(C.MENTORING_COORDINATE)}


def _programme(world: World, relation: str) -> MentoringProgramme:
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    programme, _ = MentoringProgramme.objects.get_or_create(
        organisation=organisation, name="Matrix mentoring outcomes"
    )
    return programme


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "mentoring_outcomes":
        return {"programme_id": _programme(world, relation).pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "mentoring:programme_outcomes":
        return {"activity": ""}
    return None
