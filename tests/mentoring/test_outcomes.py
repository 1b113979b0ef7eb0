"""A mentoring programme's outcomes: the coordinator names its activity, sends the surveys
before and after it to the mentees, and the links pair a student's answers when their record
is linked to a learner's."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from conftest import api_call, signed_in_client
from tests.evaluation.support import alpha_survey
from tests.students.records import make_student
from widen.accounts.models import Role
from widen.core.exceptions import ApplicationError
from widen.evaluation.models import Survey, SurveyInvitation, SurveyTiming
from widen.evaluation.services import QuestionDetails, question_add, survey_open
from widen.mentoring.models import (
    Mentee,
    MenteesAre,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    Relationship,
    RelationshipStatus,
)
from widen.mentoring.outcomes import outcome_survey_send, programme_activity_set
from widen.testing.builders import activity_with_session
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def _officer(world: World) -> Any:
    return world.users[Role.OUTREACH_OFFICER]


def _open(world: World, survey: Survey) -> Survey:
    question_add(
        actor=_officer(world),
        survey=survey,
        details=QuestionDetails(kind="likert", text="I know the routes into my career."),
    )
    return survey_open(actor=_officer(world), survey=survey)


def _surveys(world: World) -> tuple[Any, Survey, Survey]:
    activity, _ = activity_with_session(world.north, world.alpha, "Professional mentoring")
    before = _open(
        world,
        alpha_survey(world, title="Before mentoring", timing=SurveyTiming.PRE, activity=activity),
    )
    after = _open(
        world,
        alpha_survey(
            world,
            title="After mentoring",
            timing=SurveyTiming.POST,
            activity=activity,
            pre_survey=before,
        ),
    )
    return activity, before, after


def _cohort(world: World) -> MentoringProgramme:
    """Alpha's programme: Ann (linked to a learner record) is paired and started; Ben (no
    learner record) is accepted but not yet paired; Cat only applied."""
    programme = MentoringProgramme.objects.create(organisation=world.alpha, name="Finance")
    ann = make_student(world.alpha, "O1", "Ann", "Able", email="ann@example.ac.uk")
    ann.linked_learner = world.learner_alpha
    ann.save(update_fields=["linked_learner"])
    ben = make_student(world.alpha, "O2", "Ben", "Bold", email="ben@example.ac.uk")
    cat = make_student(world.alpha, "O3", "Cat", "Calm", email="cat@example.ac.uk")
    mentees = {
        student.first_name: Mentee.objects.create(
            programme=programme, student=student, status=status
        )
        for student, status in (
            (ann, MenteeStatus.ACCEPTED),
            (ben, MenteeStatus.ACCEPTED),
            (cat, MenteeStatus.APPLIED),
        )
    }
    mentor = Mentor.objects.create(organisation=world.alpha, user=make_user("m.o", None, None))
    Relationship.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentees["Ann"],
        status=RelationshipStatus.ACTIVE,
    )
    return programme


def test_the_programmes_activity_is_one_of_its_partnerships(world: World) -> None:
    programme = _cohort(world)
    elsewhere, _ = activity_with_session(world.south, world.gamma, "Somebody else's mentoring")
    activity, _, _ = _surveys(world)

    with pytest.raises(ApplicationError, match="partnership"):
        programme_activity_set(actor=_officer(world), programme=programme, activity_id=elsewhere.pk)
    programme_activity_set(actor=_officer(world), programme=programme, activity_id=activity.pk)

    programme.refresh_from_db()
    assert programme.activity == activity


def test_before_goes_to_accepted_mentees_and_after_to_those_whose_pair_started(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = _cohort(world)
    activity, before, after = _surveys(world)
    programme_activity_set(actor=_officer(world), programme=programme, activity_id=activity.pk)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = outcome_survey_send(actor=_officer(world), programme=programme, survey_id=before.pk)
    again = outcome_survey_send(actor=_officer(world), programme=programme, survey_id=before.pk)
    with django_capture_on_commit_callbacks(execute=True):
        after_sent = outcome_survey_send(
            actor=_officer(world), programme=programme, survey_id=after.pk
        )

    assert sorted(given.name for given in sent) == ["Ann Able", "Ben Bold"]
    assert again == []  # nobody is sent a second link to the same survey
    assert [given.name for given in after_sent] == ["Ann Able"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@example.ac.uk",
        "ann@example.ac.uk",
        "ben@example.ac.uk",
    ]
    # Ann's answers pair up before and after through her learner record; Ben's cannot.
    invitations = SurveyInvitation.objects.filter(survey__in=[before, after])
    assert {(inv.survey_id, inv.learner_id) for inv in invitations if inv.name == "Ann Able"} == {
        (before.pk, world.learner_alpha.pk),
        (after.pk, world.learner_alpha.pk),
    }
    assert invitations.get(name="Ben Bold").learner is None


def test_a_pupils_links_are_shown_once_to_hand_out(world: World) -> None:
    programme = MentoringProgramme.objects.create(
        organisation=world.alpha,
        partnership=world.north,
        name="Year 12 mentoring",
        mentees_are=MenteesAre.PUPILS,
    )
    Mentee.objects.create(
        programme=programme, learner=world.learner_alpha, status=MenteeStatus.ACCEPTED
    )
    activity, before, _ = _surveys(world)
    client = signed_in_client(_officer(world))
    url = f"/mentoring/programmes/{programme.pk}/outcomes/"

    saved = client.post(url, {"activity": str(activity.pk)}, follow=True)
    sent = client.post(url, {"survey": str(before.pk)}).content.decode()
    later = client.get(url).content.decode()

    assert "The programme&#x27;s activity is saved." in saved.content.decode()
    assert "Links to hand out" in sent
    assert world.learner_alpha.display_name in sent
    assert "/evaluation/answer/" in sent
    assert "Links to hand out" not in later
    assert "Graduate destinations are not recorded in Widen yet" in later


def test_another_organisations_coordinator_finds_no_such_page(world: World) -> None:
    programme = _cohort(world)
    beta_officer = make_user("beta.officer", world.beta, Role.OUTREACH_OFFICER)
    url = f"/mentoring/programmes/{programme.pk}/outcomes/"

    assert signed_in_client(beta_officer).get(url).status_code == 404
    assert signed_in_client(_officer(world)).get(url).status_code == 200


def test_the_api_names_the_activity_lists_its_surveys_and_sends_links(world: World) -> None:
    programme = MentoringProgramme.objects.create(
        organisation=world.alpha,
        partnership=world.north,
        name="Year 12 mentoring",
        mentees_are=MenteesAre.PUPILS,
    )
    Mentee.objects.create(
        programme=programme, learner=world.learner_alpha, status=MenteeStatus.ACCEPTED
    )
    activity, before, _ = _surveys(world)
    token = world.tokens[Role.OUTREACH_OFFICER]
    base = f"/api/v1/mentoring/programmes/{programme.pk}/outcomes"

    named = api_call(token, "PUT", f"{base}/activity", {"activity_id": str(activity.pk)})
    sent = api_call(token, "POST", f"{base}/surveys/{before.pk}/send")
    read = api_call(token, "GET", base).json()

    assert named.status_code == 200
    assert named.json()["activity_name"] == "Professional mentoring"
    assert sent.json()["new_links"] == 1
    assert sent.json()["emailed"] == 0
    assert sent.json()["to_hand_out"][0]["name"] == world.learner_alpha.display_name
    assert [(row["title"], row["asked"], row["invited"]) for row in read["surveys"]] == [
        ("Before mentoring", 1, 1),
        ("After mentoring", 0, 0),
    ]
    assert read["evaluation_report"] == f"/evaluation/activities/{activity.pk}/report/"
    # Another partnership's activity is refused, with the field named.
    elsewhere, _ = activity_with_session(world.south, world.gamma, "Elsewhere")
    refused = api_call(token, "PUT", f"{base}/activity", {"activity_id": str(elsewhere.pk)})
    assert refused.status_code == 422
    assert "partnership" in refused.content.decode()


def test_the_programme_page_leads_to_its_pairs_and_its_outcomes(world: World) -> None:
    programme = _cohort(world)
    page = signed_in_client(_officer(world)).get(f"/mentoring/programmes/{programme.pk}/")
    text = page.content.decode()
    assert f'href="/mentoring/programmes/{programme.pk}/relationships/"' in text
    assert f'href="/mentoring/programmes/{programme.pk}/outcomes/"' in text


def test_a_survey_that_is_not_the_programmes_is_not_found_and_nothing_is_sent(
    world: World,
) -> None:
    programme = _cohort(world)
    activity, before, _ = _surveys(world)
    programme_activity_set(actor=_officer(world), programme=programme, activity_id=activity.pk)
    elsewhere, _ = activity_with_session(world.north, world.alpha, "Another activity")
    other = _open(
        world,
        alpha_survey(world, title="Not mentoring", timing=SurveyTiming.PRE, activity=elsewhere),
    )
    client = signed_in_client(_officer(world))
    url = f"/mentoring/programmes/{programme.pk}/outcomes/"

    for survey in ("not-a-survey", str(other.pk), "", "'; DROP TABLE x; --"):
        assert client.post(url, {"survey": survey}).status_code == 404, survey
    assert not SurveyInvitation.objects.exists()
    programme.refresh_from_db()
    assert programme.activity == activity  # a malformed send changes nothing
    assert client.post(url, {"survey": str(before.pk)}).status_code == 200
    assert before.invitations.count() == 2
