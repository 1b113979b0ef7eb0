"""Mentoring's people endpoints in the JSON API, under the same policy, selectors and services
as the pages.

A signed-in mentor or student lists their own places and applications and their introductions
(with what they may see of the other side: to a mentor, only what the mentee chose to share),
applies to be a mentee of an open programme of their provider, accepts or declines an
introduction, and reads and changes their own mentor profile. Anyone else, staff included, is
answered 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.accounts.sign_in_links import has_staff_role
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import NotFound
from widen.mentoring.models import Mentor, MentoringProgramme
from widen.mentoring.people_reads import (
    Introduction,
    my_introductions,
    my_mentee_applications,
    my_mentor_places,
    takes_part,
)
from widen.mentoring.permissions import (
    EDIT_OWN,
    RESPOND,
    mentee_policy,
    mentor_policy,
    programmes_open,
    relationship_policy,
)
from widen.mentoring.services.mentees import mentee_answers_update
from widen.mentoring.services.people import (
    DECLINE_REASON_LIMIT,
    MENTOR_FIELDS,
    MOST_CODES,
    introduction_accept,
    introduction_decline,
    mentee_apply,
    mentor_profile_update,
)

router = Router(tags=["mentoring: mentors and mentees"])

Codes = list[str]


def _actor(request: HttpRequest) -> Any:
    """The person asking, if mentoring has pages for them (never someone with a staff role)."""
    actor = api_actor(request)
    if has_staff_role(actor) or not takes_part(actor):
        raise NotFound
    return actor


class MyMentorPlaceOut(Schema):
    id: UUID
    side: str = Field(description='"mentor" (a place to mentor) or "mentee" (an application).')
    programme_id: UUID
    programme: str
    organisation: str
    status: str
    capacity: int | None = Field(None, description="How many mentees a mentor can take in it.")
    created_at: datetime


class IntroductionOut(Schema):
    id: UUID
    programme_id: UUID
    programme: str
    side: str = Field(description="Which side of the pair I am: mentor or mentee.")
    status: str
    i_accepted: bool
    may_answer: bool
    declined_by_side: str
    decline_reason: str
    other: dict[str, Any] = Field(
        description="The other side as I may see them: to a mentor, only what the mentee "
        "chose to share; to a mentee, the mentor's job, employer, industries, careers, studies "
        "and why we were matched."
    )


class MentorProfileOut(Schema):
    id: UUID
    organisation: str
    employer_id: UUID | None
    employer_name: str
    industries: Codes
    career_path: Codes
    job_role: str
    is_alumnus: bool
    studied_at: str
    studied_subject: str
    location: str
    modes: Codes
    languages: Codes
    availability: Codes
    lived_experience: Codes
    preferences: str


_Code = Field(None, max_length=MOST_CODES)


class MentorProfileIn(InputSchema):
    """Only the fields given change."""

    employer_id: UUID | None = Field(
        None, description="An organisation of a partnership your programmes run in."
    )
    employer_name: str | None = Field(None, max_length=200)
    industries: list[str] | None = _Code
    career_path: list[str] | None = _Code
    job_role: str | None = Field(None, max_length=200)
    is_alumnus: bool | None = None
    studied_at: str | None = Field(None, max_length=200)
    studied_subject: str | None = Field(None, max_length=200)
    location: str | None = Field(None, max_length=120)
    modes: list[str] | None = _Code
    languages: list[str] | None = _Code
    availability: list[str] | None = Field(None, max_length=21)
    lived_experience: list[str] | None = _Code
    preferences: str | None = Field(None, max_length=2000)


class MenteeApplicationIn(InputSchema):
    goals: str = Field("", max_length=2000)
    industries: list[str] = Field(default_factory=list, max_length=MOST_CODES)
    careers: list[str] = Field(default_factory=list, max_length=MOST_CODES)
    location: str = Field("", max_length=120)
    modes: list[str] = Field(default_factory=list, max_length=MOST_CODES)
    availability: list[str] = Field(default_factory=list, max_length=21)
    languages: list[str] = Field(default_factory=list, max_length=MOST_CODES)
    wants_shared: list[str] = Field(default_factory=list, max_length=MOST_CODES)
    shared_with_mentor: list[str] = Field(
        default_factory=list,
        max_length=MOST_CODES,
        description="Which of your own characteristics your mentor may see; nothing else is "
        "shown to them.",
    )


class DeclineIn(InputSchema):
    reason: str = Field(
        min_length=1,
        max_length=DECLINE_REASON_LIMIT,
        description="Why, in a sentence the other side may read.",
    )


def _place_rows(actor: Any) -> list[dict[str, Any]]:
    rows = [
        {
            "id": place.pk,
            "side": "mentor",
            "programme_id": place.programme_id,
            "programme": place.programme.name,
            "organisation": place.programme.organisation.name,
            "status": place.status,
            "capacity": place.capacity,
            "created_at": place.created_at,
        }
        for place in my_mentor_places(actor)
    ]
    rows += [
        {
            "id": mentee.pk,
            "side": "mentee",
            "programme_id": mentee.programme_id,
            "programme": mentee.programme.name,
            "organisation": mentee.programme.organisation.name,
            "status": mentee.status,
            "capacity": None,
            "created_at": mentee.created_at,
        }
        for mentee in my_mentee_applications(actor)
    ]
    return sorted(rows, key=lambda row: (row["created_at"], str(row["id"])), reverse=True)


@router.get("/mine/places", response=Page[MyMentorPlaceOut], operation_id="mentoring_my_places")
def mentoring_my_places_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My places as a mentor and my applications as a mentee, newest first."""
    actor = _actor(request)
    return page_of(_place_rows(actor), limit=limit, offset=offset).answer()


def _introduction_out(introduction: Introduction) -> dict[str, Any]:
    pair = introduction.relationship
    return {
        "id": pair.pk,
        "programme_id": pair.programme_id,
        "programme": pair.programme.name,
        "side": introduction.side,
        "status": pair.status,
        "i_accepted": introduction.i_accepted,
        "may_answer": introduction.may_answer,
        "declined_by_side": pair.declined_by_side,
        "decline_reason": pair.decline_reason,
        "other": introduction.other,
    }


@router.get(
    "/mine/introductions",
    response=Page[IntroductionOut],
    operation_id="mentoring_my_introductions",
)
def mentoring_my_introductions_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The pairs I am a side of, once introduced, newest first."""
    actor = _actor(request)
    return page_of(my_introductions(actor), limit=limit, offset=offset).answer(_introduction_out)


def _my_introduction(actor: Any, relationship_id: UUID) -> dict[str, Any]:
    for introduction in my_introductions(actor):
        if introduction.relationship.pk == relationship_id:
            return _introduction_out(introduction)
    raise NotFound


@router.post(
    "/mine/introductions/{relationship_id}/accept",
    response=IntroductionOut,
    operation_id="mentoring_my_introduction_accept",
)
def mentoring_my_introduction_accept_api(request: HttpRequest, relationship_id: UUID) -> Any:
    """Accept an introduction: once both sides have, the pair is active."""
    actor = _actor(request)
    relationship = relationship_policy.get(actor, relationship_id, action=RESPOND)
    introduction_accept(actor=actor, relationship=relationship)
    return _my_introduction(actor, relationship_id)


@router.post(
    "/mine/introductions/{relationship_id}/decline",
    response=IntroductionOut,
    operation_id="mentoring_my_introduction_decline",
)
def mentoring_my_introduction_decline_api(
    request: HttpRequest, relationship_id: UUID, payload: DeclineIn
) -> Any:
    """Decline an introduction, saying why; the other side and the coordinators are told."""
    actor = _actor(request)
    relationship = relationship_policy.get(actor, relationship_id, action=RESPOND)
    introduction_decline(actor=actor, relationship=relationship, reason=payload.reason)
    return _my_introduction(actor, relationship_id)


@router.post(
    "/mine/applications/{programme_id}",
    response={201: MyMentorPlaceOut},
    operation_id="mentoring_my_application_create",
)
def mentoring_my_application_create_api(
    request: HttpRequest, programme_id: UUID, payload: MenteeApplicationIn
) -> Any:
    """Apply to be a mentee of an open programme of my provider (a programme for a group I am
    not in refuses, naming the group)."""
    actor = _actor(request)
    programme: MentoringProgramme | None = programmes_open().filter(pk=programme_id).first()
    if programme is None:
        raise NotFound
    mentee = mentee_apply(actor=actor, programme=programme, profile=payload.model_dump())
    row = next(row for row in _place_rows(actor) if row["id"] == mentee.pk)
    return Status(201, row)


@router.put(
    "/mine/applications/{mentee_id}/answers",
    response=MyMentorPlaceOut,
    operation_id="mentoring_my_answers_update",
)
def mentoring_my_answers_update_api(
    request: HttpRequest, mentee_id: UUID, payload: MenteeApplicationIn
) -> Any:
    """Change my answers as a mentee (a student, or a pupil invited to sign in), while my place
    is open."""
    actor = _actor(request)
    mentee = mentee_policy.get(actor, mentee_id, action=RESPOND)
    mentee_answers_update(actor=actor, mentee=mentee, profile=payload.model_dump())
    return next(row for row in _place_rows(actor) if row["id"] == mentee.pk)


def _profile_out(mentor: Mentor) -> dict[str, Any]:
    return {
        "id": mentor.pk,
        "organisation": mentor.organisation.name,
        "employer_id": mentor.employer_id,
        **{name: getattr(mentor, name) for name in MENTOR_FIELDS},
    }


@router.get(
    "/mine/mentor-profiles/{mentor_id}",
    response=MentorProfileOut,
    operation_id="mentoring_my_mentor_profile",
)
def mentoring_my_mentor_profile_api(request: HttpRequest, mentor_id: UUID) -> Any:
    """My mentor profile, as a record held by one organisation."""
    actor = _actor(request)
    return _profile_out(mentor_policy.get(actor, mentor_id, action=EDIT_OWN))


@router.patch(
    "/mine/mentor-profiles/{mentor_id}",
    response=MentorProfileOut,
    operation_id="mentoring_my_mentor_profile_update",
)
def mentoring_my_mentor_profile_update_api(
    request: HttpRequest, mentor_id: UUID, payload: MentorProfileIn
) -> Any:
    """Change my mentor profile: only the fields given change (`employer_id` null clears it)."""
    actor = _actor(request)
    mentor = mentor_policy.get(actor, mentor_id, action=EDIT_OWN)
    given = payload.model_dump(exclude_unset=True)
    employer: Any = ""
    if "employer_id" in given:
        employer = given.pop("employer_id")
    mentor = mentor_profile_update(actor=actor, mentor=mentor, profile=given, employer=employer)
    return _profile_out(mentor)
