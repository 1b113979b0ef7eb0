"""Surveys: sending links from a register or an event's bookings, answering once, scores on
submission, publication of quotes only with consent, and response rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from tests.evaluation.support import (
    activity_with_register,
    alpha_survey,
    answers_for,
    belonging_scale,
    event_with_bookings,
    officer,
    open_survey,
)
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import (
    Answer,
    ResponseChannel,
    ScaleScore,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
    SurveyTiming,
)
from widen.evaluation.selectors import response_rates
from widen.evaluation.services import (
    AnswersInvalidError,
    QuestionDetails,
    SurveyDetails,
    answer_publication_mark,
    invitation_for_link,
    invitations_send_for_event,
    invitations_send_for_session,
    question_add,
    response_submit,
    survey_after_make,
    survey_close,
    survey_create,
    survey_open,
    survey_scale_add,
)
from widen.notifications.models import Category, Notification
from widen.notifications.services import address_preference_set
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_links_go_to_learners_on_the_register_except_those_absent_once_each(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    given = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    assert sorted(link.name for link in given) == ["Amara Alphason", "Sami Schoolman"]
    assert {link.invitation.school_id for link in given} == {world.school.pk}
    # Sending again gives nobody a second link.
    assert invitations_send_for_session(actor=officer(world), survey=survey, session=session) == []
    # Only digests are stored.
    stored = set(SurveyInvitation.objects.values_list("token_digest", flat=True))
    assert all(token_of(link.link) not in stored for link in given)


def test_links_go_by_e_mail_to_people_with_a_place_not_those_waiting_or_cancelled(
    world: World, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    event = event_with_bookings(world)
    survey = open_survey(world, event=event, timing=SurveyTiming.STANDALONE)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        given = invitations_send_for_event(actor=officer(world), survey=survey, event=event)
    assert sorted(link.name for link in given) == ["Chris Carer", "Pat Parent"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "person0@example.org",
        "person1@example.org",
    ]
    for message in mail.outbox:
        link = next(link for link in given if link.invitation.email == message.to[0]).link
        assert link in message.body


def test_only_those_who_run_the_survey_send_its_links(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    # An evaluator runs the survey but does not take the session's register, so its learners'
    # names are not theirs to see.
    for role in (Role.SCHOOL_STAFF, Role.READ_ONLY, Role.EVALUATOR):
        with pytest.raises(NotFound):
            invitations_send_for_session(actor=world.users[role], survey=survey, session=session)
    assert not SurveyInvitation.objects.exists()


def test_a_link_answers_once_and_scores_the_scale(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    link = invitations_send_for_session(actor=officer(world), survey=survey, session=session)[0]
    invitation = invitation_for_link(token_of(link.link))
    response = response_submit(
        survey=survey,
        raw_answers=answers_for(survey, belonging=(4, 5, 2)),
        invitation=invitation,
        publication_consent=True,
    )
    assert response.channel == ResponseChannel.LINK
    assert response.learner_id == invitation.learner_id
    assert (response.activity_id, response.timing) == (session.activity_id, SurveyTiming.POST)
    assert response.answers.count() == survey.questions.count()
    score = ScaleScore.objects.get(response=response)
    assert score.score == pytest.approx((4 + 5 + (6 - 2)) / 3)
    assert (score.items_answered, score.items_total) == (3, 3)
    numeric = response.answers.get(question__kind="numeric")
    assert numeric.value_number == Decimal("3.00")
    assert response.answers.get(question__kind="multiple_choice").value_choices == [
        "The tour",
        "Lunch",
    ]
    # Writing a response is audited against the learner.
    assert AuditEvent.objects.filter(
        object_type="evaluation.surveyresponse", learner_id=invitation.learner_id
    ).exists()
    # The same link cannot answer again, by its page or by a replayed submission.
    with pytest.raises(NotFound):
        response_submit(survey=survey, raw_answers=answers_for(survey), invitation=invitation)
    assert SurveyResponse.objects.count() == 1


def test_wrong_and_closed_links_answer_like_missing_ones(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    link = invitations_send_for_session(actor=officer(world), survey=survey, session=session)[0]
    token = token_of(link.link)
    for wrong in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x"):
        with pytest.raises(NotFound, match="not valid"):
            invitation_for_link(wrong)
    survey_close(actor=officer(world), survey=survey)
    with pytest.raises(NotFound, match="not valid"):
        invitation_for_link(token)


def test_bad_answers_name_the_question_and_store_nothing(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    link = invitations_send_for_session(actor=officer(world), survey=survey, session=session)[0]
    invitation = invitation_for_link(token_of(link.link))
    answers = answers_for(survey)
    by_kind = {q.kind: q for q in survey.questions.all()}
    answers[str(by_kind["numeric"].pk)] = "25"
    answers[str(by_kind["single_choice"].pk)] = "Year 14"
    del answers[str(by_kind["likert"].pk)]
    with pytest.raises(AnswersInvalidError) as raised:
        response_submit(survey=survey, raw_answers=answers, invitation=invitation)
    errors = raised.value.errors
    assert errors[str(by_kind["numeric"].pk)].endswith("no higher than 20.")
    assert "choose from the options" in errors[str(by_kind["single_choice"].pk)]
    assert "please answer" in errors[str(by_kind["likert"].pk)]
    assert not SurveyResponse.objects.exists()
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_filling_in_at_an_event_is_anonymous_and_for_those_running_it(world: World) -> None:
    event = event_with_bookings(world)
    survey = open_survey(world, event=event, timing=SurveyTiming.STANDALONE)
    response = response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))
    assert response.channel == ResponseChannel.AT_EVENT
    assert response.learner_id is None
    assert response.event_id == event.pk
    with pytest.raises(NotFound):
        response_submit(
            survey=survey, raw_answers=answers_for(survey), actor=world.users[Role.READ_ONLY]
        )


def test_quotes_are_published_only_with_the_respondents_consent(world: World) -> None:
    event = event_with_bookings(world)
    survey = open_survey(world, event=event, timing=SurveyTiming.STANDALONE)
    consented = response_submit(
        survey=survey,
        raw_answers=answers_for(survey),
        actor=officer(world),
        publication_consent=True,
    )
    refused = response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))
    quote = consented.answers.get(question__kind="free_text")
    marked = answer_publication_mark(actor=officer(world), answer=quote, publish=True)
    assert marked.published_at is not None
    with pytest.raises(ApplicationError, match="did not agree"):
        answer_publication_mark(
            actor=officer(world),
            answer=refused.answers.get(question__kind="free_text"),
            publish=True,
        )
    with pytest.raises(ApplicationError, match="Only written answers"):
        answer_publication_mark(
            actor=officer(world),
            answer=consented.answers.get(question__kind="likert"),
            publish=True,
        )
    with pytest.raises(NotFound):
        answer_publication_mark(actor=world.users[Role.SCHOOL_STAFF], answer=quote, publish=False)


def test_questions_are_fixed_once_the_survey_opens(world: World) -> None:
    survey = open_survey(world, with_scale=False, timing=SurveyTiming.STANDALONE)
    with pytest.raises(ApplicationError, match="before the survey is opened"):
        question_add(
            actor=officer(world),
            survey=survey,
            details=QuestionDetails(kind="free_text", text="One more thing?"),
        )
    with pytest.raises(ApplicationError, match="before the survey is opened"):
        survey_scale_add(actor=officer(world), survey=survey, scale=belonging_scale(world))


def test_question_rules(world: World) -> None:
    survey = survey_create(
        actor=officer(world),
        partnership=world.north,
        details=SurveyDetails(organisation=world.alpha, title="Rules"),
    )
    with pytest.raises(ApplicationError, match="at least two choices"):
        question_add(
            actor=officer(world),
            survey=survey,
            details=QuestionDetails(kind="single_choice", text="Pick", choices=["Only"]),
        )
    with pytest.raises(ApplicationError, match="not be below the lowest"):
        question_add(
            actor=officer(world),
            survey=survey,
            details=QuestionDetails(
                kind="numeric", text="How many", min_value=Decimal(5), max_value=Decimal(1)
            ),
        )
    with pytest.raises(ApplicationError, match="published scale"):
        survey_scale_add(
            actor=officer(world), survey=survey, scale=belonging_scale(world, publish=False)
        )
    with pytest.raises(ApplicationError, match="at least one question"):
        survey_open(actor=officer(world), survey=survey)
    with pytest.raises(ApplicationError, match="needs the activity or event"):
        survey_create(
            actor=officer(world),
            partnership=world.north,
            details=SurveyDetails(
                organisation=world.alpha, title="Before", timing=SurveyTiming.PRE
            ),
        )
    with pytest.raises(ApplicationError, match="Only Beta University"):
        survey_create(
            actor=officer(world),
            partnership=world.north,
            details=SurveyDetails(organisation=world.beta, title="Not ours"),
        )


def test_response_rates_by_session_event_and_school(world: World) -> None:
    session = activity_with_register(world)
    event = event_with_bookings(world, activity=session.activity)
    survey = open_survey(world, session=None, event=None, timing=SurveyTiming.STANDALONE)
    by_session = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    by_event = invitations_send_for_event(actor=officer(world), survey=survey, event=event)
    answered = by_session[0].invitation
    response_submit(survey=survey, raw_answers=answers_for(survey), invitation=answered)
    response_submit(
        survey=survey, raw_answers=answers_for(survey), invitation=by_event[0].invitation
    )
    response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))

    rates = response_rates(actor=officer(world), survey=survey)
    assert (rates.total.sent, rates.total.answered) == (4, 2)
    assert rates.at_event == 1
    places = {row.label: (row.sent, row.answered) for row in rates.by_place}
    assert places[str(session)] == (2, 1)
    assert places[f"{event.title}, {event.starts_at:%d %b %Y}"] == (2, 1)
    schools = {row.label: (row.sent, row.answered, row.rate) for row in rates.by_school}
    assert schools["Sixth Form School"] == (2, 1, 0.5)
    assert schools["No school recorded"] == (2, 1, 0.5)


def test_closing_stops_answers(world: World) -> None:
    survey = open_survey(world, with_scale=False, timing=SurveyTiming.STANDALONE)
    survey_close(actor=officer(world), survey=survey)
    assert survey.__class__.objects.get(pk=survey.pk).status == SurveyStatus.CLOSED
    with pytest.raises(NotFound):
        response_submit(survey=survey, raw_answers=answers_for(survey), actor=officer(world))
    with pytest.raises(ApplicationError, match="closed"):
        survey_open(actor=officer(world), survey=survey)


def test_answers_before_and_after_an_activity_pair_up_per_learner(world: World) -> None:
    session = activity_with_register(world)
    before = open_survey(world, session=session, timing=SurveyTiming.PRE)
    after = alpha_survey(
        world, title="After", timing=SurveyTiming.POST, session=session, pre_survey=before
    )
    survey_scale_add(
        actor=officer(world),
        survey=after,
        scale=before.questions.filter(scale__isnull=False).first().scale,  # type: ignore[union-attr]
    )
    survey_open(actor=officer(world), survey=after)
    for survey, scores in ((before, (2, 2, 4)), (after, (4, 5, 1))):
        for link in invitations_send_for_session(
            actor=officer(world), survey=survey, session=session
        ):
            response_submit(
                survey=survey,
                raw_answers=answers_for(survey, belonging=scores),
                invitation=link.invitation,
            )
    pairs = {
        (row["learner_id"], row["timing"]): row["scale_scores__score"]
        for row in SurveyResponse.objects.filter(activity=session.activity).values(
            "learner_id", "timing", "scale_scores__score"
        )
    }
    for learner in (world.learner_alpha, world.learner_school):
        assert pairs[(learner.pk, SurveyTiming.PRE)] == pytest.approx((2 + 2 + 2) / 3)
        assert pairs[(learner.pk, SurveyTiming.POST)] == pytest.approx((4 + 5 + 5) / 3)
    with pytest.raises(ApplicationError, match="Only a survey after"):
        survey_create(
            actor=officer(world),
            partnership=world.north,
            details=SurveyDetails(
                organisation=world.alpha, title="Odd", session=session, pre_survey=after
            ),
        )


def test_event_links_carry_a_booked_learners_record_and_school(world: World) -> None:
    event = event_with_bookings(world)
    booking = event.bookings.get(name="Pat Parent")
    booking.learner = world.learner_school
    booking.save()
    survey = open_survey(world, event=event, timing=SurveyTiming.STANDALONE)
    given = invitations_send_for_event(actor=officer(world), survey=survey, event=event)
    invitation = next(link.invitation for link in given if link.name == "Pat Parent")
    response = response_submit(
        survey=survey, raw_answers=answers_for(survey), invitation=invitation
    )
    assert response.learner_id == world.learner_school.pk
    assert response.school_id == world.school.pk
    assert response.event_id == event.pk


def test_lost_links_can_be_made_again_and_the_old_ones_stop_working(world: World) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    first = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    answered = first[0]
    response_submit(survey=survey, raw_answers=answers_for(survey), invitation=answered.invitation)
    again = invitations_send_for_session(
        actor=officer(world), survey=survey, session=session, renew=True
    )
    assert [link.name for link in again] == [first[1].name]  # only the one not answered
    with pytest.raises(NotFound):
        invitation_for_link(token_of(first[1].link))
    assert invitation_for_link(token_of(again[0].link)).pk == first[1].invitation.pk
    assert SurveyInvitation.objects.count() == 2


def test_the_survey_after_copies_the_questions_and_pairs_with_the_one_before(
    world: World,
) -> None:
    session = activity_with_register(world)
    before = open_survey(world, session=session, timing=SurveyTiming.PRE)
    after = survey_after_make(actor=officer(world), survey=before)
    assert (after.timing, after.pre_survey, after.session) == (SurveyTiming.POST, before, session)
    assert after.status == SurveyStatus.DRAFT
    assert [(q.position, q.kind, q.wording, q.scale_item_id) for q in after.questions.all()] == [
        (q.position, q.kind, q.wording, q.scale_item_id) for q in before.questions.all()
    ]
    with pytest.raises(ApplicationError, match="Only a survey taken before"):
        survey_after_make(actor=officer(world), survey=after)
    with pytest.raises(NotFound):
        survey_after_make(actor=world.users[Role.READ_ONLY], survey=before)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Amara here: it really helped me.", "the person's name"),
        ("The ALPHASON family loved it.", "the person's name"),
        ("Everyone at {school} should go.", "the name of their school"),
        ("Write to me at a.student@example.org", "an e-mail address"),
        ("Call me on 07700 900123 about it", "a phone number"),
        ("I live near E1 4NS so it was easy", "a postcode"),
    ],
)
def test_a_quote_with_identifying_details_is_not_published_even_with_consent(
    world: World, text: str, what: str
) -> None:
    session = activity_with_register(world)
    survey = open_survey(world, session=session)
    links = invitations_send_for_session(actor=officer(world), survey=survey, session=session)
    link = next(link for link in links if link.name == "Amara Alphason")
    answers = answers_for(survey)
    free_text = survey.questions.get(kind="free_text")
    answers[str(free_text.pk)] = text.format(school=world.school.name)
    response = response_submit(
        survey=survey,
        raw_answers=answers,
        invitation=invitation_for_link(token_of(link.link)),
        publication_consent=True,
    )
    quote = response.answers.get(question=free_text)
    with pytest.raises(ApplicationError, match=f"contains {what}"):
        answer_publication_mark(actor=officer(world), answer=quote, publish=True)
    quote.refresh_from_db()
    assert quote.published_at is None
    # Words that merely contain the name are not refused.
    Answer.objects.filter(pk=quote.pk).update(value_text="Amaranth-coloured labs were great.")
    marked = answer_publication_mark(actor=officer(world), answer=quote, publish=True)
    assert marked.published_at is not None


def test_survey_link_e_mails_come_from_templates_respect_choices_and_keep_no_link(
    world: World, django_capture_on_commit_callbacks: pytest.FixtureRequest
) -> None:
    """The e-mail is written from its templates (plain text and HTML), goes only to those who
    have not stopped e-mails about surveys, and its one-time link is not kept once sent."""
    event = event_with_bookings(world)
    survey = open_survey(world, event=event, timing=SurveyTiming.STANDALONE)
    address_preference_set(email="person1@example.org", category=Category.SURVEYS, enabled=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        given = invitations_send_for_event(actor=officer(world), survey=survey, event=event)
    assert len(given) == 2  # both have a link, for the event's team to hand out
    (sent,) = mail.outbox
    assert sent.to == ["person0@example.org"]
    assert sent.subject == "Tell us what you thought: After the campus day"
    link = next(link.link for link in given if link.invitation.email == "person0@example.org")
    assert sent.body.startswith("Dear Pat Parent,")
    assert link in sent.body
    assert link in sent.alternatives[0][0]  # type: ignore[attr-defined]
    assert "stop" in sent.body.lower()  # an optional e-mail says how to stop them
    stored = Notification.objects.get(email="person0@example.org")
    assert link not in stored.body_text + stored.body_html
