"""What the mentoring journey in the browser starts from, made in the server's database.

Run as `python -m tests.mentoring.journey_browser_setup USERNAME` with the server's environment:
at USERNAME's organisation (a demo university whose mentoring USERNAME coordinates), a support
scheme with one member, Imani (who signs in and applies in the journey), and an open programme
for the scheme's members with a cohort the coordinator has already accepted: 199 students, and 40
approved mentors who can take five each. None of them works in museums: the alumna who registers
in the journey does, and is first in family, as Imani asks. A pair from before has not met for
seven weeks. Everything is named afresh each run. Prints, as JSON, the names and addresses the
journey needs.

Run as `python -m tests.mentoring.journey_browser_setup quiet` for the daily going-quiet alert
(`widen mentoring quiet-alerts`); prints how many pairs it alerted.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, timedelta
from typing import Any

COHORT = 199  # and Imani: 200
MENTORS = 40
PLACES = 5
INDUSTRIES = ("finance", "law", "health", "engineering", "technology", "media", "policy")


def make(username: str) -> dict[str, Any]:  # noqa: PLR0915 - one cohort, made in one place
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.mentoring.models import (  # noqa: PLC0415
        Meeting,
        MeetingMode,
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
    from widen.support.models import (  # noqa: PLC0415
        MembershipSource,
        MembershipStatus,
        SchemeMembership,
    )
    from widen.support.services.schemes import scheme_create  # noqa: PLC0415

    membership = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    provider, coordinator = membership.organisation, membership.user
    mark = secrets.token_hex(3)
    today = timezone.localdate()
    adult = date(today.year - 20, 3, 1)
    with request_context.bind(actor=coordinator, source="cli"):
        scheme = scheme_create(
            actor=coordinator,
            organisation=provider,
            name=f"Creative careers {mark}",
            definition={"any": [{"all": [{"criterion": "first_in_family"}]}]},
        )
        imani = Student.objects.create(
            organisation=provider,
            student_number=f"J{mark}",
            first_name="Imani",
            last_name=f"Clarke{mark}",
            email=f"imani.{mark}@students.example.ac.uk",
            date_of_birth=adult,
        )
        SchemeMembership.objects.create(
            scheme=scheme,
            student=imani,
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            invited_at=timezone.now(),
            joined_at=timezone.now(),
        )
        programme = MentoringProgramme.objects.create(
            organisation=provider,
            name=f"Careers mentoring {mark}",
            purpose="A mentor from the working world for a year.",
            cohort_starts_on=today - timedelta(weeks=8),
            mentees_must_belong_to=f"support.scheme:{scheme.pk}",
            quiet_after_weeks=4,
        )
        students = Student.objects.bulk_create(
            Student(
                organisation=provider,
                student_number=f"C{mark}{number:03d}",
                first_name=f"Cohort{number:03d}",
                last_name=f"Student{mark}",
                email=f"cohort{number:03d}.{mark}@students.example.ac.uk",
                date_of_birth=adult,
            )
            for number in range(COHORT + 1)
        )
        quiet_student, cohort = students[0], students[1:]
        Mentee.objects.bulk_create(
            Mentee(
                programme=programme,
                student=student,
                status=MenteeStatus.ACCEPTED,
                industries=[INDUSTRIES[number % len(INDUSTRIES)]],
                modes=["online"],
                availability=["tue-evening" if number % 2 else "thu-evening"],
                languages=["English"],
            )
            for number, student in enumerate(cohort)
        )
        users = User.objects.bulk_create(
            User(
                username=f"mentor{number:02d}.{mark}@work.example.org",
                email=f"mentor{number:02d}.{mark}@work.example.org",
                first_name=f"Mentor{number:02d}",
                last_name=f"Working{mark}",
            )
            for number in range(MENTORS + 1)
        )
        mentors = Mentor.objects.bulk_create(
            Mentor(
                organisation=provider,
                user=user,
                employer_name="A London employer",
                industries=[INDUSTRIES[number % len(INDUSTRIES)]],
                job_role="Manager",
                modes=["online"],
                availability=["tue-evening", "thu-evening"],
                languages=["English"],
                code_of_conduct_agreed_on=today,
                training_completed_on=today,
            )
            for number, user in enumerate(users)
        )
        quiet_mentor = mentors[0]
        ProgrammeMentor.objects.bulk_create(
            ProgrammeMentor(
                programme=programme,
                mentor=mentor,
                capacity=1 if mentor is quiet_mentor else PLACES,
                status=ProgrammeMentorStatus.APPROVED,
            )
            for mentor in mentors
        )
        # A pair from before, accepted eight weeks ago, that last met seven weeks ago.
        began = timezone.now() - timedelta(weeks=8)
        quiet_mentee = Mentee.objects.create(
            programme=programme, student=quiet_student, status=MenteeStatus.ACCEPTED
        )
        quiet = Relationship.objects.create(
            programme=programme,
            mentor=quiet_mentor,
            mentee=quiet_mentee,
            status=RelationshipStatus.ACTIVE,
            mentor_accepted_at=began,
            mentee_accepted_at=began,
            status_changed_at=began,
            last_meeting_on=today - timedelta(weeks=7),
        )
        Meeting.objects.create(
            relationship=quiet,
            held_on=today - timedelta(weeks=7),
            mode=MeetingMode.ONLINE,
            minutes=45,
        )
    return {
        "programme_id": str(programme.pk),
        "programme_name": programme.name,
        "scheme_name": scheme.name,
        "mentee_email": imani.email,
        "mentee_name": f"{imani.first_name} {imani.last_name}",
        "alumna_email": f"rosa.{mark}@museum.example.org",
        "alumna_name": f"Rosa Lindqvist{mark}",
        "quiet_mentee": f"{quiet_student.first_name} {quiet_student.last_name}",
    }


def quiet_alerts() -> int:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.mentoring.services.pairs import pairs_quiet_alert  # noqa: PLC0415

    with request_context.bind(source="cli"):
        return pairs_quiet_alert(actor=system_actor("browser tests: the daily quiet alerts"))


if __name__ == "__main__":
    if sys.argv[1] == "quiet":
        sys.stdout.write(json.dumps({"alerted": quiet_alerts()}))
    else:
        sys.stdout.write(json.dumps(make(sys.argv[1])))
