"""Support schemes: the cells of their pages and API.

Rules:
  schemes_keep        the schemes list and setting up a new scheme (no object in the URL):
                      those who manage a provider's support schemes (`support.manage_schemes`)
  scheme_keep         a scheme (reading it, who it is for, the preview, working it out, its
                      eligible students): own (Alpha University's) for its scheme managers;
                      partner (Beta) and unrelated (Gamma) providers' schemes answer as missing
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from tests.authz.rules import C, own, person
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.support.models import Scheme
from widen.support.services.schemes import scheme_create
from widen.testing.world import World

RULES = {
    "schemes_keep": person(C.SUPPORT_SCHEMES_MANAGE),
    "scheme_keep": own(C.SUPPORT_SCHEMES_MANAGE),
}
FIRST_IN_FAMILY = {"any": [{"all": [{"criterion": "first_in_family"}]}]}
FORM_CONDITION = {"g1_c1_criterion": "first_in_family", "g1_c1_holds": "yes"}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _scheme(world: World, relation: str) -> Scheme:
    provider = _provider(world, relation)
    found = Scheme.objects.filter(organisation=provider, name="Matrix scheme").first()
    if found is not None:
        return found
    with request_context.bind(source="test"):
        return scheme_create(
            actor=system_actor("tests"),
            organisation=provider,
            name="Matrix scheme",
            definition=FIRST_IN_FAMILY,
        )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "scheme_keep":
        return {"scheme_id": _scheme(world, relation).pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "support:scheme_create":
        return {
            "organisation": str(world.alpha.pk),
            "name": f"Matrix hardship fund {counter}",
            **FORM_CONDITION,
            "save": "1",
        }
    if name == "support:scheme_rules":
        return {**FORM_CONDITION, "save": "1"}
    if name == "api:support_scheme_create_api":
        return {
            "organisation_id": str(world.alpha.pk),
            "name": f"Matrix hardship fund {counter}",
            "definition": FIRST_IN_FAMILY,
        }
    if name in {"api:support_scheme_rules_api", "api:support_scheme_preview_api"}:
        return {"definition": FIRST_IN_FAMILY}
    if name in {"support:scheme_compute", "api:support_scheme_work_out_api"}:
        return {}
    return None
