"""Who may do what with surveys and the question bank is decided by the evaluation policy, from
named capabilities: a role without the capability, and a person of another organisation, meet
'not found' and change nothing; an evaluator (who sees learners pseudonymised) never sends links;
work done by Widen itself names the system actor; a service called for nobody refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import SYSTEM, activity_with_register, belonging_scale, open_survey
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import StateChange
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import Scale, Survey, SurveyInvitation, SurveyStatus
from widen.evaluation.permissions import MANAGE, SEND, survey_policy
from widen.evaluation.services import (
    ItemSpec,
    invitations_send_for_session,
    scale_create,
    scale_publish,
    survey_close,
    survey_open,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def _draft_survey(world: World) -> Survey:
    survey = open_survey(world, timing="standalone")
    Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.DRAFT)
    survey.refresh_from_db()
    return survey


def _outsiders(world: World) -> dict[str, Any]:
    """A read-only member of the running organisation (no survey capability), an outreach
    officer of another member of the partnership (runs Beta's surveys, not Alpha's), and an
    outreach officer in another partnership altogether."""
    return {
        "read_only": world.users[Role.READ_ONLY],
        "school_staff": world.users[Role.SCHOOL_STAFF],
        "other_member": make_user("beta-officer", world.beta, Role.OUTREACH_OFFICER),
        "other_partnership": make_user("gamma-officer", world.gamma, Role.OUTREACH_OFFICER),
    }


@pytest.mark.parametrize("who", ["read_only", "school_staff", "other_member", "other_partnership"])
def test_without_the_capability_in_the_running_organisation_a_survey_is_not_found(
    world: World, who: str
) -> None:
    survey = _draft_survey(world)
    actor = _outsiders(world)[who]
    client = signed_in_client(actor)
    for name in ("questions", "send", "responses", "fill_in"):
        page = client.get(reverse(f"evaluation:{name}", kwargs={"survey_id": survey.pk}))
        assert page.status_code == 404, name
    opened = client.post(reverse("evaluation:survey_status", kwargs={"survey_id": survey.pk}))
    assert opened.status_code == 404
    with pytest.raises(NotFound):
        survey_open(actor=actor, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_another_partnerships_person_does_not_see_the_survey_at_all(world: World) -> None:
    survey = open_survey(world, timing="standalone")
    stranger = _outsiders(world)["other_partnership"]
    page = signed_in_client(stranger).get(
        reverse("evaluation:survey", kwargs={"survey_id": survey.pk})
    )
    assert page.status_code == 404
    assert not survey_policy.visible_to(stranger).filter(pk=survey.pk).exists()


def test_an_evaluator_runs_the_survey_but_never_sends_its_links(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    evaluator = world.users[Role.EVALUATOR]
    assert survey_policy.may(evaluator, MANAGE, survey)
    assert not survey_policy.may(evaluator, SEND, survey)
    page = signed_in_client(evaluator).get(
        reverse("evaluation:send", kwargs={"survey_id": survey.pk})
    )
    assert page.status_code == 404
    with pytest.raises(NotFound):
        invitations_send_for_session(actor=evaluator, survey=survey, session=session)
    assert not SurveyInvitation.objects.filter(survey=survey).exists()


def test_the_system_actor_does_what_it_is_asked_and_no_person_writes_widens_own_scales(
    world: World,
) -> None:
    survey = _draft_survey(world)
    survey_open(actor=system_actor("open the survey for a test"), survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    shipped = belonging_scale(None, publish=False)
    assert scale_publish(actor=SYSTEM, scale=shipped).is_published
    admin = world.users[Role.PARTNERSHIP_ADMIN]
    with pytest.raises(NotFound):
        scale_create(actor=admin, partnership=None, name="Ours", items=[ItemSpec("An item.")])
    assert not Scale.objects.filter(name="Ours").exists()


def test_a_service_called_without_saying_who_is_acting_refuses(world: World) -> None:
    survey = _draft_survey(world)
    with pytest.raises(TypeError):
        survey_open(survey=survey)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        survey_close(survey=survey)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        scale_create(partnership=world.north, name="Nobody's", items=[ItemSpec("An item.")])  # type: ignore[call-arg]
    with pytest.raises(NotFound):  # nobody, named as such, holds nothing
        survey_open(actor=None, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    assert not Scale.objects.filter(name="Nobody's").exists()


def test_opening_and_closing_a_survey_follow_its_workflow_and_say_who_moved_it(
    world: World,
) -> None:
    survey = _draft_survey(world)
    officer = world.users[Role.OUTREACH_OFFICER]
    survey_open(actor=officer, survey=survey)
    with pytest.raises(ApplicationError, match="cannot be opened now"):
        survey_open(actor=officer, survey=survey)  # already open: from a page left open
    survey_close(actor=system_actor("close surveys past their date"), survey=survey)
    with pytest.raises(ApplicationError, match="closed, so it cannot be opened"):
        survey_open(actor=officer, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    moves = list(StateChange.objects.filter(object_id=str(survey.pk)).order_by("occurred_at"))
    assert [(m.from_state, m.to_state, m.actor_username, m.system_reason) for m in moves[-2:]] == [
        ("draft", "open", officer.username, ""),
        ("open", "closed", "", "close surveys past their date"),
    ]
