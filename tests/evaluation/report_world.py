"""An evaluated activity for the report's tests: a published scale, surveys before and after,
learners who attended (participants) and learners who answered but did not (a comparison
group), with the scores each gave."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from typing import Any

from django.urls import reverse
from django.utils import timezone

from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.core import request_context
from widen.evaluation.models import (
    Answer,
    Question,
    QuestionKind,
    ResponseChannel,
    Scale,
    ScaleScore,
    Survey,
    SurveyResponse,
    SurveyTiming,
    TheoryOfChange,
)
from widen.learners.models import Learner
from widen.organisations.models import Organisation
from widen.testing.builders import (
    activity_with_session,
    published_scale,
    surveys_before_and_after,
)
from widen.testing.delivery import alpha_pupil
from widen.testing.world import World


@dataclass
class Evaluated:
    activity: Activity
    session: Session
    scale: Scale
    pre: Survey
    post: Survey
    feedback: Question
    participants: list[Learner] = field(default_factory=list)
    others: list[Learner] = field(default_factory=list)


def scale_for(world: World, name: str = "Confidence about university", *, key: str = "") -> Scale:
    return published_scale(world.north, key=key or name.lower().replace(" ", "-"), name=name)


def evaluated_activity(world: World, *, name: str = "Campus visit day") -> Evaluated:
    activity, session = activity_with_session(world.north, world.alpha, name)
    scale = scale_for(world, key=f"confidence-{name.lower().replace(' ', '-')}")
    pre, post = surveys_before_and_after(
        activity, titles=(f"{name}: before", f"{name}: after"), linked=True
    )
    feedback = Question.objects.create(
        survey=post, position=1, kind=QuestionKind.FREE_TEXT, text="What did you think?"
    )
    return Evaluated(activity, session, scale, pre, post, feedback)


def learner(
    world: World, name: str, *, school: Organisation | None = None, fsm: bool = True
) -> Learner:
    return alpha_pupil(world, name, last_name="Learner", school=school, free_school_meals=fsm)


def answer(
    evaluated: Evaluated,
    who: Learner | None,
    timing: str,
    score: float | None,
    *,
    when: Any = None,
) -> SurveyResponse:
    survey = evaluated.pre if timing == SurveyTiming.PRE else evaluated.post
    with request_context.bind(source="test"):
        response = SurveyResponse.objects.create(
            survey=survey,
            organisation=evaluated.activity.delivered_by,
            learner=who,
            school=who.school if who else None,
            activity=evaluated.activity,
            timing=timing,
            channel=ResponseChannel.LINK,
            submitted_at=when
            or timezone.now() + (timedelta(days=1) if timing == "post" else timedelta()),
        )
    ScaleScore.objects.create(
        response=response, scale=evaluated.scale, score=score, items_answered=1, items_total=1
    )
    return response


def attended(evaluated: Evaluated, who: Learner) -> None:
    with request_context.bind(source="test"):
        Attendance.objects.create(
            session=evaluated.session,
            learner=who,
            organisation=who.organisation,
            status=AttendanceStatus.ATTENDED,
        )


def quote(
    evaluated: Evaluated, response: SurveyResponse, text: str, *, consent: bool, published: bool
) -> Answer:
    SurveyResponse.objects.filter(pk=response.pk).update(publication_consent=consent)
    with request_context.bind(source="test"):
        return Answer.objects.create(
            response=response,
            question=evaluated.feedback,
            value_text=text,
            published_at=timezone.now() if published else None,
        )


def with_pairs(
    world: World,
    evaluated: Evaluated,
    participants: list[tuple[float, float]],
    others: list[tuple[float, float]] = (),  # type: ignore[assignment]
) -> Evaluated:
    """Participants (who attended) and others (who did not) with their scores before and after."""
    for index, (before, after) in enumerate(participants):
        person = learner(world, f"Participant{index}")
        attended(evaluated, person)
        answer(evaluated, person, SurveyTiming.PRE, before)
        answer(evaluated, person, SurveyTiming.POST, after)
        evaluated.participants.append(person)
    for index, (before, after) in enumerate(others):
        person = learner(world, f"Other{index}")
        answer(evaluated, person, SurveyTiming.PRE, before)
        answer(evaluated, person, SurveyTiming.POST, after)
        evaluated.others.append(person)
    return evaluated


# What the report's tests compare: scores (before, after) of the participants and of the others.
PARTICIPANTS = [(2, 3), (3, 4), (3, 3), (4, 5), (2, 4), (3, 4)]
OTHERS = [(2, 2), (3, 3), (3, 4), (4, 4), (2, 2), (3, 3)]


def page_text(response: Any) -> str:
    """A page's words as a person reads them: no markup, entities turned back, spaces folded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def report_url(evaluated: Evaluated) -> str:
    return reverse("evaluation_reports:activity", kwargs={"activity_id": evaluated.activity.pk})


def theory_of(evaluated: Evaluated) -> TheoryOfChange:
    return TheoryOfChange.objects.create(
        partnership=evaluated.activity.partnership,
        activity=evaluated.activity,
        problem="Few learners in the ward see university as for them.",
        inputs="Two officers, ambassadors, a coach.",
        activities="A day on campus.",
        outcomes="Learners feel university is for people like them.",
        impacts="More apply.",
        assumptions="Schools release the learners.",
    )
