"""Surveys and their questions: questions are added while a survey is a draft; it is then
opened for answers and closed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from widen.activities.models import Activity, Session
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import (
    SURVEY_WORKFLOW,
    Question,
    QuestionKind,
    Scale,
    Survey,
    SurveyTiming,
)
from widen.evaluation.permissions import (
    MANAGE,
    survey_organisations,
    survey_policy,
)
from widen.evaluation.services.common import (
    QUESTIONS_MAX,
    full_clean,
    person_or_none,
    words,
)
from widen.events.models import Event
from widen.organisations.models import Organisation, Partnership


@dataclass(frozen=True)
class SurveyDetails:
    organisation: Organisation
    title: str
    introduction: str = ""
    timing: str = SurveyTiming.STANDALONE
    activity: Activity | None = None
    session: Session | None = None
    event: Event | None = None
    pre_survey: Survey | None = None
    asks_publication_consent: bool = True


@transaction.atomic
def survey_create(*, actor: Any, partnership: Partnership, details: SurveyDetails) -> Survey:
    if not survey_organisations(actor, partnership).filter(pk=details.organisation.pk).exists():
        raise ApplicationError(
            f"Only {details.organisation}'s outreach officers, evaluators and admins may run "
            "its surveys.",
            field="organisation",
        )
    title = words(details.title, maximum=200)
    if not title:
        raise ApplicationError("Give the survey a title.", field="title")
    activity = details.activity
    if details.session is not None:
        activity = details.session.activity
    if details.event is not None and activity is None:
        activity = details.event.activity
    survey = Survey(
        partnership=partnership,
        organisation=details.organisation,
        title=title,
        introduction=str(details.introduction or "").strip()[:4000],
        timing=details.timing,
        activity=activity,
        session=details.session,
        event=details.event,
        pre_survey=details.pre_survey,
        asks_publication_consent=details.asks_publication_consent,
        created_by=person_or_none(actor),
    )
    full_clean(survey, exclude=["created_by"])
    survey.save()
    return survey


def _draft_for_editing(actor: Any, survey: Survey) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    survey_policy.require(actor, MANAGE, locked)
    if not locked.is_draft:
        raise ApplicationError(
            "Questions can only be changed before the survey is opened, so that every answer "
            "was given to the same questions."
        )
    return locked


def _next_position(survey: Survey) -> int:
    return (survey.questions.aggregate(Max("position"))["position__max"] or 0) + 1


@dataclass(frozen=True)
class QuestionDetails:
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    choices: Sequence[str] = field(default_factory=tuple)
    min_value: Decimal | None = None
    max_value: Decimal | None = None


@transaction.atomic
def question_add(*, actor: Any, survey: Survey, details: QuestionDetails) -> Question:
    survey = _draft_for_editing(actor, survey)
    if details.kind == QuestionKind.SCALE_ITEM:
        raise ApplicationError("Add a scale's items by adding the scale.", field="kind")
    if survey.questions.count() >= QUESTIONS_MAX:
        raise ApplicationError(f"A survey has at most {QUESTIONS_MAX} questions.")
    choices = [words(choice, maximum=200) for choice in details.choices]
    question = Question(
        survey=survey,
        position=_next_position(survey),
        kind=details.kind,
        text=words(details.text, maximum=500),
        help_text=words(details.help_text, maximum=300),
        required=details.required,
        choices=[choice for choice in choices if choice],
        min_value=details.min_value,
        max_value=details.max_value,
    )
    full_clean(question)
    question.save()
    return question


@transaction.atomic
def survey_scale_add(
    *, actor: Any, survey: Survey, scale: Scale, required: bool = True
) -> list[Question]:
    """Add every item of a published scale, in its order and wording, as questions."""
    survey = _draft_for_editing(actor, survey)
    if not scale.is_published:
        raise ApplicationError("Only a published scale can be used in a survey.", field="scale")
    if scale.partnership_id not in (None, survey.partnership_id):
        raise NotFound
    if survey.questions.filter(scale=scale).exists():
        raise ApplicationError(f"“{scale.name}” is already in this survey.", field="scale")
    items = list(scale.items.all())
    if survey.questions.count() + len(items) > QUESTIONS_MAX:
        raise ApplicationError(f"A survey has at most {QUESTIONS_MAX} questions.")
    position = _next_position(survey)
    questions = []
    for offset, item in enumerate(items):
        question = Question(
            survey=survey,
            position=position + offset,
            kind=QuestionKind.SCALE_ITEM,
            required=required,
            scale=scale,
            scale_item=item,
        )
        full_clean(question)
        questions.append(question)
    Question.objects.bulk_create(questions)
    return questions


@transaction.atomic
def question_remove(*, actor: Any, question: Question) -> None:
    """Remove a question (or, for a scale's item, the whole scale) from a draft survey."""
    survey = _draft_for_editing(actor, question.survey)
    if question.scale_id:
        survey.questions.filter(scale_id=question.scale_id).delete()
    else:
        survey.questions.filter(pk=question.pk).delete()
    for position, remaining in enumerate(survey.questions.order_by("position"), start=1):
        if remaining.position != position:
            # Positions are unique: move out of the way first, then into place.
            Question.objects.filter(pk=remaining.pk).update(position=position + 10_000)
            Question.objects.filter(pk=remaining.pk).update(position=position)


@transaction.atomic
def survey_after_make(*, actor: Any, survey: Survey) -> Survey:
    """A draft survey for after the activity, paired with `survey` (taken before it): the same
    activity, session or event, and the same questions and scales in the same order, so that
    each learner's answers before and after compare like with like."""
    survey_policy.require(actor, MANAGE, survey)
    if survey.timing != SurveyTiming.PRE:
        raise ApplicationError("Only a survey taken before an activity has a survey after it.")
    after = Survey(
        partnership=survey.partnership,
        organisation=survey.organisation,
        title=words(f"After: {survey.title}", maximum=200),
        introduction=survey.introduction,
        timing=SurveyTiming.POST,
        activity=survey.activity,
        session=survey.session,
        event=survey.event,
        pre_survey=survey,
        asks_publication_consent=survey.asks_publication_consent,
        created_by=person_or_none(actor),
    )
    full_clean(after, exclude=["created_by"])
    after.save()
    Question.objects.bulk_create(
        Question(
            survey=after,
            position=question.position,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            choices=question.choices,
            min_value=question.min_value,
            max_value=question.max_value,
            scale=question.scale,
            scale_item=question.scale_item,
        )
        for question in survey.questions.order_by("position")
    )
    return after


@transaction.atomic
def survey_open(*, actor: Any, survey: Survey) -> Survey:
    """Open a draft survey for answers (`SURVEY_WORKFLOW`): it needs a question, and a closed
    survey never opens again."""
    survey = survey_policy.require(actor, MANAGE, Survey.objects.get(pk=survey.pk))

    def has_questions(locked: Survey) -> None:
        if not locked.questions.exists():
            raise ApplicationError("Add at least one question before opening the survey.")

    now = timezone.now()
    return SURVEY_WORKFLOW.apply(
        survey,
        "open",
        actor=actor,
        changes={"opened_at": survey.opened_at or now, "updated_at": now},
        before_save=has_questions,
    )


@transaction.atomic
def survey_close(*, actor: Any, survey: Survey) -> Survey:
    """Close an open survey (`SURVEY_WORKFLOW`): its links stop working."""
    survey = survey_policy.require(actor, MANAGE, Survey.objects.get(pk=survey.pk))
    now = timezone.now()
    return SURVEY_WORKFLOW.apply(
        survey, "close", actor=actor, changes={"closed_at": now, "updated_at": now}
    )
