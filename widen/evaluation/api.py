"""Surveys, the question bank and responses in the API. The same selectors and rules as the
pages: anyone in a partnership reads its surveys and scales; responses only for those who run
the survey, never with the learner's name. A published scale's wording cannot be changed here
either (409)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_outputs import read_from, shown_if, with_values
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.evaluation.models import (
    Answer,
    Question,
    ScaleLockedError,
)
from widen.evaluation.permissions import KEEP, scale_policy
from widen.evaluation.selectors import (
    response_rates,
    responses_to_read,
    scale_get,
    scale_list,
    survey_get,
    survey_get_to_manage,
    survey_list,
)
from widen.evaluation.services import ItemSpec, scale_draft_update

surveys_router = Router(tags=["evaluation"])
scales_router = Router(tags=["evaluation"])


class OptionOut(Schema):
    value: str
    label: str


class QuestionOut(Schema):
    id: UUID
    position: int
    kind: str
    text: str
    required: bool
    options: list[OptionOut]
    min_value: Decimal | None
    max_value: Decimal | None
    scale_id: UUID | None

    resolve_text = read_from("wording")

    @staticmethod
    def resolve_options(question: Question) -> list[dict[str, str]]:
        return [{"value": value, "label": label} for value, label in question.options()]


class RateOut(Schema):
    label: str
    sent: int
    answered: int


class SurveyOut(Schema):
    id: UUID
    partnership_id: UUID
    organisation_id: UUID
    title: str
    timing: str
    status: str
    activity_id: UUID | None
    session_id: UUID | None
    event_id: UUID | None
    pre_survey_id: UUID | None
    questions: list[QuestionOut]


# Read with `with_values(survey, rates=...)`.
class SurveyDetailOut(SurveyOut):
    links_sent: int
    links_answered: int
    rates_by_place: list[RateOut]
    rates_by_school: list[RateOut]

    resolve_links_sent = read_from("rates.total.sent")
    resolve_links_answered = read_from("rates.total.answered")
    resolve_rates_by_place = read_from("rates.by_place")
    resolve_rates_by_school = read_from("rates.by_school")


class ScoreOut(Schema):
    scale_id: UUID
    scale: str
    score: float | None
    items_answered: int
    items_total: int

    resolve_scale = read_from("scale.name")


class AnswerOut(Schema):
    question_id: UUID
    choices: list[str]
    number: Decimal | None
    text: str
    published: bool

    resolve_choices = read_from("value_choices")
    resolve_number = read_from("value_number")
    resolve_text = read_from("value_text")

    @staticmethod
    def resolve_published(answer: Answer) -> bool:
        return answer.published_at is not None


class ResponseOut(Schema):
    id: UUID
    submitted_at: datetime
    channel: str
    timing: str
    school_id: UUID | None
    session_id: UUID | None
    event_id: UUID | None
    activity_id: UUID | None
    publication_consent: bool
    scores: list[ScoreOut]
    answers: list[AnswerOut]

    # The place is not shown where fewer than 5 responses share it (see `responses_to_read`).
    resolve_school_id = shown_if("place_shown", "school_id")
    resolve_session_id = shown_if("place_shown", "session_id")
    resolve_event_id = shown_if("place_shown", "event_id")
    resolve_scores = read_from("scale_scores")


class ItemOut(Schema):
    position: int
    code: str
    text: str
    reverse_scored: bool


class ScaleOut(Schema):
    id: UUID
    partnership_id: UUID | None
    key: str
    name: str
    version: int
    status: str
    source: str
    scoring: str
    response_options: list[dict[str, Any]]
    items: list[ItemOut]


class ItemIn(InputSchema):
    text: str = Field(..., max_length=500)
    reverse_scored: bool = False
    code: str = Field("", max_length=20)


class ScaleDraftIn(InputSchema):
    name: str | None = Field(None, max_length=160)
    scoring: str | None = None
    items: list[ItemIn] = Field(..., max_length=200)


class ConflictOut(Schema):
    detail: str


def _questions() -> Prefetch[Any]:
    return Prefetch("questions", queryset=Question.objects.select_related("scale", "scale_item"))


@surveys_router.get("", response=Page[SurveyOut], operation_id="survey_list")
def survey_list_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The surveys of every partnership the caller is in, newest first, a page at a time."""
    surveys = survey_list(actor=api_actor(request)).prefetch_related(_questions())
    surveys = surveys.order_by("-created_at", "pk")
    return page_of(surveys, limit=limit, offset=offset).answer()


@surveys_router.get("/{survey_id}", response=SurveyDetailOut, operation_id="survey_get")
def survey_get_api(request: HttpRequest, survey_id: UUID) -> Any:
    actor = api_actor(request)
    survey = survey_get(actor=actor, survey_id=survey_id)
    prefetch_related_objects([survey], _questions())
    return with_values(survey, rates=response_rates(actor=actor, survey=survey))


@surveys_router.get(
    "/{survey_id}/responses", response=Page[ResponseOut], operation_id="survey_response_list"
)
def survey_response_list_api(
    request: HttpRequest,
    survey_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The survey's responses, latest first, a page at a time (for those who run it)."""
    actor = api_actor(request)
    survey = survey_get_to_manage(actor=actor, survey_id=survey_id)
    responses = responses_to_read(actor=actor, survey=survey, limit=limit, offset=offset)
    return {
        "count": survey.responses.count(),
        "results": list(responses),
    }


@scales_router.get("", response=Page[ScaleOut], operation_id="scale_list")
def scale_list_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The scales Widen ships and those of the caller's partnerships, a page at a time."""
    scales = scale_list(actor=api_actor(request)).prefetch_related("items")
    scales = scales.order_by("name", "-version", "pk")
    return page_of(scales, limit=limit, offset=offset).answer()


@scales_router.get("/{scale_id}", response=ScaleOut, operation_id="scale_get")
def scale_get_api(request: HttpRequest, scale_id: UUID) -> Any:
    return scale_get(actor=api_actor(request), scale_id=scale_id)


@scales_router.patch(
    "/{scale_id}", response={200: ScaleOut, 409: ConflictOut}, operation_id="scale_draft_update"
)
def scale_draft_update_api(request: HttpRequest, scale_id: UUID, body: ScaleDraftIn) -> Any:
    """Change a draft scale's wording. A published scale answers 409: make a new version."""
    actor = api_actor(request)
    scale = scale_policy.get(actor, scale_id, action=KEEP)
    if scale.is_published:
        return Status(409, {"detail": ScaleLockedError(scale.name).message})
    try:
        updated = scale_draft_update(
            actor=actor,
            scale=scale,
            items=[ItemSpec(i.text, i.reverse_scored, i.code) for i in body.items],
            name=body.name,
            scoring=body.scoring,
        )
    except ScaleLockedError as error:
        return Status(409, {"detail": error.message})
    return updated
