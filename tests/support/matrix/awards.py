"""Bursaries and awards: the cells of their pages and API.

Rules:
  awards_keep         the award schemes list, a new award scheme, the instalments to chase, the
                      finance page and its forecast file (no object in the URL): those who manage
                      a provider's awards (`support.manage_awards`)
  award_scheme_keep   an award scheme (reading it, changing it, offering it, its awards): own
                      (Alpha University's) for its award managers; partner (Beta) and unrelated
                      (Gamma) providers' answer as missing
  award_keep          one award (stopping it, its letter): as award_scheme_keep
  award_mine          a student accepting or declining their own award: staff 404, whatever the
                      award's provider (its managers included); a student's own answer is proved
                      in tests/support/pages/test_award_api.py
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tests.authz.rules import C, Rule, own, person
from tests.students.records import make_student
from tests.support.matrix.schemes import _provider, _scheme
from widen.core import request_context
from widen.support.models import Award, AwardScheme, AwardStatus, Instalment
from widen.testing.world import World

RULES = {
    "awards_keep": person(C.SUPPORT_AWARDS_MANAGE),
    "award_scheme_keep": own(C.SUPPORT_AWARDS_MANAGE),
    "award_keep": own(C.SUPPORT_AWARDS_MANAGE),
    "award_mine": Rule({}),
}
DAYS = ["2026-11-16", "2027-02-15"]


def _award_scheme(world: World, relation: str, name: str = "Matrix award") -> AwardScheme:
    provider = _provider(world, relation)
    found = AwardScheme.objects.filter(organisation=provider, name=name).first()
    if found is not None:
        return found
    with request_context.bind(source="test"):
        return AwardScheme.objects.create(
            organisation=provider,
            scheme=_scheme(world, relation),
            name=name,
            academic_year="2026/27",
            amount_pence=100_000,
            instalment_days=DAYS,
        )


def _award(world: World, relation: str) -> Award:
    """A new offered award (one per cell: an allowed stop ends it) of a student of the
    relation's provider."""
    award_scheme = _award_scheme(world, relation, "Matrix awards to stop")
    number = award_scheme.awards.count() + 1
    student = make_student(_provider(world, relation), f"MA{number}", "Max", "Awarded")
    now = timezone.now()
    with request_context.bind(source="test"):
        award = Award.objects.create(
            award_scheme=award_scheme,
            student=student,
            amount_pence=100_000,
            status=AwardStatus.OFFERED,
            offered_at=now,
            status_changed_at=now,
        )
        for n, day in enumerate(DAYS, start=1):
            Instalment.objects.create(
                award=award, number=n, due_on=date.fromisoformat(day), amount_pence=50_000
            )
    return award


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "award_scheme_keep":
        return {"award_scheme_id": _award_scheme(world, relation).pk}
    if rule == "award_keep":
        award = _award(world, relation)
        return {"award_scheme_id": award.award_scheme_id, "award_id": award.pk}
    if rule == "award_mine":
        return {"award_id": _award(world, relation).pk}
    return {}


def _form(world: World, name: str, **more: str) -> dict[str, Any]:
    return {
        "scheme": str(_scheme(world, "own").pk),
        "name": name,
        "academic_year": "2026/27",
        "amount_kind": "fixed",
        "amount": "1000",
        "instalment_1": DAYS[0],
        "instalment_2": DAYS[1],
        **more,
    }


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "support:award_scheme_create":
        return _form(world, f"Matrix bursary {counter}", organisation=str(world.alpha.pk))
    if name == "support:award_scheme_edit":
        return _form(world, "Matrix award")
    if name in {"support:award_stop", "api:support_award_stop_api"}:
        return {"reason": "Left the course"}
    if name == "api:support_award_scheme_create_api":
        return {
            "organisation_id": str(world.alpha.pk),
            "scheme_id": str(_scheme(world, "own").pk),
            "name": f"Matrix bursary {counter}",
            "academic_year": "2026/27",
            "amount_pence": 100_000,
            "instalment_days": DAYS,
        }
    if name in {
        "support:award_scheme_offer",
        "api:support_award_scheme_offer_api",
        "api:support_my_award_accept_api",
        "api:support_my_award_decline_api",
    }:
        return {}
    return None
