"""Mentoring's personal data in the register (see `widen.audit.registry`).

A mentor is found by their account (and the e-mail address it holds); a mentee by their student
record, as student support finds a student, or by their learner record when they are a pupil (and
by the sign-in a pupil was invited to, whose consent record names the parent or carer who agreed).
A pair's space (goals, meetings, check-ins, messages, concerns, feedback) is both people's: each
finds it. A mentor's record is anonymised when they are erased, and a mentee's, so that the other
side keeps the fact of the relationship; what either wrote goes, except that once a concern about
a pair has been raised its messages and concerns are safeguarding records, which erasure leaves
(the report says why). A programme, and who ran a matching, name only the staff account that did
it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.audit import registry
from widen.mentoring.models import (
    CheckIn,
    Concern,
    Feedback,
    Goal,
    MatchingRun,
    Meeting,
    Mentee,
    Mentor,
    MentoringProgramme,
    Message,
    NeverPair,
    ProgrammeMentor,
    Relationship,
)

WITH_THE_MENTOR = registry.KeptWhileParent(
    "as long as the mentor's record with the organisation, which they may ask to close"
)
WITH_THE_PROGRAMME = registry.KeptWhileParent("as long as the mentoring programme's records")
WITH_THE_RELATIONSHIP = registry.KeptWhileParent("as long as the mentoring relationship's records")

MENTOR_ANONYMISED: dict[str, Any] = {
    "employer": None,
    "employer_name": "",
    "industries": [],
    "career_path": [],
    "job_role": "",
    "studied_at": "",
    "studied_subject": "",
    "location": "",
    "modes": [],
    "languages": [],
    "availability": [],
    "lived_experience": [],
    "preferences": "",
    "dbs_certificate_number": "",
}
MENTEE_ANONYMISED: dict[str, Any] = {
    "goals": "",
    "industries": [],
    "careers": [],
    "location": "",
    "modes": [],
    "availability": [],
    "languages": [],
    "wants_shared": [],
    "shared_with_mentor": [],
    "user": None,
    "consent_given_by": "",
}


def _mentee_subjects(prefix: str) -> dict[registry.Subject, tuple[str, ...]]:
    """A mentee: a student by their record (and its account), a pupil by their learner record
    (and the sign-in they were invited to)."""
    return {
        registry.Subject.EMAIL: (f"{prefix}student__email", f"{prefix}user__email"),
        registry.Subject.USER: (f"{prefix}student__user", f"{prefix}user"),
        registry.Subject.LEARNER: (f"{prefix}student__linked_learner", f"{prefix}learner"),
    }


def _pair_subjects(prefix: str, *users: str) -> dict[registry.Subject, str | tuple[str, ...]]:
    """Both sides of a pair: the mentor by their account, the mentee by their records."""
    mentee = _mentee_subjects(f"{prefix}mentee__")
    return {
        registry.Subject.EMAIL: (f"{prefix}mentor__user__email", *mentee[registry.Subject.EMAIL]),
        registry.Subject.USER: (f"{prefix}mentor__user", *mentee[registry.Subject.USER], *users),
        registry.Subject.LEARNER: mentee[registry.Subject.LEARNER],
    }


registry.declare_attribution(
    MentoringProgramme, "created_by", title="Mentoring programmes you set up"
)
registry.declare(
    model=Mentor,
    subjects={registry.Subject.USER: "user", registry.Subject.EMAIL: "user__email"},
    categories=frozenset(
        {
            registry.Category.IDENTITY,
            registry.Category.CHARACTERISTICS,
            registry.Category.SPECIAL_CATEGORY,
        }
    ),
    lawful_basis=registry.LawfulBasis.CONSENT,
    retention=WITH_THE_MENTOR,
    # Kept so their mentees' relationships stay whole; everything they told us goes.
    erasure=registry.Erasure.ANONYMISE,
    anonymised=MENTOR_ANONYMISED,
    title="Your mentor profile: work, studies, what you offer, lived experience and checks",
    organisation_path="organisation",
)
registry.declare(
    model=ProgrammeMentor,
    subjects={registry.Subject.USER: "mentor__user", registry.Subject.EMAIL: "mentor__user__email"},
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.CONSENT,
    retention=WITH_THE_MENTOR,
    erasure=registry.Erasure.DELETE,
    title="Mentoring programmes you mentor in, and how many mentees you can take",
    organisation_path="programme__organisation",
)
registry.declare(
    model=Mentee,
    subjects=_mentee_subjects(""),
    categories=frozenset(
        {
            registry.Category.PARTICIPATION,
            registry.Category.CHARACTERISTICS,
            registry.Category.SPECIAL_CATEGORY,
        }
    ),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_PROGRAMME,
    erasure=registry.Erasure.ANONYMISE,
    anonymised=MENTEE_ANONYMISED,
    title="Mentoring programmes you applied to, what you hoped for and what you chose to share",
    organisation_path="programme__organisation",
)
registry.declare(
    model=NeverPair,
    subjects=_pair_subjects(""),
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_PROGRAMME,
    # The pair is still never made; the coordinator's note goes.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"note": ""},
    title="Mentors and mentees you will not be paired with",
    organisation_path="programme__organisation",
)
registry.declare_attribution(MatchingRun, "run_by", title="Mentoring matches you ran")
registry.declare(
    model=Relationship,
    subjects=_pair_subjects("", "ended_by"),
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_PROGRAMME,
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"reasons": [], "decline_reason": "", "end_reason": ""},
    title="Your mentoring relationships: why you were paired, and how they went",
    organisation_path="programme__organisation",
)


def _about_which_a_concern_was_raised(rows: QuerySet[Any]) -> QuerySet[Any]:
    """A pair's messages and concerns once a concern about the pair has been raised."""
    return rows.filter(relationship__concerns__isnull=False).distinct()


SAFEGUARDING = (
    "A concern was raised about the mentoring relationship: its messages and concerns are "
    "safeguarding records, kept for the organisation's safeguarding lead however either person "
    "asks (UK GDPR Article 17(3)(b) and (e)), and deleted with the relationship"
)
HELD = {"held_from_erasure": _about_which_a_concern_was_raised, "held_because": SAFEGUARDING}

for written, anonymised, title, also in (
    (Goal, None, "Goals you agreed with your mentor or mentee", ()),
    (Meeting, {"note": ""}, "Mentoring meetings logged", ("logged_by",)),
    (CheckIn, {"note": ""}, "Mentoring check-ins and your answers", ("answered_by",)),
    (Message, None, "Messages between you and your mentor or mentee", ("sender",)),
    (Concern, None, "Concerns raised about a mentoring relationship", ("raised_by",)),
    (Feedback, {"comment": ""}, "Feedback on a mentoring relationship", ("given_by",)),
):
    registry.declare(
        model=written,
        subjects=_pair_subjects("relationship__", *also),
        categories=frozenset({registry.Category.PARTICIPATION}),
        lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
        retention=WITH_THE_RELATIONSHIP,
        # What was written goes; a meeting held, a check-in answered or a rating given stays
        # for the programme's statistics.
        erasure=registry.Erasure.ANONYMISE if anonymised else registry.Erasure.DELETE,
        anonymised=anonymised or {},
        title=title,
        organisation_path="relationship__programme__organisation",
        **(HELD if written in (Message, Concern) else {}),
    )
