"""The cells of the authorisation matrix (tests/authz_matrix.yaml) for the pages of requests
about people's data.

Rules:
  rights_handle   those who handle requests (`rights.handle_requests`: data-protection officers
                  and organisation admins): the list of requests, recording one
  rights_request  a request received by the person's organisation (own), by another member of
                  their partnership (partner) or by a stranger partnership's member (unrelated),
                  for those who handle requests: its page, its exports and its erasure step
Refusals answer 404, as for a thing that does not exist. Each cell gets a new erasure request
naming a learner of its own, confirmed, so an allowed erasure erases nobody another cell needs.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.learners.models import Learner
from widen.rights.models import RequestKind
from widen.rights.services import RequestDetails, rights_request_record
from widen.testing.world import World, year_group_birthday

SYSTEM = system_actor("authorisation matrix")


def _erasure_request(world: World, role: str, relation: str) -> Any:
    organisation = {
        "own": world.organisation_of(role),
        "partner": world.beta,
        "unrelated": world.gamma,
    }[relation]
    made = rights_request_record(
        actor=SYSTEM,
        organisation=organisation,
        details=RequestDetails(
            kind=RequestKind.ERASURE,
            person_name="Matrix Person",
            person_email="",
            details="",
            received_on=timezone.localdate(),
        ),
    )
    made.identity_confirmed_on = timezone.localdate()
    made.identity_evidence = "Matrix"
    made.save()
    made.learners.add(
        Learner.objects.create(
            organisation=organisation,
            school=world.school,
            first_name="Matrix",
            last_name=f"Erasure {role} {relation}",
            date_of_birth=year_group_birthday(11),
        )
    )
    return made


def rights_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
    """The URL kwargs for a cell of one of the rights rules (None: not a rights rule)."""
    if rule == "rights_handle":
        return {}
    if rule == "rights_request":
        return {"request_id": _erasure_request(world, role, relation).pk}
    return None


def rights_request_body(world: World, name: str, counter: int) -> dict[str, Any] | None:
    """A valid body for the rights pages' writes (None: not a rights URL)."""
    if name == "rights:create":
        return {
            "organisation": str(world.alpha.pk),
            "kind": RequestKind.ACCESS,
            "person_name": f"Matrix Asker {counter}",
            "received_on": timezone.localdate().isoformat(),
        }
    if name == "rights:detail":
        return {"action": "extend", "extra_months": "1", "extension_reason": "Many records"}
    if name == "rights:erase":
        return {}
    return None
