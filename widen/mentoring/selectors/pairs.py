"""Reads of mentoring pairs, each scoped by `relationship_policy`: a person's own pairs, a
programme's pairs for its coordinators, one pair's space, and the pairs going quiet (no meeting,
or none since they began, for the programme's `quiet_after_weeks`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from widen.accounts.capabilities import is_person
from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import NotFound
from widen.mentoring.models import (
    CheckIn,
    Goal,
    Meeting,
    Mentor,
    MentoringProgramme,
    Message,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.mentoring.permissions import (
    MANAGE,
    may_read_messages,
    my_mentee_places,
    programme_policy,
    relationship_policy,
    side_of,
)
from widen.organisations.models import DataCategory

_PAIR_RELATED = (
    "programme",
    "programme__organisation",
    "mentor__user",
    "mentee__student",
    "mentee__learner",
)


@dataclass(frozen=True)
class MySides:
    """The mentor records and mentee places of one person, read once for a whole list."""

    mentor_ids: frozenset[Any]
    mentee_ids: frozenset[Any]

    def side_in(self, relationship: Relationship) -> Side | None:
        if relationship.mentor_id in self.mentor_ids:
            return Side.MENTOR
        if relationship.mentee_id in self.mentee_ids:
            return Side.MENTEE
        return None


def my_sides(actor: Any) -> MySides:
    if not is_person(actor):
        return MySides(frozenset(), frozenset())
    return MySides(
        frozenset(Mentor.objects.filter(user=actor).values_list("pk", flat=True)),
        frozenset(my_mentee_places(actor).values_list("pk", flat=True)),
    )


def pair_began_on(relationship: Relationship) -> date:
    """The day the pair began: when the second side accepted (else when it became active)."""
    accepted = [
        moment
        for moment in (relationship.mentor_accepted_at, relationship.mentee_accepted_at)
        if moment is not None
    ]
    if len(accepted) == 2:  # noqa: PLR2004 - both sides
        return timezone.localdate(max(accepted))
    began = relationship.status_changed_at or relationship.created_at
    return timezone.localdate(began) if began is not None else timezone.localdate()


def pair_get(*, actor: Any, relationship_id: UUID | Any) -> Relationship:
    """One pair `actor` sees (a side once published, its coordinators always), or NotFound."""
    pair = relationship_policy.get(actor, relationship_id)
    found = (
        relationship_policy.visible_to(actor).filter(pk=pair.pk).select_related(*_PAIR_RELATED)
    ).first()
    if found is None:  # pragma: no cover - just seen
        raise NotFound
    return found


def my_pairs(*, actor: Any) -> QuerySet[Relationship]:
    """The pairs `actor` is a side of (a mentor's, a student mentee's), once published."""
    if not is_person(actor):
        return Relationship.objects.none()
    return (
        relationship_policy.visible_to(actor)
        .filter(Q(mentor__user=actor) | Q(mentee__in=my_mentee_places(actor)))
        .exclude(status=RelationshipStatus.PROPOSED)
        .select_related(*_PAIR_RELATED)
        .order_by("-created_at")
    )


def programme_get(*, actor: Any, programme_id: UUID | Any) -> MentoringProgramme:
    """A programme `actor` coordinates (and may manage), or NotFound."""
    return programme_policy.get(actor, programme_id, action=MANAGE)


def programme_pairs(*, actor: Any, programme: MentoringProgramme) -> QuerySet[Relationship]:
    """The programme's published pairs (introduced, active, declined, ended), for its
    coordinators: active ones first, then the newest."""
    return (
        relationship_policy.visible_to(actor)
        .filter(programme=programme)
        .exclude(status=RelationshipStatus.PROPOSED)
        .select_related(*_PAIR_RELATED)
        .order_by("status", "-created_at")
    )


def _start_of_day_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def relationships_going_quiet(*, actor: Any, today: date | None = None) -> QuerySet[Relationship]:
    """The active pairs `actor` sees with no meeting for their programme's `quiet_after_weeks`:
    the last meeting that long ago or more, or never a meeting since they began that long ago."""
    today = today or timezone.localdate()
    pairs = relationship_policy.visible_to(actor).filter(status=RelationshipStatus.ACTIVE)
    weeks_used = set(pairs.values_list("programme__quiet_after_weeks", flat=True).distinct())
    quiet = Q(pk__in=[])
    for weeks in weeks_used:
        cutoff = today - timedelta(weeks=weeks)
        began_before = _start_of_day_after(cutoff)
        never_met = Q(last_meeting_on__isnull=True) & (
            Q(mentor_accepted_at__lt=began_before, mentee_accepted_at__lt=began_before)
            | Q(
                mentor_accepted_at__isnull=True,
                status_changed_at__lt=began_before,
            )
            | Q(
                mentee_accepted_at__isnull=True,
                status_changed_at__lt=began_before,
            )
        )
        quiet |= Q(programme__quiet_after_weeks=weeks) & (
            Q(last_meeting_on__lte=cutoff) | never_met
        )
    return pairs.filter(quiet).select_related(*_PAIR_RELATED).order_by("last_meeting_on")


def quiet_since(relationship: Relationship) -> date:
    """When the pair last met, or began if it never has: the start of its quiet spell."""
    return relationship.last_meeting_on or pair_began_on(relationship)


def pair_goals(relationship: Relationship) -> list[Goal]:
    return list(relationship.goals.order_by("agreed_on", "pk"))


def pair_meetings(relationship: Relationship) -> list[Meeting]:
    return list(relationship.meetings.select_related("logged_by").order_by("-held_on", "-pk"))


def pair_check_ins(relationship: Relationship) -> list[CheckIn]:
    return list(relationship.check_ins.select_related("answered_by").order_by("due_on"))


def pair_messages(*, actor: Any, relationship: Relationship) -> QuerySet[Message]:
    """The pair's messages, oldest first: the two sides always, a coordinator only once a
    concern about the pair has been raised; anyone else NotFound."""
    if not may_read_messages(actor, relationship):
        raise NotFound
    return (
        Message.objects.filter(relationship=relationship)
        .select_related("sender")
        .order_by("sent_at", "pk")
    )


def pair_messages_read_record(*, actor: Any, relationship: Relationship, purpose: str) -> int:
    """Put a coordinator's reading of a pair's messages (after a concern) in the access log; the
    pair's own reading of their messages is not logged."""
    if not is_person(actor) or side_of(actor, relationship) is not None:
        return 0
    return access_log_record_subjects(
        actor=actor,
        subject_type="mentoring.messages",
        subjects=[(relationship.pk, relationship.mentee.learner_id)],
        data_categories=[DataCategory.IDENTITY],
        purpose=purpose,
    )
