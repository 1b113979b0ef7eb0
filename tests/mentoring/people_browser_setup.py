"""A mentor and a student mentee introduced to each other, for the browser tests.

Run as `python -m tests.mentoring.people_browser_setup USERNAME MENTOR_EMAIL STUDENT_EMAIL` with
the server's environment: at USERNAME's organisation (a university whose mentoring USERNAME
coordinates), makes two open programmes ("Careers in finance mentoring", "Careers in law
mentoring"), a mentor (an alumna with an account of her own, MENTOR_EMAIL) approved in the
first, a student (contact address STUDENT_EMAIL) accepted as its mentee, and the pair introduced
to both. Prints, as JSON, the ids.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def make(username: str, mentor_email: str, student_email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.accounts.sign_in_links import link_account_create  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.mentoring.models import (  # noqa: PLC0415
        Mentee,
        MenteeStatus,
        Mentor,
        MentoringProgramme,
        ProgrammeMentor,
        ProgrammeMentorStatus,
        Relationship,
        RelationshipStatus,
    )
    from widen.students.models import Student  # noqa: PLC0415

    organisation = Membership.objects.filter(user__username=username).first().organisation
    with request_context.bind(actor=system_actor("browser test setup"), source="cli"):
        finance, _ = MentoringProgramme.objects.get_or_create(
            organisation=organisation,
            name="Careers in finance mentoring",
            defaults={
                "purpose": "Students from under-represented backgrounds meet alumni working in "
                "finance.",
                "meeting_expectations": "An hour a month, online or in person, for six months.",
            },
        )
        law, _ = MentoringProgramme.objects.get_or_create(
            organisation=organisation,
            name="Careers in law mentoring",
            defaults={"purpose": "Meet solicitors and barristers."},
        )
        user = User.objects.filter(email=mentor_email).first() or link_account_create(
            email=mentor_email, first_name="Grace", last_name="Hopper"
        )
        mentor, _ = Mentor.objects.get_or_create(
            organisation=organisation,
            user=user,
            defaults={
                "employer_name": "Northern Bank",
                "job_role": "Audit manager",
                "industries": ["finance"],
                "career_path": ["audit", "tax"],
                "is_alumnus": True,
                "studied_at": organisation.name,
                "studied_subject": "Economics",
                "location": "Leicester",
                "modes": ["online"],
                "languages": ["English"],
                "availability": ["tue-evening"],
                "lived_experience": ["first_in_family"],
            },
        )
        ProgrammeMentor.objects.get_or_create(
            programme=finance,
            mentor=mentor,
            defaults={"status": ProgrammeMentorStatus.APPROVED, "capacity": 2},
        )
        student = Student.objects.filter(organisation=organisation, email=student_email).first()
        if student is None:
            student = Student.objects.create(
                organisation=organisation,
                student_number="MENTEE-PEOPLE-1",
                first_name="Priya",
                last_name="Patel",
                email=student_email,
            )
        mentee, _ = Mentee.objects.get_or_create(
            programme=finance,
            student=student,
            defaults={
                "status": MenteeStatus.ACCEPTED,
                "goals": "To find out what working in audit is like.",
                "industries": ["finance"],
                "careers": ["audit"],
                "shared_with_mentor": ["first_in_family"],
            },
        )
        pair, _ = Relationship.objects.get_or_create(
            programme=finance,
            mentee=mentee,
            defaults={
                "mentor": mentor,
                "status": RelationshipStatus.INTRODUCED,
                "score": 50,
                "reasons": [
                    {"criterion": "industry", "points": 30, "words": "both in finance"},
                    {
                        "criterion": "shared_background",
                        "points": 20,
                        "words": "mentor is first in family, as the student asked",
                    },
                ],
            },
        )
    return {
        "programme_id": str(finance.pk),
        "law_programme_id": str(law.pk),
        "mentor_id": str(mentor.pk),
        "pair_id": str(pair.pk),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2], sys.argv[3])))
