"""Shared set-up for the survey tests: an activity with a session and its register, an event
with bookings, a published scale and an open survey in the North partnership of the test world."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.core.links import link_token_new
from widen.evaluation.models import Scale, Survey, SurveyTiming
from widen.evaluation.services import (
    ItemSpec,
    QuestionDetails,
    SurveyDetails,
    question_add,
    scale_create,
    survey_create,
    survey_open,
    survey_scale_add,
)
from widen.events.models import Booking, BookingStatus, Event, EventKind
from widen.testing.builders import activity_with_session
from widen.testing.world import World

BELONGING_ITEMS = (
    ItemSpec("I feel I would fit in at university.", code="B1"),
    ItemSpec("People like me go to university.", code="B2"),
    ItemSpec("I would feel out of place at university.", reverse_scored=True, code="B3"),
)

SYSTEM = system_actor("tests of evaluation")


def officer(world: World) -> Any:
    return world.users[Role.OUTREACH_OFFICER]


def alpha_survey(world: World, *, title: str, timing: str, **links: Any) -> Survey:
    """A draft survey Alpha's outreach officer makes in North; `links` name what it follows
    (activity, session or event) and the survey before it (pre_survey)."""
    return survey_create(
        actor=officer(world),
        partnership=world.north,
        details=SurveyDetails(organisation=world.alpha, title=title, timing=timing, **links),
    )


def activity_with_register(world: World, *, learners: int = 0) -> Session:
    """A session of Alpha's activity for the school, with Alpha's and the school's learners on
    its register (attended), and the learner of Beta marked absent."""
    _, session = activity_with_session(
        world.north,
        world.alpha,
        "Campus day",
        day=date(2026, 11, 2),
        venue="Great Hall",
        school=world.school,
    )
    for learner in (world.learner_alpha, world.learner_school):
        Attendance.objects.create(
            session=session,
            learner=learner,
            organisation=learner.organisation,
            status=AttendanceStatus.ATTENDED,
        )
    Attendance.objects.create(
        session=session,
        learner=world.learner_beta,
        organisation=world.beta,
        status=AttendanceStatus.ABSENT,
    )
    return session


def event_with_bookings(world: World, activity: Activity | None = None) -> Event:
    now = timezone.now()
    event = Event.objects.create(
        partnership=world.north,
        organiser=world.alpha,
        title="Parents' evening: student finance",
        kind=EventKind.PARENTS_CARERS,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1) + timedelta(hours=2),
        venue="Library",
        activity=activity,
    )
    for number, (name, status) in enumerate(
        [
            ("Pat Parent", BookingStatus.BOOKED),
            ("Chris Carer", BookingStatus.BOOKED),
            ("Wendy Waiting", BookingStatus.WAITING),
            ("Cass Cancelled", BookingStatus.CANCELLED),
        ]
    ):
        Booking.objects.create(
            event=event,
            organisation=world.alpha,
            name=name,
            email=f"person{number}@example.org",
            attendee_type="parent_carer",
            status=status,
            requested_at=now - timedelta(days=10 - number),
            token_digest=link_token_new().digest,
        )
    return event


def belonging_scale(world: World | None = None, *, publish: bool = True) -> Scale:
    return scale_create(
        actor=SYSTEM,
        partnership=world.north if world is not None else None,
        name="Sense of belonging",
        items=BELONGING_ITEMS,
        publish=publish,
    )


def open_survey(
    world: World,
    *,
    session: Session | None = None,
    event: Event | None = None,
    timing: str = SurveyTiming.POST,
    with_scale: bool = True,
) -> Survey:
    """An open survey with one question of each kind (and the belonging scale)."""
    actor = officer(world)
    survey = alpha_survey(
        world, title="After the campus day", timing=timing, session=session, event=event
    )
    question_add(
        actor=actor,
        survey=survey,
        details=QuestionDetails(
            kind="single_choice", text="Which year are you in?", choices=["Year 10", "Year 11"]
        ),
    )
    question_add(
        actor=actor,
        survey=survey,
        details=QuestionDetails(
            kind="multiple_choice",
            text="Which parts did you enjoy?",
            choices=["The tour", "The lecture", "Lunch"],
        ),
    )
    question_add(
        actor=actor,
        survey=survey,
        details=QuestionDetails(
            kind="likert", text="The day helped me understand university life.", required=True
        ),
    )
    question_add(
        actor=actor,
        survey=survey,
        details=QuestionDetails(
            kind="numeric",
            text="How many universities would you consider?",
            min_value=Decimal(0),
            max_value=Decimal(20),
        ),
    )
    question_add(
        actor=actor,
        survey=survey,
        details=QuestionDetails(kind="free_text", text="What would you tell a friend?"),
    )
    if with_scale:
        survey_scale_add(actor=actor, survey=survey, scale=belonging_scale(world))
    return survey_open(actor=actor, survey=survey)


def answers_for(survey: Survey, *, belonging: tuple[int, int, int] = (4, 5, 2)) -> dict[str, Any]:
    """A complete, acceptable set of answers keyed by question id."""
    answers: dict[str, Any] = {}
    items = iter(belonging)
    for question in survey.questions.order_by("position"):
        key = str(question.pk)
        if question.kind == "single_choice":
            answers[key] = "Year 10"
        elif question.kind == "multiple_choice":
            answers[key] = ["The tour", "Lunch"]
        elif question.kind == "likert":
            answers[key] = "4"
        elif question.kind == "numeric":
            answers[key] = "3"
        elif question.kind == "free_text":
            answers[key] = "It really helped me understand uni life."
        elif question.kind == "scale_item":
            answers[key] = str(next(items))
    return answers
