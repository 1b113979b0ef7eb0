"""Mentoring coordinators' pages and API: the cells of programmes, their cohort and matching runs.

Rules:
  coordinator_programmes  the programmes list and setting up a new programme (no object in the
                          URL): those who coordinate mentoring (`mentoring.coordinate`)
  coordinator_programme   a programme (reading it, changing it, its cohort, running the
                          matching): own (Alpha University's) for its coordinators; partner
                          (Beta) and unrelated (Gamma) organisations' programmes answer as missing
  coordinator_pupils      adding pupils to a pupils' programme: as coordinator_programme
  coordinator_place       a mentor's place (approve or decline, capacity and checks): as above
  coordinator_mentee      a mentee (accept or decline): as above
  coordinator_pupil       a pupil mentee's answers and sign-in (consent, invitation, stopping
                          it): as above
  coordinator_run         a matching run (reading it, swapping, publishing, discarding): as above
  coordinator_pair        a proposed pair (lock or unlock): as above
  coordinator_never_pair  a pair never to be made (removing it): as above
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from tests.authz.rules import C, own, person
from tests.mentoring.coordinator_factories import (
    make_mentee,
    make_mentor,
    make_programme,
    make_pupil_mentee,
)
from widen.accounts.capabilities import system_actor
from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
from widen.mentoring.models import (
    Mentee,
    MentoringProgramme,
    NeverPair,
    NeverPairReason,
    ProgrammeMentorStatus,
    Relationship,
)
from widen.mentoring.services.matching_runs import matching_run
from widen.organisations.models import Organisation
from widen.testing.world import World

RULES = {
    "coordinator_programmes": person(C.MENTORING_COORDINATE),
    "coordinator_programme": own(C.MENTORING_COORDINATE),
    "coordinator_pupils": own(C.MENTORING_COORDINATE),
    "coordinator_place": own(C.MENTORING_COORDINATE),
    "coordinator_mentee": own(C.MENTORING_COORDINATE),
    "coordinator_pupil": own(C.MENTORING_COORDINATE),
    "coordinator_run": own(C.MENTORING_COORDINATE),
    "coordinator_pair": own(C.MENTORING_COORDINATE),
    "coordinator_never_pair": own(C.MENTORING_COORDINATE),
}
WEIGHTS = {
    "industry": 30,
    "career_path": 20,
    "shared_background": 20,
    "location_and_mode": 10,
    "availability": 10,
    "languages": 10,
}
FORM = {
    "mentees_are": "students",
    "check_in_weeks": "4",
    "quiet_after_weeks": "4",
    **{f"weight_{criterion}": str(points) for criterion, points in WEIGHTS.items()},
}


def _organisation(world: World, relation: str) -> Organisation:
    return {"partner": world.beta, "unrelated": world.gamma}.get(relation, world.alpha)


def _fresh(world: World, relation: str, **details: Any) -> MentoringProgramme:
    """A new programme of the relation's organisation (one for each cell: a cell's write would
    change it)."""
    organisation = _organisation(world, relation)
    number = MentoringProgramme.objects.filter(organisation=organisation).count() + 1
    return make_programme(organisation, f"Matrix mentoring {number}", **details)


def _programme(world: World, relation: str) -> MentoringProgramme:
    organisation = _organisation(world, relation)
    found = MentoringProgramme.objects.filter(
        organisation=organisation, name="Matrix programme"
    ).first()
    return found or make_programme(organisation, "Matrix programme")


def _pair(world: World, relation: str) -> Relationship:
    programme = _fresh(world, relation)
    number = secrets.token_hex(4)
    make_mentor(programme, f"matrix.coordinated.{number}", industries=["law"])
    make_mentee(programme, f"MC{number}", "Mo", industries=["law"])
    with request_context.bind(source="test"):
        matching_run(actor=system_actor("tests"), programme=programme)
    return Relationship.objects.get(programme=programme)


def _signed_in_pupil(world: World, relation: str) -> Mentee:
    """A pupil of a new pupils' programme, invited to sign in with consent recorded (so that
    stopping their sign-in is allowed too)."""
    partnership = world.south if relation == "unrelated" else world.north
    programme = _fresh(world, relation, mentees_are="pupils", partnership=partnership)
    pupil = make_pupil_mentee(programme, world.learner_alpha)
    account = link_account_create(
        email=f"matrix.pupil.{secrets.token_hex(4)}@example.com",
        first_name="Pip",
        last_name="Pupil",
    )
    with request_context.bind(source="test"):
        Mentee.objects.filter(pk=pupil.pk).update(
            user=account, consent_given_by="Jo Matrix, mother", consent_given_on=date(2026, 9, 1)
        )
    return pupil


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "coordinator_programme":
        return {"programme_id": _programme(world, relation).pk}
    if rule == "coordinator_pupils":
        partnership = world.south if relation == "unrelated" else world.north
        programme = _fresh(world, relation, mentees_are="pupils", partnership=partnership)
        return {"programme_id": programme.pk}
    if rule == "coordinator_place":
        programme = _programme(world, relation)
        place = make_mentor(
            programme,
            f"matrix.place.{secrets.token_hex(4)}",
            status=ProgrammeMentorStatus.APPLIED,
        )
        return {"place_id": place.pk}
    if rule == "coordinator_mentee":
        programme = _programme(world, relation)
        mentee = make_mentee(programme, f"MM{secrets.token_hex(4)}", status="applied")
        return {"mentee_id": mentee.pk}
    if rule == "coordinator_pupil":
        return {"mentee_id": _signed_in_pupil(world, relation).pk}
    if rule == "coordinator_run":
        return {"run_id": _pair(world, relation).run_id}
    if rule == "coordinator_pair":
        return {"pair_id": _pair(world, relation).pk}
    if rule == "coordinator_never_pair":
        pair = _pair(world, relation)
        with request_context.bind(source="test"):
            never = NeverPair.objects.create(
                programme=pair.programme,
                mentor=pair.mentor,
                mentee=pair.mentee,
                reason=NeverPairReason.CONFLICT,
            )
        return {"never_id": never.pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "mentoring:programme_create":
        return {"organisation": str(world.alpha.pk), "name": f"Matrix new {counter}", **FORM}
    if name == "mentoring:programme_edit":
        return {"name": "Matrix programme", **FORM}
    if name == "mentoring:programme_pupils":
        return {"learners": [str(world.learner_alpha.pk)]}
    if name == "mentoring:never_pairs":
        return {}
    if name == "mentoring:place":
        return {"action": "capacity", "capacity": "2"}
    if name == "mentoring:place_decide":
        return {"decision": "approve"}
    if name == "mentoring:mentee_decide":
        return {"decision": "accept"}
    if name == "mentoring:pupil_answers":
        return {"goals": "To find out what working in law is like"}
    if name in {"mentoring:pupil_sign_in", "api:mentoring_pupil_sign_in_api"}:
        return {
            "email": f"matrix.pupil.invited{counter}@example.com",
            "consent_given_by": "Jo Matrix, mother",
            "consent_given_on": "2026-09-01",
        }
    if name == "mentoring:proposed_pair_lock":
        return {"locked": "yes"}
    if name == "api:mentoring_programme_create_api":
        return {
            "organisation_id": str(world.alpha.pk),
            "name": f"Matrix API {counter}",
            "weights": WEIGHTS,
        }
    if name == "api:mentoring_programme_update_api":
        return {"quiet_after_weeks": 5}
    if name in {
        "mentoring:programme_match",
        "mentoring:run_swap",
        "mentoring:run_publish",
        "mentoring:run_discard",
        "mentoring:never_pair_remove",
        "api:mentoring_pupil_sign_in_stop_api",
        "api:mentoring_run_create_api",
        "api:mentoring_run_publish_api",
    }:
        return {}
    return None
