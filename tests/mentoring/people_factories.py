"""Mentors and mentees as they join mentoring, in tests: an open programme, registering on its
public page, a mentor or student signed in by link, and a pair introduced to both."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.students.mine.support import links_sent_to, signed_in_by_link, student_at
from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
from widen.mentoring.models import (
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    ProgrammeMentor,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
)
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.testing.world import World


def open_programme(
    world: World, name: str = "Finance mentoring", **fields: Any
) -> MentoringProgramme:
    fields.setdefault("organisation", world.alpha)
    with request_context.bind(source="test"):
        return MentoringProgramme.objects.create(
            name=name,
            purpose="Students meet people working in finance.",
            meeting_expectations="An hour a month, online or in person.",
            **fields,
        )


def registration(email: str, **changes: Any) -> dict[str, Any]:
    """What an alumna types on a programme's public page to become a mentor."""
    form: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": email,
        "employer_name": "Northern Bank",
        "job_role": "Audit manager",
        "industries": "Finance, Accountancy",
        "career_path": "audit, tax",
        "is_alumnus": "on",
        "studied_at": "Alpha University",
        "studied_subject": "Economics",
        "location": "Leicester",
        "modes": ["online"],
        "languages": "English, Punjabi",
        "availability": ["tue-evening", "thu-evening"],
        "lived_experience": ["first_in_family"],
        "preferences": "Happy to mentor anyone interested in finance.",
        "capacity": "2",
        "code_of_conduct": "on",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def register(
    client: Client, programme: MentoringProgramme, email: str, capture: Any, **changes: Any
) -> Any:
    with capture(execute=True):
        return client.post(
            reverse("mentoring:programme_open", args=[programme.pk]), registration(email, **changes)
        )


def mentor_signed_in(
    programme: MentoringProgramme, email: str, capture: Any, **changes: Any
) -> tuple[Client, Any]:
    """A client signed in by the link the registration e-mailed, and where it landed."""
    client = Client()
    register(client, programme, email, capture, **changes)
    path = links_sent_to(email)[-1]
    landed = client.post(path)
    return client, landed


def mentor_record(
    organisation: Organisation, email: str, *, first_name: str = "Mo", **fields: Any
) -> Mentor:
    """A mentor held by `organisation`, with an account of their own and no staff role."""
    with request_context.bind(source="test"):
        user = link_account_create(email=email, first_name=first_name, last_name="Mentor")
        fields.setdefault("job_role", "Solicitor")
        fields.setdefault("employer_name", "Lane & Co")
        fields.setdefault("industries", ["law"])
        fields.setdefault("career_path", ["commercial law"])
        return Mentor.objects.create(organisation=organisation, user=user, **fields)


def student_signed_in(
    organisation: Organisation, number: str, email: str, capture: Any, **fields: Any
) -> tuple[Student, Client]:
    student = student_at(organisation, number, email, **fields)
    return student, signed_in_by_link(email, capture)


def introduced(
    programme: MentoringProgramme,
    mentor: Mentor,
    student: Student,
    **mentee_fields: Any,
) -> Relationship:
    """A pair the coordinator has published: the mentee's and mentor's places approved."""
    with request_context.bind(source="test"):
        ProgrammeMentor.objects.get_or_create(
            programme=programme,
            mentor=mentor,
            defaults={"status": ProgrammeMentorStatus.APPROVED, "capacity": 2},
        )
        mentee = Mentee.objects.create(
            programme=programme, student=student, status=MenteeStatus.ACCEPTED, **mentee_fields
        )
        return Relationship.objects.create(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=RelationshipStatus.INTRODUCED,
            score=40,
            reasons=[
                {"criterion": "industry", "points": 30, "words": "both in law"},
                {"criterion": "availability", "points": 10, "words": "Tuesday evenings overlap"},
            ],
        )
