"""What schemes offer their members (benefits): the cells of their pages and API.

Rules:
  scheme_keep          (schemes.py) a scheme's Benefits page and adding a benefit
  benefit_keep         changing or withdrawing a benefit (its page, and PATCH in the API): own
                       (Alpha University's) for its scheme managers; partner (Beta) and
                       unrelated (Gamma) providers' benefits answer as missing
  benefits_mine        "What my schemes offer": no staff role has a student record (404); a
                       student's own access is proved in tests/support/pages/test_benefit_pages.py
  benefit_take_up_mine taking up an opportunity: only a member (or, once members no longer come
                       first, a student of its provider): staff 404
  benefit_book_mine    booking a members-only event: only a member of its scheme: staff 404
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from tests.authz.rules import C, Rule, own
from tests.events.conftest import make_event
from tests.support.matrix.schemes import _scheme
from widen.events.models import Event
from widen.support.models import Benefit, BenefitKind
from widen.testing.world import World

RULES = {
    "benefit_keep": own(C.SUPPORT_SCHEMES_MANAGE),
    "benefits_mine": Rule({}),
    "benefit_take_up_mine": Rule({}),
    "benefit_book_mine": Rule({}),
}


def _benefit(world: World, relation: str, kind: str) -> Benefit:
    scheme = _scheme(world, relation)
    found = scheme.benefits.filter(kind=kind).first()
    if found is not None:
        return found
    if kind == BenefitKind.EVENT:
        event = Event.objects.filter(organiser=scheme.organisation, members_only=True).first()
        if event is None:
            organiser = scheme.organisation
            event = make_event(world, organiser=organiser, title=f"{organiser} workshop").event
            Event.objects.filter(pk=event.pk).update(members_only=True)
        return Benefit.objects.create(
            scheme=scheme, kind=kind, title="Matrix members' workshop", event=event
        )
    return Benefit.objects.create(
        scheme=scheme, kind=kind, title="Matrix internship", offered_by="Careers service"
    )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "benefits_mine":
        return {}
    if rule == "benefit_book_mine":
        return {"benefit_id": _benefit(world, relation, BenefitKind.EVENT).pk}
    benefit = _benefit(world, relation, BenefitKind.OPPORTUNITY)
    if rule == "benefit_take_up_mine":
        return {"benefit_id": benefit.pk}
    return {"scheme_id": benefit.scheme_id, "benefit_id": benefit.pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "support:scheme_benefits":
        return {"kind": BenefitKind.OPPORTUNITY, "title": f"Matrix opportunity {counter}"}
    if name == "support:scheme_benefit_edit":
        return {"title": f"Matrix internship {counter}", "is_active": "on"}
    if name == "api:support_scheme_benefit_add_api":
        return {"kind": BenefitKind.OPPORTUNITY, "title": f"Matrix opportunity {counter}"}
    if name == "api:support_scheme_benefit_update_api":
        return {"title": f"Matrix internship {counter}", "is_active": True}
    if name in {
        "support:my_benefit_take_up",
        "support:my_benefit_book",
        "api:support_my_benefit_take_up_api",
        "api:support_my_benefit_book_api",
    }:
        return {}
    return None
