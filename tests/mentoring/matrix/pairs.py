"""Each mentoring pair's space and a programme's pairs: the cells of their pages and API.

Rules:
  pairs_mine          "My mentoring" (no object in the URL): a mentor's or a student mentee's
                      own pairs; no staff role is a side of a pair (404); the sides' own sight is
                      proved in tests/mentoring/test_pairs_pages.py
  pairs_seen          the API's list of pairs one sees: any signed-in person (theirs only, or
                      none; tests/mentoring/test_pairs_api.py proves which)
  pair_keep           an active pair (its page, goals, meetings, raising a concern): own (a pair
                      of Alpha University's programme) for its coordinators
                      (`mentoring.coordinate`); a pair of Beta's (partner) or Gamma's (unrelated)
                      programme answers as missing, even to their partnership's admins
  pair_goal_open      reviewing an open goal of such a pair: as pair_keep
  pair_check_in_due   answering a check-in due of such a pair: as pair_keep
  pair_to_end         ending such a pair (a fresh one each cell): as pair_keep
  pair_concerned      reading the messages of a pair a concern was raised about: as pair_keep
                      (without a concern, a coordinator does not read them: the tests prove it)
  pair_sides_only     sending a message and giving feedback: the pair's two sides alone; every
                      staff role, the coordinators included, is answered 404
  programme_pairs     a programme's pairs, the ones going quiet marked: as pair_keep
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.authz.rules import C, Rule, own, person
from tests.mentoring.pairs_factories import pair_in, programme_at
from widen.core import request_context
from widen.mentoring.models import CheckIn, Concern, Goal, MentoringProgramme, Relationship
from widen.testing.world import World

RULES = {
    "pairs_mine": Rule({}),
    "pairs_seen": person(),
    "pair_keep": own(C.MENTORING_COORDINATE),
    "pair_goal_open": own(C.MENTORING_COORDINATE),
    "pair_check_in_due": own(C.MENTORING_COORDINATE),
    "pair_to_end": own(C.MENTORING_COORDINATE),
    "pair_concerned": own(C.MENTORING_COORDINATE),
    "pair_sides_only": Rule({}),
    "programme_pairs": own(C.MENTORING_COORDINATE),
}

_TAGS = {"own": "alpha", "partner": "beta", "unrelated": "gamma"}


def _programme(world: World, relation: str) -> MentoringProgramme:
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )
    return programme_at(organisation, "Matrix mentoring")


def _pair(world: World, relation: str, kind: str = "pair") -> Relationship:
    """The relation's active pair of this kind (made once per world)."""
    tag = f"mx{kind}{_TAGS.get(relation, 'alpha')}"
    found = Relationship.objects.filter(mentor__user__username=f"{tag}.mentor").first()
    if found is not None:
        return found
    return pair_in(_programme(world, relation), tag).relationship


def _fresh_pair(world: World, relation: str) -> Relationship:
    number = Relationship.objects.count() + 1
    return pair_in(_programme(world, relation), f"mxend{number}").relationship


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule in {"pairs_mine", "pairs_seen"}:
        return {}
    if rule == "programme_pairs":
        return {"programme_id": _programme(world, relation).pk}
    if rule == "pair_to_end":
        return {"relationship_id": _fresh_pair(world, relation).pk}
    if rule == "pair_concerned":
        pair = _pair(world, relation, "concern")
        if not pair.concerns.exists():
            with request_context.bind(source="test"):
                Concern.objects.create(relationship=pair, reason="Matrix concern")
        return {"relationship_id": pair.pk}
    pair = _pair(world, relation)
    if rule == "pair_goal_open":
        with request_context.bind(source="test"):
            goal = Goal.objects.create(
                relationship=pair, text="Matrix goal", agreed_on=timezone.localdate()
            )
        return {"relationship_id": pair.pk, "goal_id": goal.pk}
    if rule == "pair_check_in_due":
        days = CheckIn.objects.filter(relationship=pair).count() + 1
        with request_context.bind(source="test"):
            check_in = CheckIn.objects.create(
                relationship=pair, due_on=timezone.localdate() - timedelta(days=days)
            )
        return {"relationship_id": pair.pk, "check_in_id": check_in.pk}
    return {"relationship_id": pair.pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    today = timezone.localdate().isoformat()
    bodies: dict[str, dict[str, Any]] = {
        "mentoring:pair_goal": {"text": f"Matrix goal {counter}"},
        "mentoring:pair_goal_review": {"outcome": "achieved", "note": ""},
        "mentoring:pair_meeting": {"held_on": today, "mode": "online", "minutes": "30"},
        "mentoring:pair_check_in": {"how_it_is_going": "ok", "note": ""},
        "mentoring:pair_message": {"body": "Matrix message"},
        "mentoring:pair_concern": {"reason": "Matrix concern"},
        "mentoring:pair_end": {"reason": "Matrix end"},
        "mentoring:pair_feedback": {"rating": "4"},
        "api:mentoring_pair_goal_agree_api": {"text": f"Matrix goal {counter}"},
        "api:mentoring_pair_meeting_log_api": {
            "held_on": today,
            "mode": "online",
            "minutes": 30,
        },
        "api:mentoring_pair_message_send_api": {"body": "Matrix message"},
        "api:mentoring_pair_concern_api": {"reason": "Matrix concern"},
        "api:mentoring_pair_end_api": {"reason": "Matrix end"},
        "api:mentoring_pair_feedback_api": {"rating": 4},
    }
    return bodies.get(name)
