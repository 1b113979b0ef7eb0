"""Programmes, mentors and mentees for the coordinator's tests, made as Widen itself would make
them (services under a system actor, rows audited)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

from tests.students.records import make_student
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.learners.models import Learner
from widen.mentoring.models import (
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    ProgrammeMentor,
    ProgrammeMentorStatus,
)
from widen.mentoring.services.programmes import programme_create
from widen.organisations.models import Organisation
from widen.testing.world import make_user

SYSTEM = system_actor("mentoring tests")
ADULT = date(2000, 5, 1)
INDUSTRIES = ("finance", "law", "engineering", "health", "media")
CAREERS = ("audit", "solicitor", "civil engineer", "nurse", "journalist")
SLOTS = ("mon-evening", "tue-evening", "wed-morning", "thu-afternoon")


def make_programme(organisation: Organisation, name: str = "Finance mentoring", **details: Any):
    with request_context.bind(source="test"):
        return programme_create(
            actor=SYSTEM, organisation=organisation, details={"name": name, **details}
        )


def make_mentor(
    programme: MentoringProgramme,
    username: str,
    *,
    capacity: int = 1,
    status: str = ProgrammeMentorStatus.APPROVED,
    dbs: bool = False,
    **profile: Any,
) -> ProgrammeMentor:
    """A mentor held by the programme's organisation with a place in it (approved by default)."""
    checks: dict[str, Any] = {}
    if dbs:
        checks = {
            "dbs_certificate_number": "001234567890",
            "dbs_issued_on": date(2025, 1, 6),
            "dbs_checked_on": date(2025, 1, 7),
        }
    with request_context.bind(source="test"):
        mentor = Mentor.objects.create(
            organisation=programme.organisation,
            user=make_user(username, None, None),
            job_role=profile.pop("job_role", "Analyst"),
            **checks,
            **profile,
        )
        return ProgrammeMentor.objects.create(
            programme=programme, mentor=mentor, capacity=capacity, status=status
        )


def make_mentee(
    programme: MentoringProgramme,
    number: str,
    first: str = "Sam",
    *,
    born: date | None = ADULT,
    status: str = MenteeStatus.ACCEPTED,
    email: str = "",
    **wants: Any,
) -> Mentee:
    """A student of the programme's organisation, a mentee of it (accepted by default)."""
    student = make_student(
        programme.organisation, number, first, "Mentee", date_of_birth=born, email=email
    )
    with request_context.bind(source="test"):
        return Mentee.objects.create(programme=programme, student=student, status=status, **wants)


def make_pupil_mentee(programme: MentoringProgramme, learner: Learner, **wants: Any) -> Mentee:
    with request_context.bind(source="test"):
        return Mentee.objects.create(
            programme=programme, learner=learner, status=MenteeStatus.ACCEPTED, **wants
        )


def make_cohort(
    programme: MentoringProgramme, *, mentees: int, mentors: int, seed: int = 19, prefix: str = ""
) -> None:
    """A cohort of accepted student mentees and approved mentors (up to 3 places each), with
    interests drawn from `seed`."""
    rng = random.Random(seed)

    def some(values: tuple[str, ...], most: int) -> list[str]:
        return rng.sample(values, rng.randint(1, most))

    for i in range(mentors):
        make_mentor(
            programme,
            f"{prefix}mentor{i}",
            capacity=rng.randint(1, 3),
            industries=some(INDUSTRIES, 2),
            career_path=some(CAREERS, 2),
            availability=some(SLOTS, 2),
            languages=["English"],
            location=rng.choice(("Leicester", "Nottingham")),
            lived_experience=rng.choice(([], ["first_in_family"])),
            job_role=f"Professional {i}",
        )
    for i in range(mentees):
        make_mentee(
            programme,
            f"{prefix}C{i:04d}",
            f"Student{i}",
            industries=some(INDUSTRIES, 2),
            careers=some(CAREERS, 2),
            availability=some(SLOTS, 2),
            languages=["English"],
            location=rng.choice(("Leicester", "Nottingham")),
            wants_shared=rng.choice(([], ["first_in_family"])),
        )


MENTORING_BODY_OPERATIONS = {
    "mentoring_programme_create",
    "mentoring_programme_update",
    "mentoring_pupil_sign_in",
}


def mentoring_programme_case(
    world: Any, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """A valid body for the API input sweep: a programme set up or changed by a coordinator."""
    from widen.accounts.models import Role  # noqa: PLC0415

    body = {
        "name": "Inputs mentoring",
        "cohort_starts_on": "2026-10-01",
        "cohort_ends_on": "2027-06-30",
        "check_in_weeks": 4,
        "quiet_after_weeks": 6,
        "weights": {
            "industry": 30,
            "career_path": 20,
            "shared_background": 20,
            "location_and_mode": 10,
            "availability": 10,
            "languages": 10,
        },
    }

    def snapshot() -> Any:
        return list(MentoringProgramme.objects.order_by("pk").values())

    if operation_id == "mentoring_programme_create":
        return (
            "POST",
            "/api/v1/mentoring/programmes",
            {"organisation_id": str(world.alpha.pk), **body},
            Role.OUTREACH_OFFICER,
            snapshot,
        )
    if operation_id == "mentoring_pupil_sign_in":
        pupils = make_programme(
            world.alpha, "Inputs pupils", mentees_are="pupils", partnership=world.north
        )
        pupil = make_pupil_mentee(pupils, world.learner_alpha)
        return (
            "PUT",
            f"/api/v1/mentoring/mentees/{pupil.pk}/sign-in",
            {
                "email": "inputs.pupil@school.example.org",
                "consent_given_by": "Jo Inputs, mother",
                "consent_given_on": "2026-09-01",
            },
            Role.OUTREACH_OFFICER,
            lambda: list(Mentee.objects.filter(pk=pupil.pk).values()),
        )
    programme = make_programme(world.alpha, "Inputs to change")
    return (
        "PATCH",
        f"/api/v1/mentoring/programmes/{programme.pk}",
        body,
        Role.OUTREACH_OFFICER,
        snapshot,
    )
