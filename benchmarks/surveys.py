"""Surveys among many learners: sending a register's links, the survey page's response rates,
and answering by link.

The learner list's partnership (`benchmarks/learner_list.py`): Alpha's outreach officer runs the
survey and delivers the activity.

* `send links`: `invitations_send_for_session` to a register of 500 learners (500 links, each
  audited), beside the bare baseline of inserting 500 invitation rows with Django's plain
  `bulk_create` (no checks, no audit);
* `survey page`: the survey's page (`/evaluation/surveys/<survey>/`) when 20,000 links went to
  learners in 40 sessions at the partnership's schools and half were answered (response rates by
  session and by school), beside one GROUP BY of the links by session;
* `answer by link`: `response_submit` of a survey of 10 questions and a 4-item scale, checked,
  stored with its answers and scale score, and the link marked used, beside the bare insert of
  one response row.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from benchmarks.harness import SectionRun
from benchmarks.seeding import unaudited
from benchmarks.world import SEED, add_learners, build_partnership
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.core import request_context
from widen.core.links import link_token_new
from widen.evaluation.models import (
    ResponseChannel,
    Scale,
    SurveyInvitation,
    SurveyResponse,
    SurveyTiming,
)
from widen.evaluation.services import (
    QuestionDetails,
    SurveyDetails,
    invitations_send_for_session,
    response_submit,
)
from widen.evaluation.shipped import shipped_scales_load
from widen.learners.models import Learner
from widen.organisations.models import Partnership
from widen.programmes.models import ActivitySubType
from widen.testing.builders import open_survey

REGISTER = 500
LINKS = 20_000
SESSIONS = 40
REPEATS = 5
_numbers = iter(range(1, 1_000_000))


def _session(activity: Activity, day: int) -> Session:
    return Session.objects.create(
        activity=activity,
        date=date(2026, 1, 1) + timedelta(days=day),
        starts_at=time(10, 0),
        ends_at=time(12, 0),
        contact_hours=Decimal(2),
        venue="Great Hall",
    )


def _survey(world: Any, officer: Any, activity: Activity) -> Any:
    """An open survey of 10 questions (four statements, three single choices, a multiple
    choice, a number and free text) and the shipped belonging scale."""
    choices = ["Yes", "No", "Not sure"]
    return open_survey(
        actor=officer,
        partnership=Partnership.objects.get(name="Bench Uni Connect"),
        details=SurveyDetails(
            organisation=world.alpha,
            title=f"Bench survey {next(_numbers)}",
            timing=SurveyTiming.POST,
            activity=activity,
        ),
        questions=(
            *(
                QuestionDetails(kind="likert", text=f"Statement {number}", required=True)
                for number in range(4)
            ),
            *(
                QuestionDetails(kind="single_choice", text=f"Choice {number}", choices=choices)
                for number in range(3)
            ),
            QuestionDetails(
                kind="multiple_choice", text="Which parts?", choices=["Tour", "Talk", "Lunch"]
            ),
            QuestionDetails(
                kind="numeric", text="How many?", min_value=Decimal(0), max_value=Decimal(20)
            ),
            QuestionDetails(kind="free_text", text="Anything?"),
        ),
        scale=Scale.objects.get(partnership=None, key="widen-belonging", version=1),
    )


def _answers(survey: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in survey.questions.all():
        if question.kind in ("likert", "scale_item"):
            answers[str(question.pk)] = "4"
        elif question.kind == "single_choice":
            answers[str(question.pk)] = "Yes"
        elif question.kind == "multiple_choice":
            answers[str(question.pk)] = ["Tour", "Lunch"]
        elif question.kind == "numeric":
            answers[str(question.pk)] = "3"
        else:
            answers[str(question.pk)] = "It really helped me understand uni life."
    return answers


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    with bench.stopwatch(f"seed {bench.options.learners:,} learners (with audit rows)"):
        add_learners(world, rng, bench.options.learners)
    officer = world.users["officer"]
    client = world.clients["officer"]
    with request_context.bind(actor=officer, source="cli"):
        shipped_scales_load()
        activity = Activity.objects.create(
            partnership=Partnership.objects.get(name="Bench Uni Connect"),
            delivered_by=world.alpha,
            name="Bench campus day",
            sub_type=ActivitySubType.objects.filter(partnership=None).earliest("created_at"),
        )
        learners = list(Learner.objects.filter(organisation=world.alpha).order_by("id"))
        _send(bench, world, officer, activity, learners[:REGISTER])
        _page(bench, world, officer, client, activity, learners)
        _answer(bench, world, officer, activity, learners)
    bench.count_rows(learners=Learner, survey_links=SurveyInvitation, responses=SurveyResponse)
    bench.unit = "learners"


def _send(
    bench: SectionRun, world: Any, officer: Any, activity: Activity, group: list[Any]
) -> None:
    session = _session(activity, 0)
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            learner=learner,
            organisation_id=learner.organisation_id,
            status=AttendanceStatus.ATTENDED,
        )
        for learner in group
    )

    def send() -> object:
        survey = _survey(world, officer, activity)
        given = invitations_send_for_session(actor=officer, survey=survey, session=session)
        if len(given) != len(group):
            bench.failures.append(f"a register of {len(group)} got {len(given)} links")
        return given

    def bare_insert() -> object:
        survey = _survey(world, officer, activity)
        return unaudited(SurveyInvitation).bulk_create(
            [
                SurveyInvitation(
                    survey=survey,
                    organisation_id=learner.organisation_id,
                    learner=learner,
                    session=session,
                    token_digest=link_token_new().digest,
                )
                for learner in group
            ],
            batch_size=500,
        )

    bench.compare(
        f"send links: a register of {len(group):,} learners",
        send,
        baseline=bare_insert,
        baseline_label=f"bulk insert of {len(group):,} link rows, unaudited",
        repeats=REPEATS,
        warmup=1,
    )


def _page(
    bench: SectionRun,
    world: Any,
    officer: Any,
    client: Any,
    activity: Activity,
    learners: list[Any],
) -> None:
    survey = _survey(world, officer, activity)
    sessions = [_session(activity, day) for day in range(1, SESSIONS + 1)]
    now = timezone.now()
    unaudited(SurveyInvitation).bulk_create(
        [
            SurveyInvitation(
                survey=survey,
                organisation_id=learner.organisation_id,
                learner=learner,
                school_id=learner.school_id,
                session=sessions[number % SESSIONS],
                token_digest=link_token_new().digest,
                answered_at=now if number % 2 else None,
            )
            for number, learner in enumerate(learners[:LINKS])
        ],
        batch_size=2_000,
    )
    links = min(LINKS, len(learners))
    url = f"/evaluation/surveys/{survey.pk}/"

    def page() -> object:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def bare_group_by() -> object:
        return list(
            SurveyInvitation.objects.filter(survey=survey)
            .values("session_id")
            .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        )

    bench.compare(
        f"survey page: {links:,} links in {SESSIONS} sessions, rates by session, school",
        page,
        baseline=bare_group_by,
        baseline_label="one GROUP BY of the links by session",
        repeats=REPEATS,
    )


def _answer(
    bench: SectionRun, world: Any, officer: Any, activity: Activity, learners: list[Any]
) -> None:
    survey = _survey(world, officer, activity)
    answers = _answers(survey)
    # Links made beforehand, one for each answer timed: each link answers once.
    links = iter(
        [
            SurveyInvitation.objects.create(
                survey=survey,
                organisation_id=learner.organisation_id,
                learner=learner,
                token_digest=link_token_new().digest,
            )
            for learner in learners[: REPEATS * 4 + 10]
        ]
    )

    def answer() -> object:
        return response_submit(survey=survey, raw_answers=answers, invitation=next(links))

    def bare_response() -> object:
        return unaudited(SurveyResponse).create(
            survey=survey,
            organisation_id=world.alpha.pk,
            timing=survey.timing,
            channel=ResponseChannel.LINK,
            submitted_at=timezone.now(),
        )

    bench.compare(
        "answer by link: 10 questions and a 4-item scale, scored and audited",
        answer,
        baseline=bare_response,
        baseline_label="insert of one response row, unaudited",
        repeats=REPEATS * 4,
    )
