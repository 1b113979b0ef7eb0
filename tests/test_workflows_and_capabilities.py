"""The shared mechanisms every area stands on: capabilities, the system actor, workflows."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from conftest import signed_in_client
from widen.accounts.capabilities import (
    GRANTS,
    Capability,
    holds,
    holds_in_partnership,
    organisations_granting,
    roles_granting,
    system_actor,
)
from widen.accounts.models import Role
from widen.audit.models import AppendOnlyError, StateChange
from widen.core.exceptions import ApplicationError
from widen.core.workflows import Transition, Workflow
from widen.evaluation.models import Survey, SurveyStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SURVEY_STEPS = Workflow(
    "status",
    [
        Transition("open", frozenset({SurveyStatus.DRAFT}), SurveyStatus.OPEN, "Open"),
        Transition("close", frozenset({SurveyStatus.OPEN}), SurveyStatus.CLOSED, "Close"),
    ],
    stamp_at="closed_at",
)


def _survey(world: World) -> Survey:
    return Survey.objects.create(partnership=world.north, organisation=world.alpha, title="Views")


def test_every_role_has_an_entry_and_every_capability_a_holder() -> None:
    assert set(GRANTS) == set(Role.values)
    held = set().union(*GRANTS.values())
    assert held == set(Capability)


def test_a_person_holds_a_capability_only_where_their_role_grants_it(world: World) -> None:
    officer = world.users["outreach_officer"]
    staff = world.users["school_staff"]
    assert holds(officer, Capability.EVENTS_ORGANISE, world.alpha)
    assert not holds(officer, Capability.EVENTS_ORGANISE, world.beta)
    assert not holds(staff, Capability.EVENTS_ORGANISE)
    assert holds(staff, Capability.ACTIVITIES_TAKE_SCHOOL_REGISTER, world.school)
    assert holds_in_partnership(officer, Capability.ACTIVITIES_DELIVER, world.north)
    assert not holds_in_partnership(officer, Capability.ACTIVITIES_DELIVER, world.south)
    assert list(organisations_granting(officer, Capability.EVENTS_ORGANISE)) == [world.alpha]
    assert Role.EVALUATOR not in roles_granting(Capability.SURVEYS_SEND)


def test_nobody_holds_anything_by_being_missing_or_signed_out(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    for nobody in (None, AnonymousUser()):
        assert not holds(nobody, Capability.LEARNERS_EDIT)
    officer = world.users["outreach_officer"]
    officer.is_active = False
    officer.save()
    assert not holds(officer, Capability.LEARNERS_EDIT, world.alpha)


def test_a_system_actor_names_its_work_and_holds_everything(world: World) -> None:
    job = system_actor("nightly targeting run")
    assert all(holds(job, capability) for capability in Capability)
    assert "nightly targeting run" in str(job)
    with pytest.raises(ValueError, match="says what it is doing"):
        system_actor("  ")


def test_a_transition_moves_the_row_stamps_it_and_records_who(world: World) -> None:
    survey = _survey(world)
    officer = world.users["outreach_officer"]
    assert [step.name for step in SURVEY_STEPS.allowed(survey)] == ["open"]
    SURVEY_STEPS.apply(survey, "open", actor=officer)
    SURVEY_STEPS.apply(survey, "close", actor=officer, reason="Enough answers")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert survey.closed_at is not None
    moves = list(StateChange.objects.filter(object_id=str(survey.pk)).order_by("occurred_at"))
    assert [(m.from_state, m.to_state) for m in moves] == [("draft", "open"), ("open", "closed")]
    assert moves[1].actor_username == officer.username
    assert moves[1].reason == "Enough answers"
    assert moves[1].object_type == "evaluation.survey"


def test_a_transition_not_allowed_from_the_state_is_refused_and_changes_nothing(
    world: World,
) -> None:
    survey = _survey(world)
    with pytest.raises(ApplicationError) as refused:
        SURVEY_STEPS.apply(survey, "close", actor=world.users["outreach_officer"])
    assert refused.value.field == "status"
    assert "draft" in refused.value.message
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    assert not StateChange.objects.filter(object_id=str(survey.pk)).exists()


def test_a_stale_copy_cannot_move_a_row_twice(world: World) -> None:
    survey = _survey(world)
    officer = world.users["outreach_officer"]
    stale = Survey.objects.get(pk=survey.pk)
    SURVEY_STEPS.apply(survey, "open", actor=officer)
    with pytest.raises(ApplicationError):
        SURVEY_STEPS.apply(stale, "open", actor=officer)
    assert StateChange.objects.filter(object_id=str(survey.pk)).count() == 1


def test_a_failure_after_the_move_leaves_neither_the_state_nor_its_record(world: World) -> None:
    survey = _survey(world)

    def refuse(row: Survey) -> None:
        raise ApplicationError("Add a question first.", field="questions")

    with pytest.raises(ApplicationError):
        SURVEY_STEPS.apply(
            survey, "open", actor=world.users["outreach_officer"], before_save=refuse
        )
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    assert not StateChange.objects.exists()


def test_a_transition_needs_an_actor_and_the_system_names_itself(world: World) -> None:
    survey = _survey(world)
    with pytest.raises(TypeError):
        SURVEY_STEPS.apply(survey, "open", actor=None)
    SURVEY_STEPS.apply(survey, "open", actor=system_actor("opening surveys on their start date"))
    (move,) = StateChange.objects.filter(object_id=str(survey.pk))
    assert move.actor_id is None
    assert move.system_reason == "opening surveys on their start date"


def test_state_changes_are_append_only(world: World) -> None:
    survey = _survey(world)
    SURVEY_STEPS.apply(survey, "open", actor=world.users["outreach_officer"])
    move = StateChange.objects.get()
    with pytest.raises(AppendOnlyError):
        move.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        StateChange.objects.filter(pk=move.pk)._raw_delete(using="default")  # type: ignore[attr-defined]


@pytest.mark.urls("tests.not_found_urls")
def test_a_page_raising_not_found_answers_the_404_page(world: World) -> None:
    client = signed_in_client(world.users["outreach_officer"])
    response = client.get("/not-yours/")
    assert response.status_code == 404
    assert b"Page not found" in response.content or b"not found" in response.content.lower()
