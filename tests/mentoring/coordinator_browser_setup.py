"""A mentoring programme with a cohort of 200, matched, for the browser tests of the coordinator's
pages.

Run as `python -m tests.mentoring.coordinator_browser_setup USERNAME` with the server's
environment: at USERNAME's organisation (a demo university whose mentoring USERNAME coordinates),
makes a programme with 200 accepted student mentees and 80 approved mentors (one of them
DBS-checked, one still applied), a mentee who applied, and a matching run; prints, as JSON, the
ids and names.
"""

from __future__ import annotations

import json
import random
import secrets
import sys
from datetime import date
from typing import Any

MENTEES = 200
MENTORS = 80
INDUSTRIES = ("finance", "law", "engineering", "health", "media", "software")
CAREERS = ("audit", "solicitor", "civil engineer", "nurse", "journalist", "developer")
SLOTS = ("mon-evening", "tue-evening", "wed-morning", "thu-afternoon", "sat-morning")
PLACES = ("London", "Stratford", "Croydon")
FIRST = ("Amara", "Bilal", "Chloe", "Dev", "Esi", "Femi", "Grace", "Hana", "Ivan", "Jade")
LAST = ("Okafor", "Khan", "Smith", "Patel", "Mensah", "Nowak", "Ali", "Evans", "Chen", "Ross")


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.mentoring.models import (  # noqa: PLC0415
        Mentee,
        MenteeStatus,
        Mentor,
        ProgrammeMentor,
        ProgrammeMentorStatus,
    )
    from widen.mentoring.services.matching_runs import matching_run  # noqa: PLC0415
    from widen.mentoring.services.programmes import programme_create  # noqa: PLC0415
    from widen.students.services import student_create  # noqa: PLC0415

    coordinator = User.objects.get(username=username)
    provider = Membership.objects.select_related("organisation").get(user=coordinator).organisation
    system = system_actor("browser tests")
    rng = random.Random(19)
    suffix = secrets.token_hex(3)

    def some(values: tuple[str, ...], most: int) -> list[str]:
        return rng.sample(values, rng.randint(1, most))

    with request_context.bind(source="cli", actor=coordinator):
        programme = programme_create(
            actor=coordinator,
            organisation=provider,
            details={
                "name": f"Professional mentoring {suffix}",
                "purpose": "Professionals and alumni who open a door into a career.",
                "meeting_expectations": "An hour a month, online or in person.",
            },
        )
        places = []
        for i in range(MENTORS):
            user = User.objects.create(
                username=f"mentor.{suffix}.{i}",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
            )
            checked = i == 0
            mentor = Mentor.objects.create(
                organisation=provider,
                user=user,
                job_role=rng.choice(("Analyst", "Associate", "Engineer", "Editor", "Manager")),
                employer_name=rng.choice(("Barclays", "Arup", "NHS", "BBC", "Linklaters")),
                industries=some(INDUSTRIES, 2),
                career_path=some(CAREERS, 2),
                availability=some(SLOTS, 2),
                languages=["English", *rng.sample(["Polish", "Urdu", "Yoruba"], 1)],
                location=rng.choice(PLACES),
                lived_experience=rng.choice(([], ["first_in_family"], ["care_experienced"])),
                dbs_certificate_number="001234567890" if checked else "",
                dbs_issued_on=date(2025, 1, 6) if checked else None,
                dbs_checked_on=date(2025, 1, 7) if checked else None,
            )
            places.append(
                ProgrammeMentor.objects.create(
                    programme=programme,
                    mentor=mentor,
                    capacity=rng.randint(1, 3),
                    status=ProgrammeMentorStatus.APPLIED
                    if i == MENTORS - 1
                    else ProgrammeMentorStatus.APPROVED,
                )
            )
        for i in range(MENTEES + 1):
            student = student_create(
                actor=system,
                organisation=provider,
                details={
                    "student_number": f"M{suffix}{i:04d}",
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "date_of_birth": date(2004, 3, 1),
                },
                status="enrolled",
                status_since=date(2025, 9, 22),
                source="test",
            )
            Mentee.objects.create(
                programme=programme,
                student=student,
                status=MenteeStatus.APPLIED if i == MENTEES else MenteeStatus.ACCEPTED,
                industries=some(INDUSTRIES, 2),
                careers=some(CAREERS, 2),
                availability=some(SLOTS, 2),
                languages=["English"],
                location=rng.choice(PLACES),
                wants_shared=rng.choice(([], ["first_in_family"])),
            )
        run = matching_run(actor=coordinator, programme=programme)
    return {
        "programme_id": str(programme.pk),
        "programme": programme.name,
        "run_id": run.pk,
        "place_id": str(places[-1].pk),
        "mentor": places[-1].mentor.user.get_full_name(),
        "matched": run.matched,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1])))
