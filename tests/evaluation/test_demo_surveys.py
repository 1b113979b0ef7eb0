"""The demo's surveys: the shipped scales, a survey before and after an activity sent to its
register, answered by most, so the evaluation report has pairs to show."""

from __future__ import annotations

import pytest

from tests.evaluation.support import activity_with_register, officer
from widen.demo.surveys import AFTER_TITLE, BEFORE_TITLE, demo_surveys_create
from widen.evaluation.models import Scale, ScaleScore, SurveyResponse, SurveyTiming
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_the_demo_surveys_pair_answers_before_and_after(world: World) -> None:
    activity_with_register(world)
    before, after = demo_surveys_create(
        partnership=world.north, organisation=world.alpha, runner=officer(world), seed=3
    )
    assert (before.title, after.title) == (BEFORE_TITLE, AFTER_TITLE)
    assert after.pre_survey == before
    assert Scale.objects.filter(partnership=None).count() == 3
    assert before.invitations.count() == after.invitations.count() == 2
    responses = SurveyResponse.objects.filter(activity=before.activity)
    assert responses.filter(timing=SurveyTiming.PRE).exists()
    scores = ScaleScore.objects.filter(response__in=responses)
    assert scores.exists()
    assert all(1 <= score.score <= 5 for score in scores if score.score is not None)
