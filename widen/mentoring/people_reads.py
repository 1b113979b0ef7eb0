"""What a mentor or a student mentee reads of their own mentoring: their places, applications,
the open programmes they may join or apply to, and their introductions and pairs with what they
may see of the other side. Only their own, through the mentoring policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from widen.accounts.capabilities import is_person
from widen.mentoring.matching_explain import slot_words
from widen.mentoring.models import (
    LivedExperience,
    Mentee,
    MenteesAre,
    MentoringProgramme,
    Mode,
    ProgrammeMentor,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.mentoring.permissions import (
    mentee_shared_profile,
    my_mentee_places,
    my_mentor_records,
    programmes_open,
    relationship_policy,
    side_of,
)
from widen.mentoring.services.people import mentee_group_refusal
from widen.students.mine.selectors import my_students


def _invited_pupil(actor: Any) -> bool:
    return Mentee.objects.filter(user=actor, learner__isnull=False).exists()


def mentor_landing(user: Any) -> str | None:
    """Where a mentor, or a pupil invited to sign in, lands once signed in: their own
    mentoring."""
    if is_person(user) and (my_mentor_records(user).exists() or _invited_pupil(user)):
        return reverse("mentoring:mine")
    return None


def takes_part(actor: Any) -> bool:
    """Whether `actor` has "My mentoring": a mentor record, a student record of their own, or a
    pupil's place they were invited to sign in to."""
    if not is_person(actor):
        return False
    return (
        my_mentor_records(actor).exists()
        or my_students(actor=actor).exists()
        or _invited_pupil(actor)
    )


def my_mentor_places(actor: Any) -> list[ProgrammeMentor]:
    return list(
        ProgrammeMentor.objects.filter(mentor__in=my_mentor_records(actor))
        .select_related("programme__organisation", "mentor")
        .order_by("-created_at")
    )


def my_mentee_applications(actor: Any) -> list[Mentee]:
    return list(
        my_mentee_places(actor).select_related("programme__organisation").order_by("-created_at")
    )


def programmes_to_join_as_mentor(actor: Any) -> list[MentoringProgramme]:
    """Open programmes a mentor has no place in yet."""
    if not my_mentor_records(actor).exists():
        return []
    taken = ProgrammeMentor.objects.filter(mentor__in=my_mentor_records(actor)).values(
        "programme_id"
    )
    return list(programmes_open().exclude(pk__in=taken).order_by("name"))


@dataclass
class OpenToApply:
    programme: MentoringProgramme
    refusal: str = ""  # why they may not apply (a group they are not in), or empty


def programmes_to_apply_as_mentee(actor: Any) -> list[OpenToApply]:
    """Open programmes of the student's providers whose mentees are students and that they have
    not applied to, each with why they may not apply (if they may not)."""
    students = list(my_students(actor=actor))
    if not students:
        return []
    applied = my_mentee_places(actor).values("programme_id")
    found = []
    for programme in (
        programmes_open()
        .filter(
            mentees_are=MenteesAre.STUDENTS,
            organisation_id__in=[student.organisation_id for student in students],
        )
        .exclude(pk__in=applied)
        .order_by("name")
    ):
        student = next(s for s in students if s.organisation_id == programme.organisation_id)
        found.append(OpenToApply(programme, mentee_group_refusal(student, programme)))
    return found


@dataclass
class Introduction:
    """A pair as one of its sides sees it."""

    relationship: Relationship
    side: Side
    other: dict[str, Any] = field(default_factory=dict)

    @property
    def i_accepted(self) -> bool:
        stamp = (
            self.relationship.mentor_accepted_at
            if self.side == Side.MENTOR
            else self.relationship.mentee_accepted_at
        )
        return stamp is not None

    @property
    def may_answer(self) -> bool:
        return self.relationship.is_introduced and not self.i_accepted

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The other side's profile as a page shows it: (what, in words), empty ones left
        out."""
        other = self.other
        if self.side == Side.MENTOR:
            said = [
                ("What they would like from mentoring", other["goals"]),
                ("Industries", ", ".join(other["industries"])),
                ("Careers", ", ".join(other["careers"])),
                ("How they can meet", ", ".join(_labels(Mode, other["modes"]))),
                ("When they are free", ", ".join(slot_words(s) for s in other["availability"])),
                ("Languages", ", ".join(other["languages"])),
                ("What they chose to share", ", ".join(_labels(LivedExperience, other["shared"]))),
            ]
        else:
            studied = " at ".join(
                part for part in (other["studied_subject"], other["studied_at"]) if part
            )
            said = [
                ("Job", other["job_role"]),
                ("Employer", other["employer"]),
                ("Industries", ", ".join(other["industries"])),
                ("Careers", ", ".join(other["career_path"])),
                ("Studied", studied),
                ("Why you were matched", "; ".join(other["reasons"])),
            ]
        return [(what, words) for what, words in said if words]


def _labels(choices: Any, codes: list[str]) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes]


def mentor_profile_for_mentee(relationship: Relationship) -> dict[str, Any]:
    """What a mentee reads of their mentor: their job, employer, industries, career path,
    where and what they studied, and the matching's reasons (never their checks or
    contact details)."""
    mentor = relationship.mentor
    employer = mentor.employer.name if mentor.employer is not None else mentor.employer_name
    return {
        "first_name": mentor.user.first_name,
        "job_role": mentor.job_role,
        "employer": employer,
        "industries": list(mentor.industries),
        "career_path": list(mentor.career_path),
        "studied_at": mentor.studied_at,
        "studied_subject": mentor.studied_subject,
        "reasons": [_reason_words(reason) for reason in relationship.reasons or []],
    }


def _reason_words(reason: Any) -> str:
    if isinstance(reason, dict):
        return str(reason.get("words") or reason.get("text") or "")
    return str(reason)


def my_introductions(actor: Any) -> list[Introduction]:
    """The pairs `actor` is a side of, once published, newest first."""
    if not is_person(actor):
        return []
    pairs = (
        relationship_policy.visible_to(actor)
        .filter(
            status__in=[
                RelationshipStatus.INTRODUCED,
                RelationshipStatus.ACTIVE,
                RelationshipStatus.DECLINED,
                RelationshipStatus.ENDED,
            ]
        )
        .select_related(
            "programme", "mentor__user", "mentor__employer", "mentee__student", "mentee__learner"
        )
        .order_by("-created_at")
        .distinct()
    )
    found = []
    for relationship in pairs:
        side = side_of(actor, relationship)
        if side is None:
            continue  # a coordinator's sight of a pair is not theirs to answer
        other = (
            mentee_shared_profile(relationship)
            if side == Side.MENTOR
            else mentor_profile_for_mentee(relationship)
        )
        found.append(Introduction(relationship, side, other))
    return found
