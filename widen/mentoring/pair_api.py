"""Mentoring's pair endpoints in the JSON API, under the same policy, selectors and services
as the pages.

The two sides of a pair (a mentor, a student mentee) and its programme's coordinators list and
read the pairs they see; they list and agree goals, list and log meetings, raise a concern and
end the pair. Messages are listed by the sides, and by a coordinator only once a concern has
been raised; only the sides send them and give feedback. A mentor reads only what the mentee
chose to share. Anything else answers 404, as a pair that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import NotFound
from widen.mentoring.models import Goal, Meeting, MeetingMode, Message, Relationship, Side
from widen.mentoring.permissions import MANAGE, mentee_shared_profile, relationship_policy, side_of
from widen.mentoring.selectors.pairs import (
    MySides,
    my_sides,
    pair_began_on,
    pair_get,
    pair_messages,
    pair_messages_read_record,
    relationships_going_quiet,
)
from widen.mentoring.services.pairs import (
    concern_raise,
    feedback_give,
    goal_agree,
    meeting_log,
    message_send,
    relationship_end,
)

router = Router(tags=["mentoring pairs"])

Minutes = Annotated[int, Field(ge=1, le=600, description="How long it lasted, 1 to 600 minutes.")]
Rating = Annotated[int, Field(ge=1, le=5, description="From 1 (poor) to 5 (excellent).")]


class SharedProfileOut(Schema):
    first_name: str
    goals: str
    industries: list[str]
    careers: list[str]
    modes: list[str]
    availability: list[str]
    languages: list[str]
    shared: list[str] = Field(description="The characteristics the mentee chose to share.")


class MentoringPairOut(Schema):
    id: UUID
    programme_id: UUID
    programme: str
    status: str
    my_side: str = Field(description='"mentor", "mentee", or "" for a coordinator.')
    mentor_name: str
    began_on: date | None
    last_meeting_on: date | None
    ended_on: date | None
    end_reason: str
    going_quiet: bool


class PairDetailOut(MentoringPairOut):
    mentee_profile: SharedProfileOut | None = Field(
        description="What the mentee shared with their mentor (the mentor's sight only)."
    )
    messages_readable: bool


class GoalOut(Schema):
    id: int
    text: str
    agreed_on: date
    status: str
    reviewed_on: date | None
    review_note: str


class MeetingOut(Schema):
    id: int
    held_on: date
    mode: str
    minutes: int
    note: str


class MessageOut(Schema):
    id: int
    sent_at: datetime
    from_me: bool
    sender: str
    body: str


class GoalIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=1000)


class MeetingIn(InputSchema):
    held_on: CalendarDate
    mode: MeetingMode
    minutes: Minutes
    note: str = Field("", max_length=500)


class MessageIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=4000)


class ReasonIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class FeedbackIn(InputSchema):
    rating: Rating
    comment: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    side: str
    rating: int
    comment: str


class ConcernOut(Schema):
    id: int
    raised_at: datetime


def _pair_out(pair: Relationship, sides: MySides, quiet: set[Any]) -> dict[str, Any]:
    side = sides.side_in(pair)
    user = pair.mentor.user
    return {
        "id": pair.pk,
        "programme_id": pair.programme_id,
        "programme": pair.programme.name,
        "status": pair.status,
        "my_side": side.value if side is not None else "",
        "mentor_name": user.get_full_name() or user.username,
        "began_on": pair_began_on(pair) if pair.mentor_accepted_at else None,
        "last_meeting_on": pair.last_meeting_on,
        "ended_on": pair.ended_on,
        "end_reason": pair.end_reason,
        "going_quiet": pair.pk in quiet,
    }


def _quiet(actor: Any) -> set[Any]:
    return set(
        relationships_going_quiet(actor=actor, today=timezone.localdate()).values_list(
            "pk", flat=True
        )
    )


def _detail(actor: Any, pair: Relationship) -> dict[str, Any]:
    side = side_of(actor, pair)
    return {
        **_pair_out(pair, my_sides(actor), _quiet(actor)),
        "mentee_profile": mentee_shared_profile(pair) if side == Side.MENTOR else None,
        "messages_readable": _reads_messages(actor, pair),
    }


def _reads_messages(actor: Any, pair: Relationship) -> bool:
    try:
        pair_messages(actor=actor, relationship=pair)
    except NotFound:
        return False
    return True


def _pair(request: HttpRequest, relationship_id: UUID) -> tuple[Any, Relationship]:
    actor = api_actor(request)
    return actor, pair_get(actor=actor, relationship_id=relationship_id)


def _goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "text": goal.text,
        "agreed_on": goal.agreed_on,
        "status": goal.status,
        "reviewed_on": goal.reviewed_on,
        "review_note": goal.review_note,
    }


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "held_on": meeting.held_on,
        "mode": meeting.mode,
        "minutes": meeting.minutes,
        "note": meeting.note,
    }


@router.get("/pairs", response=Page[MentoringPairOut], operation_id="mentoring_pairs")
def mentoring_pairs_api(
    request: HttpRequest,
    programme_id: UUID | None = None,
    quiet: bool = False,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The pairs I see, the newest first: my own as a mentor or mentee (once published), and
    my programmes' as their coordinator; `programme_id` for one programme's, `quiet` for the
    ones going quiet only."""
    actor = api_actor(request)
    going_quiet = _quiet(actor)
    sides = my_sides(actor)
    pairs = (
        relationship_policy.visible_to(actor)
        .exclude(status="proposed")
        .select_related("programme", "mentor__user")
        .order_by("-created_at", "pk")
    )
    if programme_id is not None:
        pairs = pairs.filter(programme_id=programme_id)
    if quiet:
        pairs = pairs.filter(pk__in=going_quiet)
    page = page_of(pairs, limit=limit, offset=offset)
    return page.answer(lambda pair: _pair_out(pair, sides, going_quiet))


@router.get("/pairs/{relationship_id}", response=PairDetailOut, operation_id="mentoring_pair")
def mentoring_pair_api(request: HttpRequest, relationship_id: UUID) -> Any:
    """One pair: to its mentor, also what the mentee chose to share."""
    actor, pair = _pair(request, relationship_id)
    return _detail(actor, pair)


@router.get(
    "/pairs/{relationship_id}/goals", response=Page[GoalOut], operation_id="mentoring_pair_goals"
)
def mentoring_pair_goals_api(
    request: HttpRequest,
    relationship_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    _, pair = _pair(request, relationship_id)
    goals = pair.goals.order_by("agreed_on", "pk")
    return page_of(goals, limit=limit, offset=offset).answer(_goal_out)


@router.post(
    "/pairs/{relationship_id}/goals",
    response={201: GoalOut},
    operation_id="mentoring_pair_goal_agree",
)
def mentoring_pair_goal_agree_api(request: HttpRequest, relationship_id: UUID, body: GoalIn) -> Any:
    """Record a goal the pair agreed (a side of an active pair, or a coordinator)."""
    actor, pair = _pair(request, relationship_id)
    return Status(201, _goal_out(goal_agree(actor=actor, relationship=pair, text=body.text)))


@router.get(
    "/pairs/{relationship_id}/meetings",
    response=Page[MeetingOut],
    operation_id="mentoring_pair_meetings",
)
def mentoring_pair_meetings_api(
    request: HttpRequest,
    relationship_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    _, pair = _pair(request, relationship_id)
    meetings = pair.meetings.order_by("-held_on", "-pk")
    return page_of(meetings, limit=limit, offset=offset).answer(_meeting_out)


@router.post(
    "/pairs/{relationship_id}/meetings",
    response={201: MeetingOut},
    operation_id="mentoring_pair_meeting_log",
)
def mentoring_pair_meeting_log_api(
    request: HttpRequest, relationship_id: UUID, body: MeetingIn
) -> Any:
    """Log a meeting held (not in the future, nor before the pair began)."""
    actor, pair = _pair(request, relationship_id)
    meeting = meeting_log(
        actor=actor,
        relationship=pair,
        held_on=body.held_on,
        mode=body.mode,
        minutes=body.minutes,
        note=body.note,
    )
    return Status(201, _meeting_out(meeting))


@router.get(
    "/pairs/{relationship_id}/messages",
    response=Page[MessageOut],
    operation_id="mentoring_pair_messages",
)
def mentoring_pair_messages_api(
    request: HttpRequest,
    relationship_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The pair's messages, oldest first: its sides', or a coordinator's once a concern has
    been raised."""
    actor, pair = _pair(request, relationship_id)

    def out(message: Message) -> dict[str, Any]:
        sender = message.sender
        return {
            "id": message.pk,
            "sent_at": message.sent_at,
            "from_me": sender.pk == getattr(actor, "pk", None),
            "sender": sender.get_full_name() or sender.username,
            "body": message.body,
        }

    messages = pair_messages(actor=actor, relationship=pair)
    pair_messages_read_record(actor=actor, relationship=pair, purpose="API mentoring messages")
    return page_of(messages, limit=limit, offset=offset).answer(out)


@router.post(
    "/pairs/{relationship_id}/messages",
    response={201: MessageOut},
    operation_id="mentoring_pair_message_send",
)
def mentoring_pair_message_send_api(
    request: HttpRequest, relationship_id: UUID, body: MessageIn
) -> Any:
    """Send a message to the other side (the sides alone); it is kept as sent."""
    actor, pair = _pair(request, relationship_id)
    message = message_send(actor=actor, relationship=pair, body=body.body)
    return Status(
        201,
        {
            "id": message.pk,
            "sent_at": message.sent_at,
            "from_me": True,
            "sender": actor.get_full_name() or actor.username,
            "body": message.body,
        },
    )


@router.post(
    "/pairs/{relationship_id}/concern",
    response={201: ConcernOut},
    operation_id="mentoring_pair_concern",
)
def mentoring_pair_concern_api(request: HttpRequest, relationship_id: UUID, body: ReasonIn) -> Any:
    """Raise a concern: the coordinators are told and may read the pair's messages."""
    actor, pair = _pair(request, relationship_id)
    concern = concern_raise(actor=actor, relationship=pair, reason=body.reason)
    return Status(201, {"id": concern.pk, "raised_at": concern.raised_at})


@router.post(
    "/pairs/{relationship_id}/end", response=PairDetailOut, operation_id="mentoring_pair_end"
)
def mentoring_pair_end_api(request: HttpRequest, relationship_id: UUID, body: ReasonIn) -> Any:
    """End the relationship, with a reason both sides read."""
    actor, pair = _pair(request, relationship_id)
    if side_of(actor, pair) is None and not relationship_policy.may(actor, MANAGE, pair):
        raise NotFound
    relationship_end(actor=actor, relationship=pair, reason=body.reason)
    return _detail(actor, pair_get(actor=actor, relationship_id=pair.pk))


@router.post(
    "/pairs/{relationship_id}/feedback",
    response={201: FeedbackOut},
    operation_id="mentoring_pair_feedback",
)
def mentoring_pair_feedback_api(
    request: HttpRequest, relationship_id: UUID, body: FeedbackIn
) -> Any:
    """My side's feedback on the ended relationship (once)."""
    actor, pair = _pair(request, relationship_id)
    feedback = feedback_give(
        actor=actor, relationship=pair, rating=body.rating, comment=body.comment
    )
    return Status(
        201, {"side": feedback.side, "rating": feedback.rating, "comment": feedback.comment}
    )
