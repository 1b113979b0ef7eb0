"""What a coordinator reads: their programmes, each programme's cohort (mentors' places and
mentees), its matching runs, a run's pairs with their reasons and the mentees it left out. Each
read is scoped by the mentoring policy, and each list is read in a bounded number of queries
whatever the size of the cohort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from widen.core.exceptions import NotFound
from widen.mentoring.models import (
    LIVE,
    MatchingRun,
    Mentee,
    MentoringProgramme,
    NeverPair,
    ProgrammeMentor,
    Relationship,
)
from widen.mentoring.permissions import matching_run_policy, programme_policy


def programme_list(*, actor: Any) -> QuerySet[MentoringProgramme]:
    """The programmes `actor` coordinates, with how many mentors and mentees each has."""
    return (
        programme_policy.visible_to(actor)
        .select_related("organisation", "partnership")
        .annotate(
            mentor_count=Count("mentors", distinct=True),
            mentee_count=Count("mentees", distinct=True),
        )
        .order_by("organisation__name", "name", "pk")
    )


def programme_get(*, actor: Any, programme_id: UUID | str) -> MentoringProgramme:
    try:
        found = (
            programme_policy.visible_to(actor)
            .select_related("organisation", "partnership")
            .filter(pk=programme_id)
            .first()
        )
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if found is None:
        raise NotFound
    return found


def _live(**outer: str) -> Exists:
    return Exists(
        Relationship.objects.filter(status__in=LIVE, **{k: OuterRef(v) for k, v in outer.items()})
    )


def cohort_mentors(*, actor: Any, programme: MentoringProgramme) -> QuerySet[ProgrammeMentor]:
    """The programme's mentors' places, each with the mentor, their account and how many live
    pairs they have in it."""
    programme_policy.require(actor, "view", programme)
    return (
        ProgrammeMentor.objects.filter(programme=programme)
        .select_related("mentor__user", "mentor__employer")
        .annotate(
            live_pairs=Count(
                "mentor__relationships",
                filter=Q(
                    mentor__relationships__programme=programme,
                    mentor__relationships__status__in=LIVE,
                ),
            )
        )
        .order_by("created_at", "pk")
    )


def cohort_mentees(*, actor: Any, programme: MentoringProgramme) -> QuerySet[Mentee]:
    """The programme's mentees, each with their student or learner record and whether they are
    in a live pair."""
    programme_policy.require(actor, "view", programme)
    return (
        Mentee.objects.filter(programme=programme)
        .select_related("student", "learner")
        .annotate(paired=_live(mentee_id="pk"))
        .order_by("created_at", "pk")
    )


def never_pairs(*, actor: Any, programme: MentoringProgramme) -> QuerySet[NeverPair]:
    programme_policy.require(actor, "view", programme)
    return (
        NeverPair.objects.filter(programme=programme)
        .select_related("mentor__user", "mentee__student", "mentee__learner")
        .order_by("recorded_at", "pk")
    )


def runs_of(*, actor: Any, programme: MentoringProgramme) -> QuerySet[MatchingRun]:
    return (
        matching_run_policy.visible_to(actor)
        .filter(programme=programme)
        .select_related("run_by")
        .order_by("-run_at", "pk")
    )


def run_get(*, actor: Any, run_id: int | str) -> MatchingRun:
    try:
        found = (
            matching_run_policy.visible_to(actor)
            .select_related("programme__organisation", "run_by")
            .filter(pk=run_id)
            .first()
        )
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if found is None:
        raise NotFound
    return found


def run_pairs(*, actor: Any, run: MatchingRun) -> QuerySet[Relationship]:
    """The run's pairs (proposed, or introduced once published), best score first."""
    matching_run_policy.require(actor, "view", run)
    return (
        Relationship.objects.filter(run=run)
        .select_related("mentor__user", "mentee__student", "mentee__learner")
        .order_by("-score", "pk")
    )


def mentee_name(mentee: Mentee) -> str:
    """A mentee's name as their coordinator reads it."""
    person: Any = mentee.student if mentee.student_id else mentee.learner
    if person is None:
        return "A mentee"
    first = getattr(person, "preferred_name", "") or person.first_name
    return f"{first} {person.last_name}".strip()


def mentor_name(mentor: Any) -> str:
    user = mentor.user
    return user.get_full_name() or user.username


@dataclass(frozen=True)
class LeftOut:
    mentee_id: str
    name: str
    reason: str


def run_unmatched(*, actor: Any, run: MatchingRun) -> list[LeftOut]:
    """Each mentee the run left out, by name, with the reason in words (one query)."""
    matching_run_policy.require(actor, "view", run)
    ids = [left["mentee_id"] for left in run.unmatched]
    mentees = {
        str(mentee.pk): mentee
        for mentee in Mentee.objects.filter(
            programme_id=run.programme_id, pk__in=ids
        ).select_related("student", "learner")
    }
    return [
        LeftOut(
            left["mentee_id"],
            mentee_name(mentees[left["mentee_id"]])
            if left["mentee_id"] in mentees
            else "A mentee no longer in the programme",
            left["reason"],
        )
        for left in run.unmatched
    ]
