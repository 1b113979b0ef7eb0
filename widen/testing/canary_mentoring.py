"""The canary person in mentoring (see `widen.testing.canary`): a row in every model of
mentoring's register entries, each holding values no other row holds.

Alpha University runs a mentoring programme the canary's account set up and matched. The canary
mentors in it (their account's mentor record, DBS-checked) and is a mentee in it (their student
record), never to be paired with themselves. As a mentee they were paired with another mentor:
they agreed a goal, logged a meeting, answered a check-in, sent a message, raised a concern, gave
feedback, and ended the relationship.
"""

from __future__ import annotations

import uuid
from datetime import date

from widen.accounts.models import User
from widen.core import request_context
from widen.mentoring.models import (
    CheckIn,
    Concern,
    Feedback,
    Goal,
    HowItIsGoing,
    MatchingRun,
    MatchingRunStatus,
    Meeting,
    MeetingMode,
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    Message,
    NeverPair,
    NeverPairReason,
    ProgrammeMentor,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.students.models import Student
from widen.testing.world import World


def seed_canary_mentoring(
    world: World, *, tag: str, serial: int, student: Student, user: User
) -> dict[str, tuple[str, ...]]:
    """Put the canary (`student` their student record, `user` their account) in a mentoring
    programme of Alpha University as a mentor and a mentee; returns the values each mentoring
    model holds about them, by model label."""
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, tuple[str, ...]] = {}
    with request_context.bind(source="test", actor=None):
        programme = MentoringProgramme.objects.create(
            organisation=world.alpha,
            name=f"Professional mentoring {suffix}",
            cohort_starts_on=date(2026, 10, 1),
            cohort_ends_on=date(2027, 6, 30),
            created_by=user,
        )
        values["mentoring.mentoringprogramme"] = ()
        mentor = Mentor.objects.create(
            organisation=world.alpha,
            user=user,
            employer_name=f"{tag} Capital",
            industries=["finance"],
            career_path=["audit"],
            job_role=f"{tag} analyst",
            is_alumnus=True,
            studied_at=f"{tag} College",
            studied_subject="Economics",
            location=f"{tag}ford",
            lived_experience=["first_in_family", "disabled"],
            preferences=f"{tag} would like to mentor care leavers",
            code_of_conduct_agreed_on=date(2026, 9, 1),
            training_completed_on=date(2026, 9, 8),
            dbs_certificate_number=f"00{serial:010d}",
            dbs_issued_on=date(2026, 8, 1),
            dbs_update_service=True,
            dbs_checked_by=world.users["staff"],
            dbs_checked_on=date(2026, 9, 10),
        )
        values["mentoring.mentor"] = (
            f"{tag} Capital",
            f"{tag} analyst",
            f"{tag} College",
            f"{tag}ford",
            f"{tag} would like to mentor care leavers",
            f"00{serial:010d}",
        )
        ProgrammeMentor.objects.create(
            programme=programme, mentor=mentor, capacity=2, status=ProgrammeMentorStatus.APPROVED
        )
        values["mentoring.programmementor"] = ()
        mentee = Mentee.objects.create(
            programme=programme,
            student=student,
            status=MenteeStatus.ACCEPTED,
            goals=f"{tag} hopes for a summer internship in audit",
            industries=["finance"],
            careers=["audit"],
            wants_shared=["first_in_family"],
            shared_with_mentor=["care_experienced"],
            consent_given_by=f"{tag} Carer, foster carer",
            consent_given_on=date(2026, 9, 1),
        )
        values["mentoring.mentee"] = (
            f"{tag} hopes for a summer internship in audit",
            f"{tag} Carer, foster carer",
        )
        NeverPair.objects.create(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            reason=NeverPairReason.OTHER,
            note=f"{tag} is both mentor and mentee here",
        )
        values["mentoring.neverpair"] = (f"{tag} is both mentor and mentee here",)
        run = MatchingRun.objects.create(
            programme=programme,
            run_by=user,
            status=MatchingRunStatus.PUBLISHED,
            total_score=30,
            proven_optimal=True,
            matched=1,
            weights=programme.weights,
        )
        values["mentoring.matchingrun"] = ()
        relationship = _relationship_with_another_mentor(
            programme, mentee, run, tag=tag, suffix=suffix, user=user
        )
        values["mentoring.relationship"] = (
            f"both in {tag} finance",
            f"{tag} moved to another university",
        )
        values.update(_seed_pair_space(relationship, tag=tag, user=user))
    return values


def _relationship_with_another_mentor(
    programme: MentoringProgramme,
    mentee: Mentee,
    run: MatchingRun,
    *,
    tag: str,
    suffix: str,
    user: User,
) -> Relationship:
    other = User.objects.create(username=f"mentor-{suffix}")
    mentor = Mentor.objects.create(organisation=programme.organisation, user=other)
    ProgrammeMentor.objects.create(programme=programme, mentor=mentor)
    return Relationship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        run=run,
        score=30,
        reasons=[{"criterion": "industry", "points": 30, "words": f"both in {tag} finance"}],
        status=RelationshipStatus.ENDED,
        ended_on=date(2027, 3, 1),
        ended_by=user,
        end_reason=f"{tag} moved to another university",
    )


def _seed_pair_space(
    relationship: Relationship, *, tag: str, user: User
) -> dict[str, tuple[str, ...]]:
    Goal.objects.create(
        relationship=relationship,
        text=f"{tag} wants a CV ready by Christmas",
        agreed_on=date(2026, 10, 20),
        review_note=f"{tag} rewrote the CV twice",
    )
    Meeting.objects.create(
        relationship=relationship,
        held_on=date(2026, 11, 3),
        mode=MeetingMode.ONLINE,
        minutes=45,
        note=f"{tag} talked through interview questions",
        logged_by=user,
    )
    CheckIn.objects.create(
        relationship=relationship,
        due_on=date(2026, 11, 17),
        answered_on=date(2026, 11, 18),
        answered_by=user,
        how_it_is_going=HowItIsGoing.GOING_WELL,
        note=f"{tag} feels more confident",
    )
    Message.objects.create(
        relationship=relationship, sender=user, body=f"{tag} says thank you for the advice"
    )
    Concern.objects.create(
        relationship=relationship,
        raised_by=user,
        reason=f"{tag} was asked to meet somewhere private",
    )
    Feedback.objects.create(
        relationship=relationship,
        side=Side.MENTEE,
        given_by=user,
        rating=5,
        comment=f"{tag} found the mentoring really useful",
    )
    return {
        "mentoring.goal": (
            f"{tag} wants a CV ready by Christmas",
            f"{tag} rewrote the CV twice",
        ),
        "mentoring.meeting": (f"{tag} talked through interview questions",),
        "mentoring.checkin": (f"{tag} feels more confident",),
        "mentoring.message": (f"{tag} says thank you for the advice",),
        "mentoring.concern": (f"{tag} was asked to meet somewhere private",),
        "mentoring.feedback": (f"{tag} found the mentoring really useful",),
    }
