"""Expense claims and advances: the cells of the claims' pages, receipts and the days out of
pocket (page and API).

Rules:
  claims_keep     the claims queue and the days-out-of-pocket report (page and API; no object in
                  the URL): coordinators (`partners.coordinate`); anyone else 404
  claim_decide    a sent claim (its page, approving it, querying it): own (a claim of Alpha
                  University's partner) for its coordinators; a partner (Beta) or unrelated
                  (Gamma) provider's claim answers as missing
  claim_receipt   a receipt on a sent claim: as claim_decide (those who may see the claim)
  claim_mine      a student's own claims and advances, a new claim or advance (no object in the
                  URL): no staff role has any (404); the student's own access is proved in
                  tests/partners/test_claims.py
  claim_own       one of a student's own claims (adding or removing a cost, sending it,
                  reconciling an advance): staff 404
  claim_line_own  a cost on a student's own claim (removing it): staff 404
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.authz.rules import C, Rule, own, person
from tests.partners.factories import make_partner, make_role, partner_account
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import ClaimKind, ClaimStatus, ExpenseClaim, ExpenseLine, Partner
from widen.testing.world import World

RULES = {
    "claims_keep": person(C.PARTNERS_COORDINATE),
    "claim_decide": own(C.PARTNERS_COORDINATE),
    "claim_receipt": own(C.PARTNERS_COORDINATE),
    "claim_mine": Rule({}),
    "claim_own": Rule({}),
    "claim_line_own": Rule({}),
}

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _partner(world: World, relation: str) -> Partner:
    partners: dict[str, Partner] = world.__dict__.setdefault("matrix_claim_partners", {})
    if relation not in partners:
        provider = _provider(world, relation)
        role = make_role(provider, world.users["outreach_officer"])
        partner = make_partner(provider, f"MC-{relation.upper()}", roles=(role,))
        partner_account(partner)
        partners[relation] = partner
    return partners[relation]


def _sent_claim(world: World, relation: str, kind: str = ClaimKind.EXPENSES) -> ExpenseClaim:
    """A fresh sent claim (approving or querying one changes it), with one cost and receipt."""
    partner = _partner(world, relation)
    with request_context.bind(source="test"):
        claim = ExpenseClaim.objects.create(
            organisation=partner.organisation,
            partner=partner,
            kind=kind,
            purpose="Matrix bus fares",
            status=ClaimStatus.SUBMITTED,
            submitted_at=timezone.now(),
            spent_on=timezone.localdate(),
            total_pence=450,
        )
        ExpenseLine.objects.create(
            claim=claim,
            category="public_transport",
            spent_on=timezone.localdate(),
            description="Bus",
            amount_pence=450,
            receipt_name="ticket.jpg",
            receipt_type="image/jpeg",
            receipt_content=JPEG,
        )
    return claim


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule in {"claims_keep", "claim_mine"}:
        return {}
    claim = _sent_claim(world, relation)
    if rule in {"claim_receipt", "claim_line_own"}:
        return {"line_id": claim.lines.get().pk}
    return {"claim_id": claim.pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "partners:claim_query":
        return {"note": f"Matrix question {counter}"}
    if name in {"partners:claim_approve", "partners:claim_submit"}:
        return {}
    if name in {"partners:claim_new", "partners:claim_reconcile"}:
        return {"purpose": f"Matrix claim {counter}"}
    if name == "partners:advance_new":
        return {"purpose": "Matrix advance", "amount": "10.00", "needed_on": "2099-01-01"}
    if name == "partners:claim_line_add":
        return {
            "category": "parking",
            "spent_on": timezone.localdate().isoformat(),
            "description": "Matrix parking",
            "amount": "3.00",
        }
    return None
