"""A pair's space as its two sides and its coordinators keep it: goals, meetings, check-ins,
messages flagged for safeguarding, concerns, ending and feedback; each write audited, and each
step refused, saying why, when it is not allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.mentoring.pairs_factories import Pair, pair_in, programme_at
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.mentoring.models import (
    CheckIn,
    Feedback,
    GoalStatus,
    Meeting,
    Message,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.mentoring.permissions import may_read_messages
from widen.mentoring.safeguarding_words import safeguarding_words_in
from widen.mentoring.services.pairs import (
    check_in_answer,
    check_in_first_create,
    concern_raise,
    feedback_give,
    goal_agree,
    goal_review,
    meeting_log,
    message_send,
    relationship_end,
)
from widen.notifications.models import Category, Notification
from widen.notifications.services import preference_set, preferences_of
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world: World) -> Pair:
    return pair_in(programme_at(world.alpha), "ann")


def coordinator(world: World) -> Any:
    return world.users[Role.OUTREACH_OFFICER]


def test_either_side_agrees_a_goal_and_reviews_it(pair: Pair) -> None:
    with request_context.bind(actor=pair.mentee, source="web"):
        goal = goal_agree(
            actor=pair.mentee, relationship=pair.relationship, text="Apply for an internship"
        )
    with request_context.bind(actor=pair.mentor, source="web"):
        reviewed = goal_review(
            actor=pair.mentor, goal=goal, outcome="achieved", note="Applied to three"
        )
    assert reviewed.status == GoalStatus.ACHIEVED
    assert reviewed.reviewed_on == timezone.localdate()
    assert AuditEvent.objects.filter(object_type__icontains="goal").count() >= 2
    with pytest.raises(ApplicationError, match="reviewed already"):
        goal_review(actor=pair.mentor, goal=goal, outcome="changed", note="Now a placement")


def test_a_changed_goal_says_how(pair: Pair) -> None:
    goal = goal_agree(actor=pair.mentor, relationship=pair.relationship, text="Learn about audit")
    with pytest.raises(ApplicationError, match="how the goal changed"):
        goal_review(actor=pair.mentor, goal=goal, outcome="changed", note="")


def test_a_meeting_logged_moves_the_pairs_last_meeting_on(pair: Pair) -> None:
    today = timezone.localdate()
    meeting_log(
        actor=pair.mentor,
        relationship=pair.relationship,
        held_on=today - timedelta(days=3),
        mode="online",
        minutes=45,
        note="CV review",
    )
    meeting_log(
        actor=pair.mentee,
        relationship=pair.relationship,
        held_on=today - timedelta(days=10),
        mode="in_person",
        minutes=60,
    )
    pair.relationship.refresh_from_db()
    assert pair.relationship.last_meeting_on == today - timedelta(days=3)
    assert Meeting.objects.filter(relationship=pair.relationship).count() == 2


@pytest.mark.parametrize(
    ("days_ago", "minutes", "mode", "problem"),
    [
        (-1, 30, "online", "not a future day"),
        (41, 30, "online", "The pair began on"),
        (1, 0, "online", "from 1 to 600 minutes"),
        (1, 601, "online", "from 1 to 600 minutes"),
        (1, 30, "carrier pigeon", "how you met"),
    ],
)
def test_a_meeting_is_refused_saying_why(
    pair: Pair, days_ago: int, minutes: int, mode: str, problem: str
) -> None:
    with pytest.raises(ApplicationError, match=problem):
        meeting_log(
            actor=pair.mentor,
            relationship=pair.relationship,
            held_on=timezone.localdate() - timedelta(days=days_ago),
            mode=mode,
            minutes=minutes,
        )
    assert not Meeting.objects.exists()


def test_the_first_check_in_is_due_weeks_after_the_start_and_answering_sets_the_next(
    pair: Pair,
) -> None:
    first = check_in_first_create(pair.relationship)
    assert check_in_first_create(pair.relationship) == first
    began = timezone.localdate() - timedelta(days=40)
    assert first.due_on == began + timedelta(weeks=4)
    answered = check_in_answer(
        actor=pair.mentee, check_in=first, how_it_is_going="going_well", note="Useful"
    )
    assert answered.answered_by == pair.mentee
    due = list(CheckIn.objects.filter(answered_on__isnull=True).values_list("due_on", flat=True))
    assert due == [timezone.localdate() + timedelta(weeks=4)]
    with pytest.raises(ApplicationError, match="answered on"):
        check_in_answer(actor=pair.mentor, check_in=first, how_it_is_going="ok")


def test_a_message_is_kept_and_a_safeguarding_word_flags_it_without_quoting_it(
    world: World, pair: Pair, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        plain = message_send(
            actor=pair.mentor, relationship=pair.relationship, body="See you Tuesday"
        )
        flagged = message_send(
            actor=pair.mentor,
            relationship=pair.relationship,
            body="Add me on Snapchat and DON'T TELL anyone",
        )
    assert not plain.flagged
    assert flagged.flagged
    assert flagged.flagged_words == ["snapchat", "don't tell"]
    told = Notification.objects.filter(template="mentoring/pair_message_flagged")
    assert set(told.values_list("user__username", flat=True)) >= {coordinator(world).username}
    assert all("Snapchat" not in n.body_text and "TELL" not in n.body_text for n in told)
    flagged.body = "changed"
    with pytest.raises(ValueError, match="never changed"):
        flagged.save()


def test_a_coordinator_who_switched_off_updates_still_hears_of_safeguarding(
    world: World, pair: Pair, django_capture_on_commit_callbacks: Any
) -> None:
    officer = coordinator(world)
    preference_set(actor=officer, category=Category.UPDATES, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(actor=pair.mentor, relationship=pair.relationship, body="What's your address?")
        concern_raise(actor=pair.mentee, relationship=pair.relationship, reason="I feel unsafe")

    told = Notification.objects.filter(user=officer, category=Category.SAFEGUARDING)
    assert sorted(told.values_list("template", flat=True)) == [
        "mentoring/pair_concern_raised",
        "mentoring/pair_message_flagged",
    ]
    assert Category.SAFEGUARDING.value not in preferences_of(actor=officer)


def test_safeguarding_words_are_whole_words_whatever_the_case() -> None:
    assert safeguarding_words_in("What is your ADDRESS?") == ["address"]
    assert safeguarding_words_in("We addressed the CV") == []
    assert safeguarding_words_in("please don\u2019t   tell") == ["don't tell"]
    assert safeguarding_words_in("Let's meet\nalone") == ["meet alone"]
    assert safeguarding_words_in("thoughts of self-harm") == ["self-harm"]


def test_the_coordinator_reads_messages_only_after_a_concern(
    world: World, pair: Pair, django_capture_on_commit_callbacks: Any
) -> None:
    message_send(actor=pair.mentee, relationship=pair.relationship, body="Thanks!")
    officer = coordinator(world)
    assert not may_read_messages(officer, pair.relationship)
    with pytest.raises(NotFound):
        message_send(actor=officer, relationship=pair.relationship, body="Hello")
    with django_capture_on_commit_callbacks(execute=True):
        concern_raise(
            actor=pair.mentee, relationship=pair.relationship, reason="They asked to meet alone"
        )
    assert may_read_messages(officer, pair.relationship)
    assert Notification.objects.filter(
        template="mentoring/pair_concern_raised", user=officer
    ).exists()


def test_either_side_or_the_coordinator_ends_it_then_each_side_gives_feedback_once(
    world: World, pair: Pair, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ApplicationError, match="once the relationship has ended"):
        feedback_give(actor=pair.mentee, relationship=pair.relationship, rating=5)
    with django_capture_on_commit_callbacks(execute=True):
        ended = relationship_end(
            actor=pair.mentor, relationship=pair.relationship, reason="I am moving abroad"
        )
    assert ended.status == RelationshipStatus.ENDED
    assert (ended.ended_on, ended.ended_by, ended.end_reason) == (
        timezone.localdate(),
        pair.mentor,
        "I am moving abroad",
    )
    assert Notification.objects.filter(template="mentoring/pair_ended", user=pair.mentee).exists()
    with pytest.raises(ApplicationError, match="not active"):
        goal_agree(actor=pair.mentee, relationship=pair.relationship, text="More")
    feedback_give(actor=pair.mentee, relationship=pair.relationship, rating=4, comment="Helpful")
    feedback_give(actor=pair.mentor, relationship=pair.relationship, rating=5)
    with pytest.raises(ApplicationError, match="already"):
        feedback_give(actor=pair.mentee, relationship=pair.relationship, rating=1)
    with pytest.raises(ApplicationError, match="1 \\(poor\\) to 5"):
        feedback_give(actor=pair.mentor, relationship=pair.relationship, rating=6)
    assert set(Feedback.objects.values_list("side", "rating")) == {
        (Side.MENTEE, 4),
        (Side.MENTOR, 5),
    }
    with pytest.raises(NotFound):
        feedback_give(actor=coordinator(world), relationship=pair.relationship, rating=3)


def test_the_coordinator_steps_in_and_ends_a_pair(world: World, pair: Pair) -> None:
    relationship_end(actor=coordinator(world), relationship=pair.relationship, reason="Mentor left")
    assert Relationship.objects.get(pk=pair.relationship.pk).ended_by == coordinator(world)


def test_nobody_else_touches_the_pair(world: World, pair: Pair) -> None:
    stranger = make_user("stranger", None, None)
    other_coordinator = world.users[Role.PARTNERSHIP_ADMIN]
    other = pair_in(programme_at(world.beta, "Beta mentoring"), "bob")
    for actor in (stranger, world.users[Role.EVALUATOR], other.mentor, other.mentee):
        with pytest.raises(NotFound):
            goal_agree(actor=actor, relationship=pair.relationship, text="Sneaky")
        with pytest.raises(NotFound):
            concern_raise(actor=actor, relationship=pair.relationship, reason="Sneaky")
    # A partnership admin of Alpha coordinates Alpha's programme; Beta's is not theirs.
    with pytest.raises(NotFound):
        relationship_end(actor=other_coordinator, relationship=other.relationship, reason="No")
    assert not Message.objects.exists()


def test_an_introduced_pair_has_no_space_yet(world: World) -> None:
    introduced = pair_in(programme_at(world.alpha), "cat", status=RelationshipStatus.INTRODUCED)
    with pytest.raises(ApplicationError, match="not active"):
        meeting_log(
            actor=introduced.mentor,
            relationship=introduced.relationship,
            held_on=timezone.localdate(),
            mode="online",
            minutes=30,
        )
    with pytest.raises(ApplicationError, match="not active"):
        message_send(actor=introduced.mentee, relationship=introduced.relationship, body="Hi")
