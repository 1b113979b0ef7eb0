"""From survey to report through the services people use: a scale is published, surveys before
and after an activity are sent to its register by one-time link, learners answer, a quote is
published with consent, and the report shows the paired change and the quote."""

from __future__ import annotations

import re
from datetime import date, time
from html import unescape

import pytest
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import alpha_survey
from widen.accounts.models import Role
from widen.activities.models import Attendance, AttendanceStatus
from widen.core import request_context
from widen.evaluation.models import QuestionKind, SurveyTiming
from widen.evaluation.services import (
    ItemSpec,
    QuestionDetails,
    answer_publication_mark,
    invitations_send_for_session,
    question_add,
    response_submit,
    scale_create,
    survey_open,
    survey_scale_add,
)
from widen.learners.models import Learner
from widen.testing.builders import activity_with_session
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db

# Each learner's answers to the two items before and after (the scale's score is their mean).
ANSWERS = [((2, 3), (4, 4)), ((3, 3), (4, 5)), ((1, 2), (3, 3)), ((4, 4), (4, 5)), ((2, 2), (3, 4))]


def test_answers_given_by_link_reach_the_report(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    with request_context.bind(actor=officer, source="test"):
        scale = scale_create(
            actor=officer,
            partnership=world.north,
            name="Sense of belonging (our wording)",
            items=[
                ItemSpec("I feel I would fit in at university."),
                ItemSpec("People like me go."),
            ],
            publish=True,
        )
        activity, session = activity_with_session(
            world.north,
            world.alpha,
            "Summer school",
            hours=6,
            day=date(2026, 7, 20),
            starts_at=time(9, 0),
            ends_at=time(16, 0),
        )
        learners = [
            Learner.objects.create(
                organisation=world.alpha,
                school=world.school,
                first_name=f"Summer{index}",
                last_name="Scholar",
                date_of_birth=year_group_birthday(12),
            )
            for index in range(len(ANSWERS))
        ]
        for learner in learners:
            Attendance.objects.create(
                session=session,
                learner=learner,
                organisation=world.alpha,
                status=AttendanceStatus.ATTENDED,
            )
        before = alpha_survey(
            world, title="Summer school: before", timing=SurveyTiming.PRE, activity=activity
        )
        after = alpha_survey(
            world,
            title="Summer school: after",
            timing=SurveyTiming.POST,
            activity=activity,
            pre_survey=before,
        )
        items = {
            survey.pk: survey_scale_add(actor=officer, survey=survey, scale=scale)
            for survey in (before, after)
        }
        feedback = question_add(
            actor=officer,
            survey=after,
            details=QuestionDetails(kind=QuestionKind.FREE_TEXT, text="What will you remember?"),
        )
        links = {}
        for survey in (before, after):
            survey_open(actor=officer, survey=survey)
            links[survey.pk] = {
                given.invitation.learner_id: given.invitation
                for given in invitations_send_for_session(
                    actor=officer, survey=survey, session=session
                )
            }
        for learner, answers in zip(learners, ANSWERS, strict=True):
            for survey, values in zip((before, after), answers, strict=True):
                raw = {
                    str(question.pk): str(value)
                    for question, value in zip(items[survey.pk], values, strict=True)
                }
                if survey == after:
                    # Told apart by a number, not by the learner's name (a quote naming its
                    # author is not published).
                    raw[str(feedback.pk)] = f"Lab {learners.index(learner)}: the labs were amazing."
                response_submit(
                    survey=survey,
                    raw_answers=raw,
                    invitation=links[survey.pk][learner.pk],
                    publication_consent=learner == learners[0],
                )
        quoted = (
            learners[0]
            .survey_responses.get(timing=SurveyTiming.POST)
            .answers.get(question=feedback)
        )
        answer_publication_mark(actor=officer, answer=quoted, publish=True)

    url = reverse("evaluation_reports:activity", kwargs={"activity_id": activity.pk})
    page = " ".join(
        unescape(
            re.sub(r"<[^>]+>", " ", signed_in_client(officer).get(url).content.decode())
        ).split()
    )
    # Scale scores (means of the two items): before 2.5, 3, 1.5, 4, 2; after 4, 4.5, 3, 4.5, 3.5.
    changes = [1.5, 1.5, 1.5, 0.5, 1.5]
    mean = sum(changes) / len(changes)
    assert f"Sense of belonging (our wording) 5 2.60 3.90 {mean:+.2f}" in page
    assert "Type 2: empirical enquiry" in page
    assert "Lab 0: the labs were amazing." in page
    assert "Lab 1: the labs were amazing." not in page
