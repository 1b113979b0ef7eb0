"""Mentors' and mentees' own pages: the cells of an open programme's public page ("Become a
mentor") and of "My mentoring".

Rules:
  people_public_page       an open programme's public page and its registration form: anyone,
                           signed in or not (the form answers alike whatever the address)
  people_mine              "My mentoring" and its lists: no staff role has a mentor or student
                           record of their own (404); a mentor's and a student's own access is
                           proved in tests/mentoring/test_people_*.py and
                           tests/students/mine/test_student_everywhere.py
  people_mentor_own        a mentor's own profile: staff 404, whatever the organisation holding it
  people_programme_to_join joining an open programme as a mentor, applying to it as a mentee:
                           staff 404 (they are neither)
  people_place_own         withdrawing a mentor's place: staff 404, its coordinators included
  people_application_own   withdrawing a mentee's application, changing its answers: staff
                           404, its coordinators included (they fill in a pupil's on their own
                           page)
  people_introduction_own  accepting or declining an introduction: staff 404, the pair's
                           coordinators included (they manage it on their own pages)
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from tests.authz.rules import Rule, anyone
from tests.mentoring.people_factories import introduced, mentor_record, open_programme
from tests.students.records import make_student
from widen.mentoring.models import MentoringProgramme, ProgrammeMentor
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.testing.world import World

RULES = {
    "people_public_page": anyone(),
    "people_mine": Rule({}),
    "people_mentor_own": Rule({}),
    "people_programme_to_join": Rule({}),
    "people_place_own": Rule({}),
    "people_application_own": Rule({}),
    "people_introduction_own": Rule({}),
}


def _organisation(world: World, relation: str) -> Organisation:
    return {"partner": world.beta, "unrelated": world.gamma}.get(relation, world.alpha)


def _programme(world: World, relation: str) -> MentoringProgramme:
    """A new open programme of the relation's organisation (one per cell's URL: an allowed
    application would take it)."""
    organisation = _organisation(world, relation)
    number = MentoringProgramme.objects.filter(organisation=organisation).count() + 1
    return open_programme(world, f"Matrix mentoring {number}", organisation=organisation)


def _pair(world: World, relation: str) -> Any:
    programme = _programme(world, relation)
    organisation = programme.organisation
    number = Student.objects.filter(student_number__startswith="MP-").count() + 1
    mentor = mentor_record(organisation, f"matrix.mentor{number}@example.com")
    student = make_student(organisation, f"MP-{number}", "Max", "Matrix")
    return introduced(programme, mentor, student)


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "people_public_page":
        return {"programme_id": _programme(world, relation).pk}
    if rule == "people_programme_to_join":
        return {"programme_id": _programme(world, relation).pk}
    if rule in {"people_mentor_own", "people_place_own", "people_application_own"}:
        pair = _pair(world, relation)
        if rule == "people_mentor_own":
            return {"mentor_id": pair.mentor_id}
        if rule == "people_place_own":
            return {"place_id": ProgrammeMentor.objects.get(mentor=pair.mentor).pk}
        return {"mentee_id": pair.mentee_id}
    if rule == "people_introduction_own":
        return {"relationship_id": _pair(world, relation).pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "mentoring:programme_open":
        return {
            "first_name": "Mia",
            "last_name": "Matrix",
            "email": f"matrix.register{counter}@example.com",
            "job_role": "Engineer",
            "capacity": "1",
            "code_of_conduct": "on",
        }
    if name in {"mentoring:mine_introduction_decline", "api:mentoring_my_introduction_decline_api"}:
        return {"reason": "Not the right match for me."}
    if name in {"mentoring:mine_profile", "mentoring:mine_join"}:
        return {"job_role": "Engineer", "capacity": "1"}
    if name in {
        "mentoring:mine_apply",
        "mentoring:mine_place_withdraw",
        "mentoring:mine_application_withdraw",
        "mentoring:mine_answers",
        "mentoring:mine_introduction_accept",
        "api:mentoring_my_answers_update_api",
        "api:mentoring_my_application_create_api",
        "api:mentoring_my_introduction_accept_api",
        "api:mentoring_my_mentor_profile_update_api",
    }:
        return {}
    return None
