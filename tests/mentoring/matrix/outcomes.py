"""A mentoring programme's outcomes page: the cells of its URLs (outcomes.yaml).

Rules:
  mentoring_outcomes       a programme's outcomes (its page and API; naming its activity): own
                           (Alpha University's programme) for those who coordinate mentoring
                           there (`mentoring.coordinate`); partner (Beta's) and unrelated
                           (Gamma's) programmes answer as missing (404)
  mentoring_outcomes_send  sending a survey before the programme's activity to its mentees: as
                           mentoring_outcomes, for those who also send survey links
                           (`evaluation.send_survey_links`)
"""

from __future__ import annotations

from typing import Any

from tests.authz.rules import C, own
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.evaluation.models import Survey, SurveyTiming
from widen.evaluation.services import (
    QuestionDetails,
    SurveyDetails,
    question_add,
    survey_create,
    survey_open,
)
from widen.mentoring.models import MentoringProgramme
from widen.testing.builders import activity_with_session
from widen.testing.world import World

RULES = {
    "mentoring_outcomes": own(C.MENTORING_COORDINATE),
    "mentoring_outcomes_send": own(C.MENTORING_COORDINATE, also=frozenset({C.SURVEYS_SEND})),
}


def _programme(world: World, relation: str) -> MentoringProgramme:
    organisation = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    programme, _ = MentoringProgramme.objects.get_or_create(
        organisation=organisation, name="Matrix mentoring outcomes"
    )
    return programme


def _survey_before(world: World, relation: str, programme: MentoringProgramme) -> Survey:
    """An open survey before the programme's activity (made once)."""
    if programme.activity_id is not None:
        return Survey.objects.get(activity_id=programme.activity_id)
    partnership = world.south if relation == "unrelated" else world.north
    system = system_actor("matrix")
    with request_context.bind(source="test"):
        activity, _ = activity_with_session(
            partnership, programme.organisation, f"Matrix mentoring {relation}"
        )
        programme.activity = activity
        programme.save(update_fields=["activity", "updated_at"])
        survey = survey_create(
            actor=system,
            partnership=partnership,
            details=SurveyDetails(
                organisation=programme.organisation,
                title="Before mentoring",
                timing=SurveyTiming.PRE,
                activity=activity,
            ),
        )
        question_add(
            actor=system,
            survey=survey,
            details=QuestionDetails(kind="likert", text="I know the routes into my career."),
        )
        return survey_open(actor=system, survey=survey)


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "mentoring_outcomes":
        return {"programme_id": _programme(world, relation).pk}
    if rule == "mentoring_outcomes_send":
        programme = _programme(world, relation)
        survey = _survey_before(world, relation, programme)
        return {"programme_id": programme.pk, "survey_id": survey.pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "mentoring:programme_outcomes":
        return {"activity": ""}
    if name == "api:mentoring_programme_activity_set_api":
        return {"activity_id": None}
    if name == "api:mentoring_outcome_survey_send_api":
        return {}
    return None
