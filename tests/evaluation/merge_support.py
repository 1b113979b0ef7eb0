"""Survey rows for the learner-merge test (tests/dedup/test_merging.py): one link to the same
survey for each record — the removed record's answered, the kept record's not — and a response
each."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from widen.core.links import link_token_new
from widen.evaluation.models import (
    ResponseChannel,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
)
from widen.learners.models import Learner
from widen.testing.world import World


def survey_records_of(learner: Learner, world: World) -> dict[str, Any]:
    survey, _ = Survey.objects.get_or_create(
        partnership=world.north,
        organisation=world.alpha,
        title="Merge survey",
        defaults={"status": SurveyStatus.OPEN},
    )
    answered = learner.first_name == "Removed"
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        organisation=learner.organisation,
        learner=learner,
        token_digest=link_token_new().digest,
        answered_at=timezone.now() if answered else None,
    )
    response = SurveyResponse.objects.create(
        survey=survey,
        invitation=invitation if answered else None,
        organisation=learner.organisation,
        learner=learner,
        timing=survey.timing,
        channel=ResponseChannel.LINK if answered else ResponseChannel.AT_EVENT,
        submitted_at=timezone.now(),
    )
    return {
        "evaluation.SurveyInvitation.learner": invitation,
        "evaluation.SurveyResponse.learner": response,
    }


def assert_survey_records_moved(kept: Learner) -> None:
    """The kept learner has one link to the survey, the answered one, and both responses."""
    links = list(SurveyInvitation.objects.filter(learner=kept))
    assert len(links) == 1
    assert links[0].answered_at is not None
    assert SurveyResponse.objects.filter(learner=kept).count() == 2  # noqa: PLR2004
