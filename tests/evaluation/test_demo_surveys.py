"""The demo's surveys: the shipped scales, a survey before and after an activity sent to its
register, answered by most, so the evaluation report has pairs to show."""

from __future__ import annotations

import pytest

from tests.evaluation.support import activity_with_register, officer
from widen.demo.surveys import ACTIVITY_NAME, AFTER_TITLE, BEFORE_TITLE, demo_surveys_create
from widen.evaluation.models import Scale, ScaleScore, SurveyResponse, SurveyTiming
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_the_demo_surveys_pair_answers_before_and_after(world: World) -> None:
    session = activity_with_register(world)
    before, after = demo_surveys_create(
        partnership=world.north,
        organisation=world.alpha,
        runner=officer(world),
        seed=3,
        activity_name=session.activity.name,
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


def test_the_demo_surveys_land_on_the_masterclass_not_the_first_activity_by_name(
    world: World,
) -> None:
    """Another of the organisation's activities with a register, first in alphabetical order,
    gets no survey: the surveys are about the masterclass their titles name."""
    masterclass = activity_with_register(world).activity
    masterclass.name = ACTIVITY_NAME
    masterclass.save()
    talk = activity_with_register(world).activity
    talk.name = "Student finance talk"
    talk.save()
    surveys = demo_surveys_create(
        partnership=world.north, organisation=world.alpha, runner=officer(world), seed=3
    )
    assert [survey.activity for survey in surveys] == [masterclass, masterclass]
    assert not SurveyResponse.objects.filter(activity=talk).exists()
