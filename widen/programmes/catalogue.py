"""The activity types Widen ships, following TASO's pre-entry Mapping Outcomes and Activities
Tool (MOAT): each type, its sub-types and the outcomes it intends. The wording is Widen's own;
partnerships add sub-types of their own to any type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippedType:
    key: str
    name: str
    sub_types: tuple[str, ...]
    outcomes: tuple[str, ...]


ACTIVITY_TYPES: tuple[ShippedType, ...] = (
    ShippedType(
        "campus_visits",
        "Campus visits",
        ("Campus tour", "Taster lecture or seminar", "Accommodation tour", "Open day"),
        (
            "Increased knowledge of higher education",
            "Increased sense of belonging in higher education",
            "Increased intention to progress to higher education",
        ),
    ),
    ShippedType(
        "iag",
        "Information, advice and guidance",
        (
            "Higher education information talk",
            "Student finance talk",
            "Application and personal statement support",
            "One-to-one guidance",
            "Alternative pathways advice (apprenticeships, degree apprenticeships, further "
            "education)",
        ),
        (
            "Increased knowledge of higher education",
            "Increased knowledge of student finance",
            "Increased knowledge of routes into higher education",
            "Better informed decisions about next steps",
        ),
    ),
    ShippedType(
        "mentoring",
        "Mentoring",
        (
            "Peer-to-peer mentoring",
            "Student ambassador mentoring",
            "Professional mentoring",
            "Online mentoring",
        ),
        (
            "Increased self-efficacy",
            "Increased aspiration and expectation to progress to higher education",
            "Increased sense of belonging in higher education",
        ),
    ),
    ShippedType(
        "summer_schools",
        "Summer schools",
        ("Residential summer school", "Non-residential summer school"),
        (
            "Increased knowledge of higher education",
            "Increased sense of belonging in higher education",
            "Increased self-efficacy",
            "Increased intention to progress to higher education",
        ),
    ),
    ShippedType(
        "masterclasses",
        "Masterclasses",
        ("Subject masterclass", "Series of masterclasses"),
        (
            "Increased subject knowledge",
            "Increased academic self-efficacy",
            "Increased interest in studying the subject in higher education",
        ),
    ),
    ShippedType(
        "skills_attainment",
        "Skills and attainment",
        ("Tutoring", "Revision workshops", "Study skills", "Academic writing"),
        (
            "Increased attainment",
            "Increased study skills",
            "Increased academic self-efficacy",
        ),
    ),
    ShippedType(
        "parents_carers",
        "Parents and carers",
        ("Parents' and carers' information session", "Family campus day"),
        (
            "Increased parents' and carers' knowledge of higher education",
            "Increased parents' and carers' knowledge of student finance",
            "Increased family support for progression",
        ),
    ),
    ShippedType(
        "teacher_cpd",
        "Teacher CPD",
        ("CPD session", "Teachers' conference", "Resources for teachers"),
        (
            "Increased teachers' knowledge of higher education",
            "Increased teachers' confidence to advise on progression",
        ),
    ),
)
