"""A mentoring pair in full, for the browser tests of its pages.

Run as `python -m tests.mentoring.pairs_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (whose mentoring USERNAME coordinates) makes a programme
with an active pair: the mentor Maya Mentor, an auditor, and a student mentee whose contact
address is EMAIL (with an account, so they sign in by link), with two goals (one achieved), two
meetings, a check-in due, messages and a concern; and a second pair, gone quiet. Prints, as
JSON, the ids and names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, datetime, time, timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.accounts.sign_in_links import link_account_create  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.mentoring.models import (  # noqa: PLC0415
        CheckIn,
        Mentee,
        MenteeStatus,
        Mentor,
        MentoringProgramme,
        Relationship,
        RelationshipStatus,
    )
    from widen.mentoring.services.pairs import (  # noqa: PLC0415
        concern_raise,
        goal_agree,
        goal_review,
        meeting_log,
        message_send,
    )
    from widen.students.models import Student, StudentStatus  # noqa: PLC0415

    coordinator = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    provider = coordinator.organisation
    token = secrets.token_hex(3)
    today = timezone.localdate()
    began = today - timedelta(days=60)
    accepted = timezone.make_aware(datetime.combine(began, time(10)))

    def pair(mentor_name: tuple[str, str], student: Student, **fields: Any) -> Relationship:
        mentor_user = link_account_create(
            email=f"{mentor_name[0].lower()}.{token}@mentors.example.com",
            first_name=mentor_name[0],
            last_name=mentor_name[1],
        )
        mentor = Mentor.objects.create(
            organisation=provider,
            user=mentor_user,
            job_role="Auditor",
            employer_name="Northgate Accountants",
            industries=["finance"],
        )
        mentee = Mentee.objects.create(
            programme=programme,
            student=student,
            status=MenteeStatus.ACCEPTED,
            goals="To find out what working in audit is like, and to get a summer internship.",
            industries=["finance"],
            careers=["audit"],
            availability=["tue-evening"],
            languages=["English"],
            shared_with_mentor=["first_in_family"],
        )
        return Relationship.objects.create(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=RelationshipStatus.ACTIVE,
            score=82,
            mentor_accepted_at=accepted,
            mentee_accepted_at=accepted,
            status_changed_at=accepted,
            **fields,
        )

    with request_context.bind(source="cli"):
        programme = MentoringProgramme.objects.create(
            organisation=provider,
            name=f"Professional mentoring {token}",
            meeting_expectations="An hour a month, online or in person.",
        )
        student = Student.objects.create(
            organisation=provider,
            student_number="M" + secrets.token_hex(4),
            first_name="Tobi",
            last_name="Okoro",
            email=email,
            status=StudentStatus.ENROLLED,
            status_since=date(2025, 9, 22),
        )
        user = link_account_create(email=email, first_name="Tobi", last_name="Okoro")
        Student.objects.filter(pk=student.pk).update(user=user)
        student.user = user
        active = pair(("Maya", "Mentor"), student)
        mentor = active.mentor.user
        with request_context.bind(actor=mentor, source="cli"):
            cv = goal_agree(actor=mentor, relationship=active, text="Write a CV for audit firms")
            goal_review(actor=mentor, goal=cv, outcome="achieved", note="Sent to three firms")
            goal_agree(actor=mentor, relationship=active, text="Apply for a summer internship")
            meeting_log(
                actor=mentor,
                relationship=active,
                held_on=began + timedelta(days=7),
                mode="online",
                minutes=60,
                note="Getting to know each other",
            )
            meeting_log(
                actor=mentor,
                relationship=active,
                held_on=today - timedelta(days=5),
                mode="in_person",
                minutes=45,
                note="CV review",
            )
            message_send(actor=mentor, relationship=active, body="Lovely to meet you on Tuesday.")
        with request_context.bind(actor=user, source="cli"):
            message_send(actor=user, relationship=active, body="Thank you, see you next month!")
        CheckIn.objects.create(relationship=active, due_on=today - timedelta(days=2))
        other_student = Student.objects.create(
            organisation=provider,
            student_number="M" + secrets.token_hex(4),
            first_name="Ada",
            last_name="Quiet",
            status=StudentStatus.ENROLLED,
            status_since=date(2025, 9, 22),
        )
        quiet = pair(("Sam", "Silent"), other_student, last_meeting_on=today - timedelta(weeks=7))
        with request_context.bind(actor=coordinator.user, source="cli"):
            concern_raise(
                actor=coordinator.user,
                relationship=quiet,
                reason="No meeting for seven weeks; checking all is well.",
            )
    return {
        "pair_id": str(active.pk),
        "quiet_pair_id": str(quiet.pk),
        "programme_id": str(programme.pk),
        "programme_name": programme.name,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
