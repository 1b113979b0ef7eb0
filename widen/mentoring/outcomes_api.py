"""A mentoring programme's outcomes in the JSON API, under the same policy and services as the
page: the activity whose surveys measure it, its surveys before and after with how many were
asked and answered, naming the activity, and sending a survey's links to the mentees."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_pages import InputSchema
from widen.evaluation.views.common import link_base
from widen.mentoring.outcomes import (
    DESTINATIONS_NOTE,
    outcome_survey_send,
    programme_activity_set,
    programme_outcome_surveys,
)
from widen.mentoring.permissions import programme_policy

router = Router(tags=["mentoring"])


class OutcomeSurveyOut(Schema):
    id: UUID
    title: str
    timing: str
    status: str
    asked: int
    invited: int
    answered: int
    may_send: bool


class OutcomesOut(Schema):
    programme_id: UUID
    activity_id: UUID | None
    activity_name: str
    evaluation_report: str
    surveys: list[OutcomeSurveyOut]
    graduate_destinations: str


class ProgrammeActivityIn(InputSchema):
    activity_id: UUID | None


class LinkToHandOutOut(Schema):
    name: str
    link: str


class LinksSentOut(Schema):
    new_links: int
    emailed: int
    to_hand_out: list[LinkToHandOutOut]


def _outcomes_out(actor: Any, programme: Any) -> dict[str, Any]:
    activity = programme.activity
    return {
        "programme_id": programme.pk,
        "activity_id": programme.activity_id,
        "activity_name": activity.name if activity else "",
        "evaluation_report": (
            reverse("evaluation_reports:activity", args=[activity.pk]) if activity else ""
        ),
        "surveys": [
            {
                "id": row.survey.pk,
                "title": row.survey.title,
                "timing": row.survey.timing,
                "status": row.survey.status,
                "asked": row.asked,
                "invited": row.invited,
                "answered": row.answered,
                "may_send": row.may_send,
            }
            for row in programme_outcome_surveys(actor, programme)
        ],
        "graduate_destinations": DESTINATIONS_NOTE,
    }


@router.get(
    "/programmes/{programme_id}/outcomes",
    response=OutcomesOut,
    operation_id="mentoring_programme_outcomes",
)
def mentoring_programme_outcomes_api(request: HttpRequest, programme_id: UUID) -> Any:
    """The programme's activity, its surveys before and after (mentees each is for, links
    sent, answers) and where the evaluation report of the activity is."""
    actor = api_actor(request)
    return _outcomes_out(actor, programme_policy.get(actor, programme_id))


@router.put(
    "/programmes/{programme_id}/outcomes/activity",
    response=OutcomesOut,
    operation_id="mentoring_programme_activity_set",
)
def mentoring_programme_activity_set_api(
    request: HttpRequest, programme_id: UUID, body: ProgrammeActivityIn
) -> Any:
    """Name the programme's activity (one of its partnership's), or none."""
    actor = api_actor(request)
    programme = programme_policy.get(actor, programme_id)
    programme_activity_set(actor=actor, programme=programme, activity_id=body.activity_id)
    return _outcomes_out(actor, programme)


@router.post(
    "/programmes/{programme_id}/outcomes/surveys/{survey_id}/send",
    response=LinksSentOut,
    operation_id="mentoring_outcome_survey_send",
)
def mentoring_outcome_survey_send_api(
    request: HttpRequest, programme_id: UUID, survey_id: UUID
) -> Any:
    """Send the survey's links to the mentees it is for who have none: students' by e-mail;
    pupils' are answered here, once, to hand out."""
    actor = api_actor(request)
    programme = programme_policy.get(actor, programme_id)
    given = outcome_survey_send(
        actor=actor, programme=programme, survey_id=survey_id, link_base=link_base(request)
    )
    return {
        "new_links": len(given),
        "emailed": sum(1 for link in given if link.invitation.email),
        "to_hand_out": [
            {"name": link.name, "link": link.link} for link in given if not link.invitation.email
        ],
    }
