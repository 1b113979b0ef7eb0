"""A pair's space: goals agreed and reviewed, meetings logged, check-ins answered, messages,
concerns, ending the relationship and each side's feedback.

The two sides of an active pair keep its space (`TAKE_PART`); the programme's coordinators
(`MANAGE`) keep it too (a pupil's side is kept by them) and may step in: raise a concern or end
the pair. Messages are the two sides' alone; each is kept as sent, and one holding a
safeguarding word (`widen.mentoring.safeguarding_words`) is flagged and the coordinators told,
never what it says. Once a concern is raised the coordinators may read the pair's messages.
Every write is audited (the rows are `AuditedModel`s, saved under the caller's
`request_context.bind`); a pair the actor does not see answers `NotFound`, and a step the pair's
state does not allow an `ApplicationError` saying why.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import Capability, is_person, people_holding, require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.mentoring.models import (
    GOAL_WORKFLOW,
    RELATIONSHIP_WORKFLOW,
    CheckIn,
    Concern,
    Feedback,
    Goal,
    HowItIsGoing,
    Meeting,
    MeetingMode,
    Message,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.mentoring.permissions import MANAGE, TAKE_PART, relationship_policy, side_of
from widen.mentoring.safeguarding_words import safeguarding_words_in
from widen.mentoring.selectors.pairs import pair_began_on, quiet_since, relationships_going_quiet
from widen.notifications.models import Category, Notification
from widen.notifications.services import notify

GOAL_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 500
CHECK_IN_NOTE_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 2000
MIN_MINUTES = 1
MAX_MINUTES = 600
RATINGS = range(1, 6)

NOT_ACTIVE = "This pair is not active, so its space cannot change: {state}."


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(f"Keep it to {limit:,} characters.", field=field)
    return value


def _note(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ApplicationError(f"Keep it to {limit:,} characters.", field=field)
    return value


def _seen(actor: Any, relationship: Relationship) -> Relationship:
    """The pair afresh, if `actor` sees it (NotFound otherwise)."""
    require_actor(actor)
    return relationship_policy.get(actor, relationship.pk)


def _kept_by(actor: Any, relationship: Relationship) -> Relationship:
    """The active pair afresh, if `actor` is one of its sides or coordinators."""
    pair = _seen(actor, relationship)
    side = side_of(actor, pair)
    manages = relationship_policy.may(actor, MANAGE, pair)
    if side is None and not manages:
        raise NotFound
    if not pair.is_active:
        raise ApplicationError(NOT_ACTIVE.format(state=pair.get_status_display().lower()))
    return pair


def _by(actor: Any) -> Any:
    return actor if is_person(actor) else None


def _pair_link(relationship: Relationship) -> str:
    return reverse("mentoring:pair", kwargs={"relationship_id": relationship.pk})


def _tell_coordinators(
    relationship: Relationship,
    template: str,
    *,
    but: Any = None,
    category: Category = Category.UPDATES,
    **context: Any,
) -> int:
    """Tell each coordinator of the pair's programme (except `but`), once it commits: of a
    safeguarding matter in `Category.SAFEGUARDING`, which nobody can switch off."""
    coordinators = people_holding(
        Capability.MENTORING_COORDINATE, [relationship.programme.organisation_id]
    )
    if but is not None and is_person(but):
        coordinators = coordinators.exclude(pk=but.pk)
    told = 0
    for coordinator in coordinators.order_by("pk"):
        notify(
            template=template,
            category=category,
            user=coordinator,
            context={"programme": relationship.programme.name, **context},
            link=_pair_link(relationship),
        )
        told += 1
    return told


def _sides_users(relationship: Relationship) -> list[Any]:
    """The accounts of the pair's sides (a pupil not invited to sign in has none)."""
    users: list[Any] = [relationship.mentor.user, relationship.mentee.own_account]
    return [user for user in users if user is not None and user.is_active]


# --- Goals ---------------------------------------------------------------------------------


def goal_agree(*, actor: Any, relationship: Relationship, text: str) -> Goal:
    """Record a goal the pair agreed, today."""
    pair = _kept_by(actor, relationship)
    text = _text(text, field="text", required="Say what the goal is.", limit=GOAL_MAX_LENGTH)
    return Goal.objects.create(relationship=pair, text=text, agreed_on=timezone.localdate())


GOAL_OUTCOMES = {"achieved": "achieve", "changed": "change"}


def goal_review(*, actor: Any, goal: Goal, outcome: str, note: str = "") -> Goal:
    """Review an open goal: achieved, or changed (saying how)."""
    pair = _kept_by(actor, goal.relationship)
    found = Goal.objects.filter(pk=goal.pk, relationship=pair).first()
    if found is None:
        raise NotFound
    goal = found
    if outcome not in GOAL_OUTCOMES:
        raise ApplicationError("Say whether the goal was achieved or changed.", field="outcome")
    note = _note(note, field="note", limit=GOAL_MAX_LENGTH)
    if outcome == "changed" and not note:
        raise ApplicationError("Say how the goal changed.", field="note")
    if not GOAL_WORKFLOW.can(goal, GOAL_OUTCOMES[outcome]):
        raise ApplicationError(
            f"This goal was reviewed already: {goal.get_status_display().lower()}.",
            field="outcome",
        )
    return GOAL_WORKFLOW.apply(
        goal,
        GOAL_OUTCOMES[outcome],
        actor=actor,
        changes={"reviewed_on": timezone.localdate(), "review_note": note},
    )


# --- Meetings ------------------------------------------------------------------------------


def meeting_log(
    *,
    actor: Any,
    relationship: Relationship,
    held_on: date,
    mode: str,
    minutes: int,
    note: str = "",
    today: date | None = None,
) -> Meeting:
    """Log a meeting the pair held: not in the future nor before the pair began, 1 to 600
    minutes; the pair's last meeting moves on to it if it is the latest."""
    pair = _kept_by(actor, relationship)
    today = today or timezone.localdate()
    if held_on > today:
        raise ApplicationError(
            "A meeting is logged once it has happened: not a future day.", field="held_on"
        )
    began = pair_began_on(pair)
    if held_on < began:
        raise ApplicationError(
            f"The pair began on {began:%-d %B %Y}: log meetings since then.", field="held_on"
        )
    if mode not in MeetingMode.values:
        raise ApplicationError("Say how you met: online, in person or by phone.", field="mode")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ApplicationError(
            f"Say how long it lasted, from {MIN_MINUTES} to {MAX_MINUTES} minutes.",
            field="minutes",
        )
    note = _note(note, field="note", limit=NOTE_MAX_LENGTH)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            relationship=pair,
            held_on=held_on,
            mode=mode,
            minutes=minutes,
            note=note,
            logged_by=_by(actor),
        )
        locked = Relationship.objects.select_for_update().get(pk=pair.pk)
        if locked.last_meeting_on is None or held_on > locked.last_meeting_on:
            locked.last_meeting_on = held_on
            locked.save(update_fields=["last_meeting_on", "updated_at"])
    return meeting


# --- Check-ins -----------------------------------------------------------------------------


def _check_in_due(pair: Relationship, due_on: date) -> CheckIn:
    found = CheckIn.objects.filter(relationship=pair, due_on=due_on).first()
    if found is not None:
        return found
    return CheckIn.objects.create(relationship=pair, due_on=due_on)


def check_in_first_create(relationship: Relationship) -> CheckIn:
    """The pair's first check-in, due the programme's `check_in_weeks` after it began (Widen's
    own step when both sides accept; asked again, it answers the first one made)."""
    first = CheckIn.objects.filter(relationship=relationship).order_by("due_on").first()
    if first is not None:
        return first
    weeks = relationship.programme.check_in_weeks
    return _check_in_due(relationship, pair_began_on(relationship) + timedelta(weeks=weeks))


def check_ins_first_create(*, actor: Any) -> int:
    """Give every active pair without a check-in its first (Widen's own daily work, should a
    pair have become active without one). Returns how many pairs were given one."""
    require_actor(actor)
    if is_person(actor):
        raise NotFound
    pairs = (
        Relationship.objects.filter(status=RelationshipStatus.ACTIVE, check_ins__isnull=True)
        .select_related("programme")
        .order_by("pk")
    )
    made = 0
    for pair in pairs:
        check_in_first_create(pair)
        made += 1
    return made


def check_in_answer(
    *,
    actor: Any,
    check_in: CheckIn,
    how_it_is_going: str,
    note: str = "",
    today: date | None = None,
) -> CheckIn:
    """Answer a check-in (how it is going, and a note); the next is due the programme's
    `check_in_weeks` after today."""
    pair = _kept_by(actor, check_in.relationship)
    today = today or timezone.localdate()
    if how_it_is_going not in HowItIsGoing.values:
        raise ApplicationError("Say how it is going.", field="how_it_is_going")
    note = _note(note, field="note", limit=CHECK_IN_NOTE_MAX_LENGTH)
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update().filter(pk=check_in.pk, relationship=pair).first()
        )
        if locked is None:
            raise NotFound
        if locked.answered_on is not None:
            raise ApplicationError(
                f"This check-in was answered on {locked.answered_on:%-d %B %Y}.",
                field="how_it_is_going",
            )
        locked.answered_on = today
        locked.answered_by = _by(actor)
        locked.how_it_is_going = how_it_is_going
        locked.note = note
        locked.save(update_fields=["answered_on", "answered_by", "how_it_is_going", "note"])
        _check_in_due(pair, today + timedelta(weeks=pair.programme.check_in_weeks))
    return locked


# --- Messages ------------------------------------------------------------------------------


def message_send(*, actor: Any, relationship: Relationship, body: str) -> Message:
    """Send a message to the other side: kept as sent. One holding a safeguarding word is
    flagged, and the programme's coordinators are told (never what it says)."""
    pair = _seen(actor, relationship)
    if side_of(actor, pair) is None or not relationship_policy.may(actor, TAKE_PART, pair):
        if side_of(actor, pair) is not None:
            raise ApplicationError(NOT_ACTIVE.format(state=pair.get_status_display().lower()))
        raise NotFound
    body = _text(body, field="body", required="Write your message.", limit=MESSAGE_MAX_LENGTH)
    words = safeguarding_words_in(body)
    with transaction.atomic():
        message = Message.objects.create(
            relationship=pair,
            sender=actor,
            body=body,
            flagged=bool(words),
            flagged_words=words,
        )
        if words:
            _tell_coordinators(
                pair,
                "mentoring/pair_message_flagged",
                category=Category.SAFEGUARDING,
                sent_at=message.sent_at,
            )
    return message


# --- Stepping in and ending ----------------------------------------------------------------


def concern_raise(*, actor: Any, relationship: Relationship, reason: str) -> Concern:
    """Raise a concern about a pair (either side, or a coordinator): the coordinators are told,
    and may read the pair's messages from now on."""
    pair = _seen(actor, relationship)
    if side_of(actor, pair) is None and not relationship_policy.may(actor, MANAGE, pair):
        raise NotFound
    reason = _text(
        reason, field="reason", required="Say what worries you.", limit=REASON_MAX_LENGTH
    )
    with transaction.atomic():
        concern = Concern.objects.create(relationship=pair, raised_by=_by(actor), reason=reason)
        _tell_coordinators(
            pair, "mentoring/pair_concern_raised", but=actor, category=Category.SAFEGUARDING
        )
    return concern


def relationship_end(*, actor: Any, relationship: Relationship, reason: str) -> Relationship:
    """End an active pair (either side, or a coordinator), with a reason both sides read; the
    other side is told, and each may then give feedback."""
    pair = _kept_by(actor, relationship)
    reason = _text(
        reason,
        field="reason",
        required="Say why the relationship is ending.",
        limit=REASON_MAX_LENGTH,
    )
    ended = RELATIONSHIP_WORKFLOW.apply(
        pair,
        "end",
        actor=actor,
        reason=reason,
        changes={
            "ended_on": timezone.localdate(),
            "ended_by": _by(actor),
            "end_reason": reason,
        },
    )
    for user in _sides_users(pair):
        if is_person(actor) and user.pk == actor.pk:
            continue
        notify(
            template="mentoring/pair_ended",
            category=Category.UPDATES,
            user=user,
            context={"programme": pair.programme.name, "reason": reason},
            link=_pair_link(pair),
        )
    return ended


def feedback_give(
    *, actor: Any, relationship: Relationship, rating: int, comment: str = ""
) -> Feedback:
    """A side's feedback on the ended relationship: once each, rated 1 (poor) to 5
    (excellent), with a comment."""
    pair = _seen(actor, relationship)
    side = side_of(actor, pair)
    if side is None:
        raise NotFound
    if pair.status != RelationshipStatus.ENDED:
        raise ApplicationError("Feedback is given once the relationship has ended.")
    if rating not in RATINGS:
        raise ApplicationError("Rate it from 1 (poor) to 5 (excellent).", field="rating")
    comment = _note(comment, field="comment", limit=REASON_MAX_LENGTH)
    if Feedback.objects.filter(relationship=pair, side=side).exists():
        raise ApplicationError("You have given your feedback on this relationship already.")
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                relationship=pair, side=side, given_by=_by(actor), rating=rating, comment=comment
            )
    except IntegrityError as error:
        raise ApplicationError(
            "You have given your feedback on this relationship already."
        ) from error


def feedback_side(actor: Any, relationship: Relationship) -> Side | None:
    """The side `actor` would give feedback as, if they still may (None: they may not)."""
    side = side_of(actor, relationship)
    if side is None or relationship.status != RelationshipStatus.ENDED:
        return None
    if Feedback.objects.filter(relationship=relationship, side=side).exists():
        return None
    return side


# --- Going quiet ---------------------------------------------------------------------------

QUIET_TEMPLATE = "mentoring/pair_going_quiet"


def pairs_quiet_alert(*, actor: Any, today: date | None = None) -> int:
    """Tell each programme's coordinators of every active pair gone quiet (no meeting for the
    programme's `quiet_after_weeks`), once a quiet spell: a coordinator told since the pair went
    quiet (those weeks after it last met, or began) is not told again; a meeting ends the
    spell. Widen's own work (`actor` is a system actor). Returns how many pairs were alerted."""
    require_actor(actor)
    if is_person(actor):
        raise NotFound
    today = today or timezone.localdate()
    alerted = 0
    for pair in relationships_going_quiet(actor=actor, today=today):
        since = quiet_since(pair)
        link = _pair_link(pair)
        # This spell began when the pair went quiet: an alert from before then was of another.
        went_quiet = since + timedelta(weeks=pair.programme.quiet_after_weeks)
        told_already = set(
            Notification.objects.filter(
                template=QUIET_TEMPLATE,
                link=link,
                created_at__gte=timezone.make_aware(datetime.combine(went_quiet, time.min)),
            ).values_list("user_id", flat=True)
        )
        coordinators = people_holding(
            Capability.MENTORING_COORDINATE, [pair.programme.organisation_id]
        ).exclude(pk__in=told_already)
        told = 0
        for coordinator in coordinators.order_by("pk"):
            notify(
                template=QUIET_TEMPLATE,
                category=Category.UPDATES,
                user=coordinator,
                context={
                    "programme": pair.programme.name,
                    "since": since,
                    "met_before": pair.last_meeting_on is not None,
                    "weeks": pair.programme.quiet_after_weeks,
                },
                link=link,
            )
            told += 1
        alerted += 1 if told else 0
    return alerted
