"""Answers: checking what a person sent, storing a response with its scale scores (worked out
when it is submitted), and marking written answers for publication."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import (
    Answer,
    Question,
    QuestionKind,
    ResponseChannel,
    Scale,
    ScaleScore,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from widen.evaluation.permissions import (
    MANAGE,
    survey_policy,
)
from widen.evaluation.quotes import IDENTIFYING, QUOTE_RELATED, identifying_details
from widen.evaluation.services.common import (
    TEXT_ANSWER_MAX,
    person_or_none,
)
from widen.organisations.models import Organisation


class AnswersInvalidError(ApplicationError):
    """Some answers were not acceptable: `errors` maps each question's id to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Some answers need changing: " + " ".join(errors.values()))
        self.errors = errors


def number_text(value: Decimal) -> str:
    """A number as people write it: 20, 2.5 (not 20.00)."""
    text = f"{value.normalize():f}"
    return text


def _decimal(raw: Any) -> Decimal | None:
    text = str(raw).strip().replace(",", "")
    if not text or len(text) > 20:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _as_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str | int | Decimal):
        return [str(raw)]
    if isinstance(raw, list | tuple):
        return [str(item) for item in raw if item is not None]
    return []


def answer_values(
    questions: Sequence[Question], raw: Mapping[str, Any]
) -> dict[Question, dict[str, Any]]:
    """Each question's answer as stored, from what the person sent (keyed by question id).
    Raises `AnswersInvalidError` naming every question whose answer is not acceptable."""
    values: dict[Question, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for question in questions:
        key = str(question.pk)
        given = _as_list(raw.get(key))
        given = [item.strip() for item in given if item.strip()]
        label = f"Question {question.position}"
        if not given:
            if question.required:
                errors[key] = f"{label}: please answer this question."
            continue
        options = [value for value, _ in question.options()]
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            if any(item not in options for item in given) or (
                question.kind == QuestionKind.SINGLE_CHOICE and len(given) > 1
            ):
                errors[key] = f"{label}: choose from the options shown."
                continue
            chosen = [option for option in options if option in given]
            values[question] = {"value_choices": chosen}
        elif question.kind in (QuestionKind.LIKERT, QuestionKind.SCALE_ITEM):
            if len(given) > 1 or given[0] not in options:
                errors[key] = f"{label}: choose one of the options shown."
                continue
            values[question] = {"value_number": Decimal(given[0])}
        elif question.kind == QuestionKind.NUMERIC:
            number = _decimal(given[0]) if len(given) == 1 else None
            if number is None:
                errors[key] = f"{label}: give a number, like 3 or 2.5."
                continue
            if question.min_value is not None and number < question.min_value:
                errors[key] = (
                    f"{label}: give a number no lower than {number_text(question.min_value)}."
                )
                continue
            if question.max_value is not None and number > question.max_value:
                errors[key] = (
                    f"{label}: give a number no higher than {number_text(question.max_value)}."
                )
                continue
            if abs(number) >= Decimal("1e10"):
                errors[key] = f"{label}: that number is too large."
                continue
            values[question] = {"value_number": number.quantize(Decimal("0.01"))}
        else:
            text = "\n".join(given).replace("\x00", "")
            if len(text) > TEXT_ANSWER_MAX:
                errors[key] = f"{label}: keep your answer under {TEXT_ANSWER_MAX:,} characters."
                continue
            values[question] = {"value_text": text}
    if errors:
        raise AnswersInvalidError(errors)
    return values


def scale_scores_for(
    response: SurveyResponse, values: Mapping[Question, Mapping[str, Any]]
) -> list[ScaleScore]:
    by_scale: dict[Any, dict[Any, Decimal | None]] = {}
    scales: dict[Any, Scale] = {}
    for question in response.survey.questions.filter(scale__isnull=False).select_related("scale"):
        assert question.scale is not None
        scales[question.scale_id] = question.scale
        by_scale.setdefault(question.scale_id, {})[question.scale_item_id] = None
    for question, value in values.items():
        if question.scale_id:
            by_scale[question.scale_id][question.scale_item_id] = value.get("value_number")
    scores = []
    for scale_id, answered in by_scale.items():
        scale = scales[scale_id]
        scores.append(
            ScaleScore(
                response=response,
                scale=scale,
                score=scale.score(answered),
                items_answered=sum(1 for value in answered.values() if value is not None),
                items_total=len(answered),
            )
        )
    return scores


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    raw_answers: Mapping[str, Any],
    invitation: SurveyInvitation | None = None,
    publication_consent: bool = False,
    actor: Any = None,
    organisation: Organisation | None = None,
) -> SurveyResponse:
    """Store one person's answers and their scale scores. By link: the invitation answers once
    (a second submission raises `NotFound`, like a used link). At an event: `actor` is the
    signed-in staff member holding the device, and the response is anonymous."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open:
        raise NotFound("This survey is not taking answers.")
    if invitation is not None:
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.survey_id != survey.pk or invitation.answered_at is not None:
            raise NotFound("This link is not valid.")
    else:
        survey_policy.require(actor, MANAGE, survey)
    questions = list(survey.questions.select_related("scale", "scale_item"))
    values = answer_values(questions, raw_answers)
    now = timezone.now()
    response = SurveyResponse(
        survey=survey,
        invitation=invitation,
        organisation_id=(
            invitation.organisation_id
            if invitation is not None
            else (organisation.pk if organisation is not None else survey.organisation_id)
        ),
        learner_id=invitation.learner_id if invitation is not None else None,
        school_id=invitation.school_id if invitation is not None else None,
        activity_id=survey.activity_id,
        session_id=(invitation.session_id if invitation is not None else None) or survey.session_id,
        event_id=(invitation.event_id if invitation is not None else None) or survey.event_id,
        timing=survey.timing,
        channel=ResponseChannel.LINK if invitation is not None else ResponseChannel.AT_EVENT,
        submitted_at=now,
        publication_consent=bool(publication_consent) and survey.asks_publication_consent,
    )
    response.save()
    answers = [
        Answer(response=response, question=question, **value) for question, value in values.items()
    ]
    Answer.objects.bulk_create(answers)
    ScaleScore.objects.bulk_create(scale_scores_for(response, values))
    if invitation is not None:
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at", "updated_at"])
    return response


@transaction.atomic
def answer_publication_mark(*, actor: Any, answer: Answer, publish: bool) -> Answer:
    """Mark a written answer for publication (as a quote, without the person's name), or take
    the mark off. Only answers whose author consented on the form, and that do not name them,
    their school, or an e-mail address, phone number or postcode, can be marked."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("response__survey", *QUOTE_RELATED)
        .get(pk=answer.pk)
    )
    survey_policy.require(actor, MANAGE, answer.response.survey)
    if answer.question.kind != QuestionKind.FREE_TEXT:
        raise ApplicationError("Only written answers can be quoted.")
    if publish and not answer.response.publication_consent:
        raise ApplicationError(
            "This person did not agree to their words being quoted, so this answer cannot be "
            "published."
        )
    if publish and (what := identifying_details(answer)):
        raise ApplicationError(IDENTIFYING.format(what=what))
    answer.published_at = timezone.now() if publish else None
    answer.published_by = person_or_none(actor) if publish else None
    answer.save(update_fields=["published_at", "published_by", "updated_at"])
    return answer
