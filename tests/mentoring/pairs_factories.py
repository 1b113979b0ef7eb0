"""Mentoring pairs for the tests of a pair's space: a programme, a mentor who signs in, a
student mentee who signs in, and their pair in the state a test needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tests.students.records import make_student
from widen.accounts.models import User
from widen.core import request_context
from widen.mentoring.models import (
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    Relationship,
    RelationshipStatus,
)
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.testing.world import make_user


@dataclass
class Pair:
    relationship: Relationship
    mentor: User
    mentee: User
    student: Student

    @property
    def programme(self) -> MentoringProgramme:
        return self.relationship.programme


def programme_at(
    organisation: Organisation, name: str = "Finance mentoring", **fields: Any
) -> MentoringProgramme:
    with request_context.bind(source="test"):
        found = MentoringProgramme.objects.filter(organisation=organisation, name=name).first()
        if found is not None:
            return found
        return MentoringProgramme.objects.create(organisation=organisation, name=name, **fields)


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def pair_in(
    programme: MentoringProgramme,
    tag: str,
    *,
    status: str = RelationshipStatus.ACTIVE,
    began_on: date | None = None,
    last_meeting_on: date | None = None,
) -> Pair:
    """A pair of `programme`: mentor `<tag>.mentor`, student mentee `<tag>.mentee` (both with
    accounts of their own and no staff role), accepted by both on `began_on` (40 days ago)."""
    began_on = began_on or timezone.localdate() - timedelta(days=40)
    organisation = programme.organisation
    with request_context.bind(source="test"):
        mentor_user = make_user(f"{tag}.mentor", None, None)
        mentor_user.first_name, mentor_user.last_name = "Maya", "Mentor"
        mentor_user.save(update_fields=["first_name", "last_name"])
        mentee_user = make_user(f"{tag}.mentee", None, None)
        student = make_student(organisation, f"P{tag}", "Tobi", "Okoro")
        Student.objects.filter(pk=student.pk).update(user=mentee_user)
        mentor = Mentor.objects.create(
            organisation=organisation, user=mentor_user, job_role="Auditor", industries=["finance"]
        )
        mentee = Mentee.objects.create(
            programme=programme,
            student=student,
            status=MenteeStatus.ACCEPTED,
            goals="To find out what working in audit is like.",
            industries=["finance"],
            careers=["audit"],
            shared_with_mentor=["first_in_family"],
        )
        accepted = moment(began_on) if status != RelationshipStatus.INTRODUCED else None
        relationship = Relationship.objects.create(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=status,
            score=80,
            reasons=[{"criterion": "industry", "points": 40, "words": "both in finance"}],
            mentor_accepted_at=accepted,
            mentee_accepted_at=accepted,
            status_changed_at=accepted,
            last_meeting_on=last_meeting_on,
            ended_on=timezone.localdate() if status == RelationshipStatus.ENDED else None,
            end_reason="We met our goals." if status == RelationshipStatus.ENDED else "",
        )
    return Pair(relationship, mentor_user, mentee_user, Student.objects.get(pk=student.pk))


# The pair operations of the API that read a date or a number, for the API input sweep
# (tests/test_api_inputs.py): a valid body to spoil one field of.
PAIR_BODY_OPERATIONS = {"mentoring_pair_meeting_log", "mentoring_pair_feedback"}


def pair_input_case(
    world: Any, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """(method, path, valid body, the token's key in `world.tokens`, a snapshot of what the
    call would change): a meeting logged by the pair's coordinator, or the mentee's feedback on
    their ended pair."""
    from widen.accounts.models import Role  # noqa: PLC0415
    from widen.accounts.services import api_token_create  # noqa: PLC0415
    from widen.mentoring.models import Feedback, Meeting  # noqa: PLC0415

    if operation_id == "mentoring_pair_meeting_log":
        pair = pair_in(programme_at(world.alpha), "inputs")
        body = {"held_on": timezone.localdate().isoformat(), "mode": "online", "minutes": 30}

        def meetings() -> Any:
            return list(Meeting.objects.order_by("pk").values())

        path = f"/api/v1/mentoring/pairs/{pair.relationship.pk}/meetings"
        return "POST", path, body, Role.OUTREACH_OFFICER, meetings
    pair = pair_in(programme_at(world.alpha), "inputs", status=RelationshipStatus.ENDED)
    world.tokens["pair mentee"] = api_token_create(user=pair.mentee, name="inputs")[1]

    def feedback() -> Any:
        return list(Feedback.objects.order_by("pk").values())

    path = f"/api/v1/mentoring/pairs/{pair.relationship.pk}/feedback"
    return "POST", path, {"rating": 4, "comment": ""}, "pair mentee", feedback
