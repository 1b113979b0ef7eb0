"""A coordinator's side of a mentoring programme: setting it up and changing it, its mentors'
places and checks, its mentees, and the pairs never to be made. Every write goes through here,
for someone the mentoring policy allows; the rows are audited as they are saved."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import is_person, is_system, require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.unique_names import unique_name
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.mentoring.matching import CRITERIA
from widen.mentoring.models import (
    LIVE,
    MENTEE_WORKFLOW,
    PROGRAMME_MENTOR_WORKFLOW,
    Mentee,
    MenteesAre,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    NeverPair,
    NeverPairReason,
    ProgrammeMentor,
    Relationship,
    RelationshipStatus,
)
from widen.mentoring.permissions import (
    DECIDE,
    MANAGE,
    may_coordinate,
    mentee_policy,
    mentor_policy,
    programme_mentor_policy,
    programme_policy,
)
from widen.organisations.models import Organisation, Partnership
from widen.students.member_groups import member_groups_at

MOST_WEIGHT = 100
MOST_CAPACITY = 20
MOST_WEEKS = 52
DBS_NUMBER = re.compile(r"\d{12}")
CRITERION_WORDS = {
    "industry": "Industry and sector",
    "career_path": "Career path",
    "shared_background": "A shared background, where the mentee asked for one",
    "location_and_mode": "Where and how they meet",
    "availability": "Times both are free",
    "languages": "A language in common",
}
PROGRAMME_FIELDS = (
    "name",
    "purpose",
    "mentees_are",
    "partnership",
    "cohort_starts_on",
    "cohort_ends_on",
    "weights",
    "meeting_expectations",
    "check_in_weeks",
    "quiet_after_weeks",
    "is_open",
    "mentees_must_belong_to",
)


def weights_checked(weights: Mapping[str, Any]) -> dict[str, int]:
    """The programme's points for each matching criterion: a whole number from 0 to 100 for
    every criterion the matching knows, and nothing else."""
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise ApplicationError(
            f"The matching knows no criterion {', '.join(unknown)}.", field="weights"
        )
    checked = {}
    for criterion in CRITERIA:
        value = weights.get(criterion)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApplicationError(
                f"Give {CRITERION_WORDS[criterion].lower()} a whole number of points, 0 to "
                f"{MOST_WEIGHT}.",
                field=f"weight_{criterion}",
            )
        if not 0 <= value <= MOST_WEIGHT:
            raise ApplicationError(
                f"{CRITERION_WORDS[criterion]} is worth 0 to {MOST_WEIGHT} points.",
                field=f"weight_{criterion}",
            )
        checked[criterion] = value
    return checked


def _checked(programme: MentoringProgramme) -> None:
    """Refuse a programme whose fields do not hold together (see `programme_create`)."""
    if programme.mentees_are not in MenteesAre.values:
        raise ApplicationError(
            "Choose whether mentees are students or pupils.", field="mentees_are"
        )
    if programme.mentees_are == MenteesAre.PUPILS:
        partnership = programme.partnership
        if partnership is None:
            raise ApplicationError(
                "A programme for school pupils runs in a partnership: choose it.",
                field="partnership",
            )
        if not partnership.members.filter(pk=programme.organisation_id).exists():
            raise ApplicationError(
                f"{programme.organisation} is not a member of {partnership}.", field="partnership"
            )
        if programme.mentees_must_belong_to:
            raise ApplicationError(
                "Only a programme for students can ask mentees to belong to a group.",
                field="mentees_must_belong_to",
            )
    else:
        programme.partnership = None
    starts, ends = programme.cohort_starts_on, programme.cohort_ends_on
    if starts and ends and ends < starts:
        raise ApplicationError(
            "The cohort ends on or after the day it starts.", field="cohort_ends_on"
        )
    for name in ("check_in_weeks", "quiet_after_weeks"):
        weeks = getattr(programme, name)
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MOST_WEEKS:
            raise ApplicationError(f"Give a number of weeks from 1 to {MOST_WEEKS}.", field=name)
    group = programme.mentees_must_belong_to
    if group and group not in dict(member_groups_at(programme.organisation)):
        raise ApplicationError(
            f"Choose one of {programme.organisation}'s groups.", field="mentees_must_belong_to"
        )
    programme.weights = weights_checked(programme.weights)


def _apply(programme: MentoringProgramme, details: Mapping[str, Any]) -> list[str]:
    unknown = sorted(set(details) - set(PROGRAMME_FIELDS))
    if unknown:
        raise ValueError(f"A programme has no field {', '.join(unknown)}.")
    changed = []
    for name, value in details.items():
        if name == "name":
            value = unique_name(
                str(value),
                MentoringProgramme.objects.filter(organisation=programme.organisation_id).exclude(
                    pk=programme.pk
                ),
                "programme",
                120,
            )
        if name == "partnership" and value is not None and not isinstance(value, Partnership):
            raise TypeError("Give the partnership itself.")
        if getattr(programme, name) != value:
            setattr(programme, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def programme_create(
    *, actor: Any, organisation: Organisation, details: Mapping[str, Any]
) -> MentoringProgramme:
    """A new programme of `organisation` (whose mentoring `actor` coordinates): its name and
    purpose, whether mentees are students or pupils (pupils: in a partnership the organisation
    belongs to), the cohort's dates, the matching's weights (0 to 100 points each), what
    meetings are expected, how often pairs check in and when a pair is going quiet, whether it is
    open, and the group students must belong to (one of the organisation's, or none)."""
    require_actor(actor)
    if not may_coordinate(actor, organisation):
        raise NotFound
    programme = MentoringProgramme(
        organisation=organisation, created_by=actor if is_person(actor) else None
    )
    if "name" not in details:
        raise ApplicationError("Give the programme a name.", field="name")
    _apply(programme, details)
    _checked(programme)
    programme.save()
    return programme


@transaction.atomic
def programme_update(
    *, actor: Any, programme: MentoringProgramme, changes: Mapping[str, Any]
) -> MentoringProgramme:
    """Change what `changes` names of the programme (the same rules as `programme_create`)."""
    require_actor(actor)
    programme = programme_policy.get(actor, programme.pk, action=MANAGE)
    programme = MentoringProgramme.objects.select_for_update().get(pk=programme.pk)
    changed = _apply(programme, changes)
    _checked(programme)
    if changed:
        programme.save()
    return programme


# --- Mentors: places, capacity, checks ---------------------------------------------------------


def _place(actor: Any, place: ProgrammeMentor) -> ProgrammeMentor:
    found = programme_mentor_policy.get(actor, place.pk)
    return programme_mentor_policy.require(actor, DECIDE, found)


def programme_mentor_approve(*, actor: Any, place: ProgrammeMentor) -> ProgrammeMentor:
    """Approve a mentor's place: the matching may give them mentees up to its capacity."""
    require_actor(actor)
    return PROGRAMME_MENTOR_WORKFLOW.apply(_place(actor, place), "approve", actor=actor)


def programme_mentor_decline(*, actor: Any, place: ProgrammeMentor) -> ProgrammeMentor:
    require_actor(actor)
    return PROGRAMME_MENTOR_WORKFLOW.apply(_place(actor, place), "decline", actor=actor)


@transaction.atomic
def programme_mentor_capacity_set(
    *, actor: Any, place: ProgrammeMentor, capacity: int
) -> ProgrammeMentor:
    """How many mentees the mentor takes in the programme: 0 to 20, never fewer than the pairs
    they are already introduced to or in."""
    require_actor(actor)
    place = _place(actor, place)
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise ApplicationError("Give a whole number of mentees.", field="capacity")
    if not 0 <= capacity <= MOST_CAPACITY:
        raise ApplicationError(
            f"A mentor takes 0 to {MOST_CAPACITY} mentees in a programme.", field="capacity"
        )
    live = Relationship.objects.filter(
        programme_id=place.programme_id,
        mentor_id=place.mentor_id,
        status__in=(RelationshipStatus.INTRODUCED, RelationshipStatus.ACTIVE),
    ).count()
    if capacity < live:
        raise ApplicationError(
            f"The mentor is already introduced to or mentoring {live}: give at least {live}.",
            field="capacity",
        )
    locked = ProgrammeMentor.objects.select_for_update().get(pk=place.pk)
    if locked.capacity != capacity:
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
    return locked


@transaction.atomic
def mentor_checks_record(
    *,
    actor: Any,
    mentor: Mentor,
    training_completed_on: date | None,
    dbs_certificate_number: str = "",
    dbs_issued_on: date | None = None,
    dbs_update_service: bool = False,
) -> Mentor:
    """Record a mentor's checks: when they completed training and their enhanced DBS
    certificate (its 12-digit number, when it was issued, whether it is on the update service),
    checked by `actor` today. A certificate with no number clears the DBS check."""
    require_actor(actor)
    found = mentor_policy.get(actor, mentor.pk)
    mentor_policy.require(actor, DECIDE, found)
    today = timezone.localdate()
    number = "".join(str(dbs_certificate_number or "").split())
    if training_completed_on and training_completed_on > today:
        raise ApplicationError(
            "Training cannot be completed in the future.", field="training_completed_on"
        )
    if number and not DBS_NUMBER.fullmatch(number):
        raise ApplicationError(
            "An enhanced DBS certificate number is 12 digits.", field="dbs_certificate_number"
        )
    if number and dbs_issued_on is None:
        raise ApplicationError("Give the day the certificate was issued.", field="dbs_issued_on")
    if dbs_issued_on and dbs_issued_on > today:
        raise ApplicationError(
            "A certificate cannot be issued in the future.", field="dbs_issued_on"
        )
    locked = Mentor.objects.select_for_update().get(pk=found.pk)
    locked.training_completed_on = training_completed_on
    locked.dbs_certificate_number = number
    locked.dbs_issued_on = dbs_issued_on if number else None
    locked.dbs_update_service = bool(dbs_update_service) if number else False
    locked.dbs_checked_by = actor if number and is_person(actor) else None
    locked.dbs_checked_on = today if number else None
    locked.save()
    return locked


# --- Mentees -----------------------------------------------------------------------------------


def _mentee(actor: Any, mentee: Mentee) -> Mentee:
    return mentee_policy.require(actor, DECIDE, mentee_policy.get(actor, mentee.pk))


def mentee_accept(*, actor: Any, mentee: Mentee) -> Mentee:
    """Accept a mentee's application: the next matching run looks for a mentor for them."""
    require_actor(actor)
    return MENTEE_WORKFLOW.apply(_mentee(actor, mentee), "accept", actor=actor)


def mentee_decline(*, actor: Any, mentee: Mentee) -> Mentee:
    require_actor(actor)
    return MENTEE_WORKFLOW.apply(_mentee(actor, mentee), "decline", actor=actor)


def pupils_addable(*, actor: Any, programme: MentoringProgramme) -> Any:
    """The learners `actor` sees, held by an organisation of the programme's partnership, who
    are not yet its mentees (none for a programme of students)."""
    if programme.mentees_are != MenteesAre.PUPILS or programme.partnership_id is None:
        return Learner.objects.none()
    seen = Learner.objects.all() if is_system(actor) else learner_policy.visible_to(actor)
    return seen.filter(organisation__partnerships=programme.partnership_id).exclude(
        mentoring_mentees__programme=programme
    )


@transaction.atomic
def pupils_add(
    *, actor: Any, programme: MentoringProgramme, learners: Iterable[Any]
) -> list[Mentee]:
    """Add pupils (learners `actor` sees, in the programme's partnership) as accepted mentees of
    a pupils' programme; a pupil already in it is left as they are."""
    require_actor(actor)
    programme = programme_policy.get(actor, programme.pk, action=MANAGE)
    if programme.mentees_are != MenteesAre.PUPILS:
        raise ApplicationError("Pupils join only a programme for school pupils.")
    ids = {getattr(learner, "pk", learner) for learner in learners}
    if not ids:
        raise ApplicationError("Choose the pupils to add.", field="learners")
    found = list(pupils_addable(actor=actor, programme=programme).filter(pk__in=ids))
    if len(found) != len(ids) and not _already_in(programme, ids, found):
        raise ApplicationError("Choose pupils you may see, in the programme's partnership.")
    now = timezone.now()
    return Mentee.objects.bulk_create(
        [
            Mentee(
                programme=programme,
                learner=learner,
                status=MenteeStatus.ACCEPTED,
                status_changed_at=now,
                status_changed_by=actor if is_person(actor) else None,
            )
            for learner in found
        ]
    )


def _already_in(programme: MentoringProgramme, ids: set[Any], found: list[Learner]) -> bool:
    """Whether every chosen learner not found is already the programme's mentee (and seen)."""
    rest = ids - {learner.pk for learner in found}
    return Mentee.objects.filter(programme=programme, learner_id__in=rest).count() == len(rest)


# --- Pairs never to be made --------------------------------------------------------------------


@transaction.atomic
def never_pair_add(
    *,
    actor: Any,
    programme: MentoringProgramme,
    mentor: Mentor,
    mentee: Mentee,
    reason: str,
    note: str = "",
) -> NeverPair:
    """A mentor and a mentee of the programme the matching must never pair, and why. A
    proposed pair of the two is withdrawn (a published one is for the pair to end)."""
    require_actor(actor)
    programme = programme_policy.get(actor, programme.pk, action=MANAGE)
    if reason not in NeverPairReason.values:
        raise ApplicationError("Choose why they must never be paired.", field="reason")
    if mentee.programme_id != programme.pk:
        raise NotFound
    if not ProgrammeMentor.objects.filter(programme=programme, mentor_id=mentor.pk).exists():
        raise NotFound
    if NeverPair.objects.filter(mentor_id=mentor.pk, mentee=mentee).exists():
        raise ApplicationError("They are already never to be paired.")
    Relationship.objects.filter(
        programme=programme,
        mentor_id=mentor.pk,
        mentee=mentee,
        status=RelationshipStatus.PROPOSED,
    ).delete()
    return NeverPair.objects.create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        reason=reason,
        note=note.strip(),
        recorded_by=actor if is_person(actor) else None,
    )


@transaction.atomic
def never_pair_remove(*, actor: Any, never_pair: NeverPair) -> None:
    """The matching may pair them again."""
    require_actor(actor)
    programme_policy.get(actor, never_pair.programme_id, action=MANAGE)
    NeverPair.objects.filter(pk=never_pair.pk).delete()


def live_pairs_of(programme: MentoringProgramme) -> Any:
    return Relationship.objects.filter(programme=programme, status__in=LIVE)
