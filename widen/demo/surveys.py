"""The demo partnership's surveys: the scales Widen ships, and a survey before and one after
QMUL's Year 10 science masterclass, sent by one-time link to the learners on its past sessions'
registers, most of them answered (invented answers, a little higher after than before, and a few
quotes their authors agreed to), made through the same services as the pages."""

from __future__ import annotations

import random
from functools import partial
from typing import Any

from widen.accounts.models import User
from widen.activities.models import Activity
from widen.evaluation.models import QuestionKind, Scale, Survey, SurveyTiming
from widen.evaluation.services import (
    QuestionDetails,
    SurveyDetails,
    invitations_send_for_session,
    question_add,
    response_submit,
    survey_create,
    survey_open,
    survey_scale_add,
)
from widen.evaluation.shipped import shipped_scales_load
from widen.organisations.models import Organisation, Partnership

ACTIVITY_NAME = "Year 10 science masterclass"
BEFORE_TITLE = "Before the Year 10 science masterclass"
AFTER_TITLE = "After the Year 10 science masterclass"
SCALE_KEYS = ("widen-belonging", "widen-knowledge")
QUOTES = (
    "It really helped me understand uni life more and I'm not as afraid to go to uni as I was "
    "before.",
    "Seeing the labs made me think I could actually study science.",
    "The students were friendly and answered all our questions.",
    "I didn't know you could get a bursary. I'm going to tell my mum.",
)


def _survey(
    *,
    actor: User,
    partnership: Partnership,
    organisation: Organisation,
    activity: Activity,
    title: str,
    timing: str,
    pre_survey: Survey | None = None,
) -> Survey:
    survey = survey_create(
        actor=actor,
        partnership=partnership,
        details=SurveyDetails(
            organisation=organisation,
            title=title,
            introduction="Your answers help us make these days better. There are no wrong "
            "answers, and nobody at school sees them.",
            timing=timing,
            activity=activity,
            pre_survey=pre_survey,
        ),
    )
    question_add(
        actor=actor,
        survey=survey,
        details=QuestionDetails(
            kind=QuestionKind.LIKERT,
            text="I am thinking about going to university.",
            required=True,
        ),
    )
    for key in SCALE_KEYS:
        scale = Scale.objects.filter(partnership=None, key=key).order_by("-version").first()
        if scale is not None:
            survey_scale_add(actor=actor, survey=survey, scale=scale)
    if timing == SurveyTiming.POST:
        question_add(
            actor=actor,
            survey=survey,
            details=QuestionDetails(
                kind=QuestionKind.FREE_TEXT, text="What would you tell a friend about the day?"
            ),
        )
    return survey_open(actor=actor, survey=survey)


def _answers(survey: Survey, level: float, rng: random.Random) -> dict[str, Any]:
    """Invented answers around `level` (1 to 5), reverse-scored items answered the other way."""
    answers: dict[str, Any] = {}
    for question in survey.questions.select_related("scale_item"):
        if question.kind in (QuestionKind.LIKERT, QuestionKind.SCALE_ITEM):
            value = level + rng.uniform(-0.8, 0.8)
            if question.scale_item is not None and question.scale_item.reverse_scored:
                value = 6 - value
            answers[str(question.pk)] = str(min(5, max(1, round(value))))
        elif question.kind == QuestionKind.FREE_TEXT and rng.random() < 0.3:
            answers[str(question.pk)] = rng.choice(QUOTES)
    return answers


def demo_surveys_create(
    *,
    partnership: Partnership,
    organisation: Organisation,
    runner: User,
    seed: int,
    activity_name: str = ACTIVITY_NAME,
) -> list[Survey]:
    """Load the shipped scales; a survey before and after the activity called `activity_name`
    (the masterclass) that `organisation` delivers, sent to its registers and answered."""
    shipped_scales_load()
    rng = random.Random(seed + 11)  # noqa: S311 - invented answers, not secrets
    activity = (
        Activity.objects.filter(
            partnership=partnership, delivered_by=organisation, name=activity_name
        )
        .filter(sessions__register__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    if activity is None:
        return []
    survey = partial(
        _survey, actor=runner, partnership=partnership, organisation=organisation, activity=activity
    )
    before = survey(title=BEFORE_TITLE, timing=SurveyTiming.PRE)
    after = survey(title=AFTER_TITLE, timing=SurveyTiming.POST, pre_survey=before)
    levels: dict[Any, float] = {}  # each learner's starting point, before
    for session in activity.sessions.filter(register__isnull=False).distinct():
        for link in invitations_send_for_session(actor=runner, survey=before, session=session):
            level = levels.setdefault(link.invitation.learner_id, rng.uniform(1.8, 3.6))
            if rng.random() < 0.9:
                response_submit(
                    survey=before,
                    raw_answers=_answers(before, level, rng),
                    invitation=link.invitation,
                )
        for link in invitations_send_for_session(actor=runner, survey=after, session=session):
            if rng.random() < 0.75:
                start = levels.get(link.invitation.learner_id, rng.uniform(1.8, 3.6))
                level = min(5.0, start + rng.uniform(0.0, 1.2))
                response_submit(
                    survey=after,
                    raw_answers=_answers(after, level, rng),
                    invitation=link.invitation,
                    publication_consent=rng.random() < 0.6,
                )
    return [before, after]
