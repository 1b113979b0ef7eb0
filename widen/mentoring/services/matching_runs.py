"""Matching a programme's cohort, from the database, and the coordinator's review: swapping two
pairs' mentors, locking a pair, publishing the run (the pairs are introduced, and told) or
discarding it.

The cohort of a run (`cohort_load`):

* mentors with an approved place, each with its capacity (pairs kept use their places);
* accepted mentees with no live pair, and the mentees of the pairs kept;
* a mentee is under 18 when their student or learner record says so on the day the cohort starts
  (today when no start is set); a record with no date of birth counts as under 18, so that a
  mentor without a DBS check is never paired with a child by default;
* never made: the programme's pairs never to be made, and pairs declined or ended before;
* kept as they are (`accepted=`): locked proposed pairs and introduced or active pairs.

A new run discards the previous proposed run: its unlocked pairs are withdrawn, its locked pairs
move to the new run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.core.exceptions import ApplicationError
from widen.mentoring import matching
from widen.mentoring.models import (
    MATCHING_RUN_WORKFLOW,
    RELATIONSHIP_WORKFLOW,
    MatchingRun,
    MatchingRunStatus,
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    NeverPair,
    ProgrammeMentor,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
)
from widen.mentoring.permissions import (
    MANAGE,
    matching_run_policy,
    programme_policy,
    relationship_policy,
)
from widen.mentoring.services.programmes import CRITERION_WORDS, live_pairs_of
from widen.notifications.models import Category
from widen.notifications.services import notify

KEPT = (RelationshipStatus.INTRODUCED, RelationshipStatus.ACTIVE)
NEVER_AGAIN = (RelationshipStatus.DECLINED, RelationshipStatus.ENDED)
MY_MENTORING = "/mentoring/mine/"


def under_18(born: date | None, on: date) -> bool:
    if born is None:
        return True
    try:
        eighteenth = born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        eighteenth = date(born.year + 18, 3, 1)
    return on < eighteenth


def cohort_day(programme: MentoringProgramme) -> date:
    return programme.cohort_starts_on or timezone.localdate()


def engine_mentee(mentee: Mentee, on: date) -> matching.Mentee:
    person = mentee.student if mentee.student_id else mentee.learner
    return matching.Mentee(
        id=str(mentee.pk),
        industries=frozenset(mentee.industries),
        career_interests=frozenset(mentee.careers),
        location=mentee.location,
        modes=frozenset(mentee.modes) & matching.MODES,
        availability=frozenset(mentee.availability),
        languages=frozenset(mentee.languages),
        backgrounds_wanted=frozenset(mentee.wants_shared),
        under_18=under_18(getattr(person, "date_of_birth", None), on),
    )


def engine_mentor(mentor: Mentor, capacity: int) -> matching.Mentor:
    return matching.Mentor(
        id=str(mentor.pk),
        industries=frozenset(mentor.industries),
        career_path=frozenset(mentor.career_path),
        location=mentor.location,
        modes=frozenset(mentor.modes) & matching.MODES,
        availability=frozenset(mentor.availability),
        languages=frozenset(mentor.languages),
        lived_experience=frozenset(mentor.lived_experience),
        capacity=capacity,
        dbs_cleared=mentor.may_mentor_under_18,
    )


def reasons_of(score: matching.PairScore) -> list[dict[str, Any]]:
    """Each criterion that scored: its name in words, its points and what the two share."""
    scored = [criterion for criterion in matching.CRITERIA if score.points.get(criterion)]
    return [
        {
            "criterion": criterion,
            "label": CRITERION_WORDS[criterion],
            "points": score.points[criterion],
            "words": words,
        }
        for criterion, words in zip(scored, score.words, strict=True)
    ]


@dataclass(frozen=True)
class Cohort:
    mentees: list[matching.Mentee]
    mentors: list[matching.Mentor]
    never: list[tuple[str, str]]
    accepted: list[tuple[str, str]]
    kept: list[Relationship]
    age_unknown: frozenset[str] = frozenset()  # mentees with no date of birth recorded


def _never(programme: MentoringProgramme) -> set[tuple[str, str]]:
    rows = NeverPair.objects.filter(programme=programme).values_list("mentee_id", "mentor_id")
    before = Relationship.objects.filter(programme=programme, status__in=NEVER_AGAIN)
    rows_before = before.values_list("mentee_id", "mentor_id")
    return {(str(a), str(b)) for a, b in [*rows, *rows_before]}


def cohort_load(programme: MentoringProgramme) -> Cohort:
    """The programme's cohort as the matching reads it (see the module's docstring)."""
    on = cohort_day(programme)
    kept = list(
        Relationship.objects.filter(programme=programme).filter(
            Q(status__in=KEPT) | Q(status=RelationshipStatus.PROPOSED, locked=True)
        )
    )
    kept_mentees = {pair.mentee_id for pair in kept}
    kept_load = Counter(pair.mentor_id for pair in kept)
    free = (
        Mentee.objects.filter(programme=programme, status=MenteeStatus.ACCEPTED)
        .exclude(pk__in=live_pairs_of(programme).values("mentee_id"))
        .select_related("student", "learner")
    )
    mentees = [
        *free,
        *Mentee.objects.filter(pk__in=kept_mentees).select_related("student", "learner"),
    ]
    places = {
        place.mentor_id: place
        for place in ProgrammeMentor.objects.filter(programme=programme)
        .filter(status=ProgrammeMentorStatus.APPROVED)
        .select_related("mentor")
    }
    mentors = [
        engine_mentor(place.mentor, max(place.capacity, kept_load[mentor_id]))
        for mentor_id, place in places.items()
    ]
    for mentor in Mentor.objects.filter(pk__in=set(kept_load) - set(places)):
        mentors.append(engine_mentor(mentor, kept_load[mentor.pk]))
    return Cohort(
        age_unknown=frozenset(
            str(mentee.pk)
            for mentee in mentees
            if getattr(mentee.student or mentee.learner, "date_of_birth", None) is None
        ),
        mentees=[engine_mentee(mentee, on) for mentee in mentees],
        mentors=mentors,
        never=sorted(_never(programme)),
        accepted=[(str(pair.mentee_id), str(pair.mentor_id)) for pair in kept],
        kept=kept,
    )


def _withdraw_proposed(programme: MentoringProgramme, actor: Any) -> list[Relationship]:
    """Discard the programme's proposed runs: their unlocked pairs go; the locked ones stay."""
    for run in MatchingRun.objects.filter(programme=programme, status=MatchingRunStatus.PROPOSED):
        MATCHING_RUN_WORKFLOW.apply(run, "discard", actor=actor)
    Relationship.objects.filter(
        programme=programme, status=RelationshipStatus.PROPOSED, locked=False
    ).delete()
    return list(
        Relationship.objects.filter(
            programme=programme, status=RelationshipStatus.PROPOSED, locked=True
        )
    )


UNKNOWN_AGE = "no date of birth is recorded, so they are matched as if under 18: "


def _reason(left: matching.Unmatched, cohort: Cohort) -> str:
    """Why a mentee was left out, saying so when they count as under 18 only because no date of
    birth is recorded (the coordinator can record it on their student or learner record)."""
    if left.reason.startswith("under 18") and left.mentee_id in cohort.age_unknown:
        return UNKNOWN_AGE + left.reason
    return left.reason


@transaction.atomic
def matching_run(*, actor: Any, programme: MentoringProgramme) -> MatchingRun:
    """Match the programme's cohort (see the module's docstring) and keep the run: its total
    score, whether it was proven optimal, the weights used, each mentee left out with the reason
    in words, and each new pair proposed with its score and reasons."""
    require_actor(actor)
    programme = programme_policy.get(actor, programme.pk, action=MANAGE)
    programme = MentoringProgramme.objects.select_for_update().get(pk=programme.pk)
    locked = _withdraw_proposed(programme, actor)
    cohort = cohort_load(programme)
    weights = matching.Weights(**programme.weights)
    try:
        result = matching.match_cohort(
            cohort.mentees, cohort.mentors, weights, never=cohort.never, accepted=cohort.accepted
        )
    except ValueError as error:
        raise ApplicationError(
            "A pair kept from before now breaks a rule (a pair never to be made, or a mentee "
            "under 18 with a mentor whose DBS check is not recorded): unlock or end it, then "
            "run the matching again."
        ) from error
    run = MatchingRun.objects.create(
        programme=programme,
        run_by=actor if is_person(actor) else None,
        total_score=result.total_score,
        proven_optimal=result.proven_optimal,
        matched=result.matched,
        unmatched=[
            {"mentee_id": left.mentee_id, "reason": _reason(left, cohort)}
            for left in result.unmatched
        ],
        weights=dict(programme.weights),
    )
    if locked:
        Relationship.objects.filter(pk__in=[pair.pk for pair in locked]).update(run=run)
    Relationship.objects.bulk_create(
        [
            Relationship(
                programme=programme,
                mentor_id=pair.mentor_id,
                mentee_id=pair.mentee_id,
                run=run,
                score=pair.score,
                reasons=reasons_of(pair.reasons),
            )
            for pair in result.pairs
            if not pair.accepted
        ]
    )
    return run


def _proposed(actor: Any, pair: Relationship) -> Relationship:
    pair = relationship_policy.get(actor, pair.pk, action=MANAGE)
    if not pair.is_proposed or pair.run_id is None:
        raise ApplicationError("Only a pair proposed by a matching run can be changed here.")
    return pair


def _breaks_a_rule(
    programme: MentoringProgramme, mentee: Mentee, mentor: Mentor, never: set[tuple[str, str]]
) -> bool:
    if (str(mentee.pk), str(mentor.pk)) in never:
        return True
    return engine_mentee(mentee, cohort_day(programme)).under_18 and not mentor.may_mentor_under_18


@transaction.atomic
def pairs_swap(*, actor: Any, first: Relationship, second: Relationship) -> list[Relationship]:
    """Give two proposed pairs of the same run each other's mentors, scored and explained again;
    refused when a new pair would break a rule (never to be made, DBS for under 18s) or a pair is
    locked."""
    require_actor(actor)
    first, second = _proposed(actor, first), _proposed(actor, second)
    if first.run_id != second.run_id or first.pk == second.pk:
        raise ApplicationError("Choose two pairs of the same matching run.")
    if first.mentor_id == second.mentor_id:
        raise ApplicationError("The two pairs have the same mentor: there is nothing to swap.")
    if first.locked or second.locked:
        raise ApplicationError("A locked pair is kept as it is: unlock it first.")
    pairs = list(
        Relationship.objects.select_for_update(of=("self",))  # the pairs, not what they join
        .filter(pk__in=[first.pk, second.pk], status=RelationshipStatus.PROPOSED)
        .select_related("programme", "mentor", "mentee__student", "mentee__learner")
    )
    if len(pairs) != 2:
        raise ApplicationError("Those pairs are no longer proposed.")
    one, other = sorted(pairs, key=lambda pair: pair.pk != first.pk)
    programme = one.programme
    never = _never(programme)
    if _breaks_a_rule(programme, one.mentee, other.mentor, never) or _breaks_a_rule(
        programme, other.mentee, one.mentor, never
    ):
        raise ApplicationError(
            "That swap breaks a rule: a pair never to be made, or a mentee under 18 with a "
            "mentor whose DBS check is not recorded."
        )
    weights = matching.Weights(**MatchingRun.objects.get(pk=one.run_id).weights)
    on = cohort_day(programme)
    one.mentor, other.mentor = other.mentor, one.mentor
    before = one.score + other.score
    for pair in (one, other):
        score = matching.pair_score(
            engine_mentee(pair.mentee, on), engine_mentor(pair.mentor, 1), weights
        )
        pair.score, pair.reasons = score.total, reasons_of(score)
    Relationship.objects.bulk_update([one, other], ["mentor", "score", "reasons"])
    run = MatchingRun.objects.select_for_update().get(pk=one.run_id)
    run.total_score = max(0, run.total_score - before + one.score + other.score)
    run.save(update_fields=["total_score"])
    return [one, other]


@transaction.atomic
def pair_lock(*, actor: Any, pair: Relationship, locked: bool) -> Relationship:
    """Lock a proposed pair (kept when the matching is run again) or unlock it."""
    require_actor(actor)
    pair = _proposed(actor, pair)
    if pair.locked != locked:
        pair.locked = locked
        pair.save(update_fields=["locked", "updated_at"])
    return pair


def _proposed_run(actor: Any, run: MatchingRun) -> MatchingRun:
    run = matching_run_policy.get(actor, run.pk, action=MANAGE)
    if not run.is_proposed:
        raise ApplicationError(f"This run is already {run.get_status_display().lower()}.")
    return run


def my_mentoring_link() -> str:
    try:
        return reverse("mentoring:mine")
    except NoReverseMatch:
        return MY_MENTORING


def _introduce(pair: Relationship, link: str) -> None:
    programme = pair.programme
    context = {"programme": programme.name, "organisation": programme.organisation.name}
    notify(
        template="mentoring/coordinator_introduced_mentor",
        category=Category.UPDATES,
        context=context,
        user=pair.mentor.user,
        link=link,
    )
    account, address = pair.mentee.contact()
    if account is None and not address:
        return  # a pupil not invited to sign in: their school and coordinator introduce them
    notify(
        template="mentoring/coordinator_introduced_mentee",
        category=Category.UPDATES,
        context=context,
        user=account,
        email=address,
        link=link,
    )


@transaction.atomic
def run_publish(*, actor: Any, run: MatchingRun) -> MatchingRun:
    """Publish the run: each of its proposed pairs is introduced, and its mentor and student
    mentee are told, with a link to their mentoring page."""
    require_actor(actor)
    run = _proposed_run(actor, run)
    published = MATCHING_RUN_WORKFLOW.apply(run, "publish", actor=actor)
    pairs = list(
        Relationship.objects.filter(run=run, status=RelationshipStatus.PROPOSED).select_related(
            "programme__organisation", "mentor__user", "mentee__student__user", "mentee__user"
        )
    )
    for pair in pairs:
        RELATIONSHIP_WORKFLOW.apply(pair, "introduce", actor=actor)
    link = my_mentoring_link()
    for pair in pairs:
        _introduce(pair, link)
    return published


@transaction.atomic
def run_discard(*, actor: Any, run: MatchingRun) -> MatchingRun:
    """Discard the run: its unlocked pairs are withdrawn; locked pairs stay for the next run."""
    require_actor(actor)
    run = _proposed_run(actor, run)
    discarded = MATCHING_RUN_WORKFLOW.apply(run, "discard", actor=actor)
    Relationship.objects.filter(run=run, status=RelationshipStatus.PROPOSED, locked=False).delete()
    return discarded
