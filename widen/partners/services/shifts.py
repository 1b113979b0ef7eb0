"""Shifts: a coordinator creates, changes and cancels them; open places are offered to the
partners whose plan, checks, pay and hour caps allow (`widen.partners.offering`); a partner
claims one (first come), or the coordinator allocates one; the coordinator records what was
worked. Dropping and swapping are in `widen.partners.services.shift_swaps`.

Every write is atomic, asks `shift_policy` / `assignment_policy` first, and is audited under the
acting person (`AuditedModel` on save, bound with `request_context`). The hour caps hold
everywhere: no function here takes a way round them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.activities.models import Session
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.events.models import Event, Talk
from widen.partners.hours import UK
from widen.partners.models import (
    AssignmentSource,
    AssignmentStatus,
    Partner,
    Role,
    Shift,
    ShiftAllocation,
    ShiftAssignment,
    ShiftOffer,
    WorkMode,
)
from widen.partners.offering import eligible_pairs, offer_problem
from widen.partners.permissions import (
    CLAIM,
    MANAGE,
    assignment_policy,
    my_partners,
    shift_policy,
)
from widen.partners.selectors.shifts import shifts_with_open_places
from widen.partners.services.shift_notices import shift_words, tell_partner

# Fields of a shift a coordinator may change once it exists.
EDITABLE = (
    "title",
    "description",
    "kind",
    "starts_at",
    "ends_at",
    "mode",
    "place",
    "places",
    "allocation",
    "with_under_18s",
    "costs_covered",
)
# Changing one of these may stop a booked partner from being able to work the shift.
RULED = frozenset({"starts_at", "ends_at", "mode", "with_under_18s"})
# A partner's message lists at most this many shifts (the rest are on their "My work" page).
LISTED_IN_A_MESSAGE = 10


def _recorder(actor: Any) -> Any:
    return actor if is_person(actor) else None


def _validated(shift: Shift) -> None:
    if shift.starts_at is None or shift.ends_at is None or shift.ends_at <= shift.starts_at:
        raise ApplicationError("A shift ends after it starts.", field="ends_at")
    if shift.places < 1:
        raise ApplicationError("A shift needs at least one partner.", field="places")
    if shift.mode not in WorkMode.values:
        raise ApplicationError("Choose on site, online or hybrid.", field="mode")
    shift.full_clean(exclude=["created_by"])


def _in_partnership(organisation: Any, partnership: Any, what: str) -> None:
    if not partnership.members.filter(pk=organisation.pk).exists():
        raise ApplicationError(f"{what} is not in a partnership your provider is a member of.")


def _session_times(session: Session) -> tuple[datetime, datetime]:
    return (
        datetime.combine(session.date, session.starts_at, tzinfo=UK),
        datetime.combine(session.date, session.ends_at, tzinfo=UK),
    )


@transaction.atomic
def shift_create(
    *,
    actor: Any,
    role: Role,
    title: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    session: Session | None = None,
    event: Event | None = None,
    talk: Talk | None = None,
    offer_now: bool = True,
    **fields: Any,
) -> Shift:
    """A new shift in `role` (the coordinator's provider's), standing alone or for an activity's
    `session`, an `event` or a `talk`. Times not given are the session's, talk's or event's.
    `fields`: any of `EDITABLE`. A first-come shift's places are offered at once unless
    `offer_now` is false (`shift_offer_open_places`)."""
    require_actor(actor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"A shift has no field(s) {sorted(unknown)} to set.")
    if talk is not None:
        event = event or talk.event
        if talk.event_id != event.pk:
            raise ApplicationError("The talk is not part of that event.", field="talk")
    if starts_at is None or ends_at is None:
        source = session or talk or event
        if source is None:
            raise ApplicationError("Say when the shift starts and ends.", field="starts_at")
        if isinstance(source, Session):
            starts_at, ends_at = _session_times(source)
        else:
            starts_at, ends_at = source.starts_at, source.ends_at
        if "place" not in fields:
            fields["place"] = getattr(source, "venue", "") or getattr(source, "room", "")
    shift = Shift(
        organisation=role.organisation,
        role=role,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        session=session,
        event=event,
        talk=talk,
        created_by=_recorder(actor),
        **fields,
    )
    shift_policy.require(actor, MANAGE, shift)
    if session is not None:
        _in_partnership(role.organisation, session.activity.partnership, "The session")
    if event is not None:
        _in_partnership(role.organisation, event.partnership, "The event")
    _validated(shift)
    with request_context.bind(actor=actor):
        shift.save()
    if offer_now:
        shift_offer_open_places(actor=actor, shifts=Shift.objects.filter(pk=shift.pk))
    return shift


def booked_on(shift: Shift) -> QuerySet[ShiftAssignment]:
    return shift.assignments.filter(status=AssignmentStatus.BOOKED)


@transaction.atomic
def shift_update(*, actor: Any, shift: Shift, changes: Mapping[str, Any]) -> Shift:
    """Change a shift. A change that a booked partner could no longer work (a new time beyond
    their plan or hour caps, under-18s without their DBS check) is refused with the reason:
    they drop it first, or the shift is cancelled; no cap gives way."""
    require_actor(actor)
    shift = Shift.objects.select_for_update().select_related("role").get(pk=shift.pk)
    shift_policy.require(actor, MANAGE, shift)
    if shift.is_cancelled:
        raise ApplicationError("The shift is cancelled: it cannot be changed.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"A shift has no field(s) {sorted(unknown)} to change.")
    changed = [name for name, value in changes.items() if getattr(shift, name) != value]
    if not changed:
        return shift
    for name in changed:
        setattr(shift, name, changes[name])
    if isinstance(changes.get("title"), str):
        shift.title = shift.title.strip()
    _validated(shift)
    booked = list(booked_on(shift).select_related("partner__student"))
    if "places" in changed and shift.places < len(booked):
        raise ApplicationError(
            f"{len(booked)} partners are booked on it: it cannot need fewer than that.",
            field="places",
        )
    with request_context.bind(actor=actor):
        shift.save(update_fields=[*changed, "updated_at"])
    if RULED & set(changed):
        for assignment in booked:
            problem = offer_problem(shift, assignment.partner, keeping_booking=True)
            if problem is not None:
                raise ApplicationError(
                    f"{assignment.partner.student.display_name} is booked on it and could not "
                    f"work it then: {problem} Ask them whether they can drop it, or cancel the "
                    "shift and add another."
                )
    shift_offer_open_places(actor=actor, shifts=Shift.objects.filter(pk=shift.pk))
    return shift


@transaction.atomic
def shift_cancel(*, actor: Any, shift: Shift) -> Shift:
    """Cancel a shift: its booked partners are told, and their bookings marked "did not take
    place" (nothing counts against them)."""
    require_actor(actor)
    shift = Shift.objects.select_for_update().select_related("role").get(pk=shift.pk)
    shift_policy.require(actor, MANAGE, shift)
    if shift.is_cancelled:
        return shift
    shift.cancelled_at = timezone.now()
    with request_context.bind(actor=actor):
        shift.save(update_fields=["cancelled_at", "updated_at"])
        for assignment in booked_on(shift).select_related("partner__student__user"):
            assignment.status = AssignmentStatus.NOT_WORKED
            assignment.swap_offered_to = None
            assignment.recorded_by = _recorder(actor)
            assignment.save(
                update_fields=["status", "swap_offered_to", "recorded_by", "updated_at"]
            )
            tell_partner(
                assignment.partner, "partners/shift_cancelled", {"shift": shift_words(shift)}
            )
    return shift


@dataclass(frozen=True)
class OfferRun:
    """What one offering did: offers written, and partners told (one message each)."""

    offers_made: int
    partners_told: int


@transaction.atomic
def shift_offer_open_places(
    *,
    actor: Any,
    shifts: QuerySet[Shift],
    tell_again: bool = False,
    leaving_out: Iterable[Any] = (),
) -> OfferRun:
    """Offer the open places of `shifts` (first come, not started) to every partner of their
    providers who is eligible and not yet offered them: the offers are written in bulk and each
    partner gets one message for the whole run, listing their shifts. With `tell_again`,
    eligible partners offered them before are told too (a place has opened again), except the
    partners in `leaving_out`. The work is the same whatever the numbers: a few queries to
    load everything, one to write the offers (`widen.partners.offering.eligible_pairs`)."""
    require_actor(actor)
    providers = shifts.order_by().values("organisation")
    open_shifts = shifts_with_open_places(shifts).select_related("role", "organisation")
    by_id = {shift.pk: shift for shift in open_shifts}
    for shift in by_id.values():
        shift_policy.require(actor, MANAGE, shift)
    if not by_id:
        return OfferRun(0, 0)
    candidates = Partner.objects.filter(organisation__in=providers, is_active=True)
    chosen = Shift.objects.filter(pk__in=open_shifts.values("pk"))
    pairs = eligible_pairs(chosen, candidates)
    offered = set(
        ShiftOffer.objects.filter(shift__in=chosen.values("pk")).values_list(
            "shift_id", "partner_id"
        )
    )
    left_out = set(leaving_out)
    new_offers: list[ShiftOffer] = []
    to_tell: dict[Any, list[tuple[Shift, bool]]] = defaultdict(list)
    for shift_id, partner_ids in pairs.items():
        for partner_id in partner_ids:
            if (shift_id, partner_id) not in offered:
                new_offers.append(ShiftOffer(shift_id=shift_id, partner_id=partner_id))
                to_tell[partner_id].append((by_id[shift_id], False))
            elif tell_again and partner_id not in left_out:
                to_tell[partner_id].append((by_id[shift_id], True))
    ShiftOffer.objects.bulk_create(new_offers, batch_size=1000)
    told = _tell_offered(to_tell)
    return OfferRun(len(new_offers), told)


@transaction.atomic
def offer_open_shifts_to_partner(partner: Partner) -> OfferRun:
    """Once a partner's plan has changed: the open places of their provider's shifts still to
    come that now fit them (`widen.partners.offering.eligible_pairs`, every cap and check) and
    were not offered to them before are offered, in one message. Widen's own work: the
    student only saved their plan."""
    upcoming = Shift.objects.filter(organisation=partner.organisation_id)
    by_id = {shift.pk: shift for shift in shifts_with_open_places(upcoming).select_related("role")}
    if not by_id:
        return OfferRun(0, 0)
    pairs = eligible_pairs(
        Shift.objects.filter(pk__in=list(by_id)), Partner.objects.filter(pk=partner.pk)
    )
    offered = set(
        ShiftOffer.objects.filter(partner=partner, shift__in=list(by_id)).values_list(
            "shift_id", flat=True
        )
    )
    fitting = [
        shift_id
        for shift_id, partner_ids in pairs.items()
        if partner.pk in partner_ids and shift_id not in offered
    ]
    ShiftOffer.objects.bulk_create(
        [ShiftOffer(shift_id=shift_id, partner_id=partner.pk) for shift_id in fitting]
    )
    told = _tell_offered({partner.pk: [(by_id[shift_id], False) for shift_id in fitting]})
    return OfferRun(len(fitting), told if fitting else 0)


def _tell_offered(to_tell: Mapping[Any, list[tuple[Shift, bool]]]) -> int:
    told = 0
    ids = list(to_tell)
    for first in range(0, len(ids), 500):
        for partner in Partner.objects.filter(pk__in=ids[first : first + 500]).select_related(
            "student__user"
        ):
            shifts = sorted(to_tell[partner.pk], key=lambda pair: pair[0].starts_at)
            listed = [
                {**shift_words(shift), "again": again}
                for shift, again in shifts[:LISTED_IN_A_MESSAGE]
            ]
            context = {
                "shifts": [shift.title for shift, _ in shifts],
                "listed": listed,
                "more": max(0, len(shifts) - LISTED_IN_A_MESSAGE),
            }
            told += tell_partner(partner, "partners/shifts_offered", context)
    return told


def _locked(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("role").get(pk=shift.pk)


def _refuse_unless_open(shift: Shift) -> None:
    if shift.is_cancelled:
        raise ApplicationError("The shift is cancelled.")
    if shift.starts_at <= timezone.now():
        raise ApplicationError("The shift has started: its places can no longer be taken.")
    if booked_on(shift).count() >= shift.places:
        raise ApplicationError(
            "Sorry, every place on this shift has been taken. If one opens again, you will be "
            "offered it."
        )


@transaction.atomic
def shift_claim(*, actor: Any, shift: Shift) -> ShiftAssignment:
    """The signed-in partner claims an open place on a shift offered to them: first come, the
    shift locked while places are counted, their eligibility checked again at this moment."""
    require_actor(actor)
    shift = _locked(shift)
    shift_policy.require(actor, CLAIM, shift)
    partner = my_partners(actor).filter(offers__shift=shift).select_related("student").first()
    if partner is None:
        raise NotFound
    if shift.allocation != ShiftAllocation.FIRST_COME:
        raise ApplicationError("Places on this shift are allocated by the coordinator.")
    if booked_on(shift).filter(partner=partner).exists():
        raise ApplicationError("You are already booked on this shift.")
    _refuse_unless_open(shift)
    problem = offer_problem(shift, partner)
    if problem is not None:
        raise ApplicationError(f"This shift no longer fits: {_second_person(problem)}")
    with request_context.bind(actor=actor):
        return ShiftAssignment.objects.create(
            shift=shift, partner=partner, source=AssignmentSource.CLAIMED
        )


def _second_person(reason: str) -> str:
    """A reason about "they" told to the partner themselves."""
    for they, you in (
        ("They are", "You are"),
        ("They have", "You have"),
        ("they are", "you are"),
        ("They do", "You do"),
        ("Their plan", "Your plan"),
        ("their plan", "your plan"),
    ):
        reason = reason.replace(they, you)
    return reason


@transaction.atomic
def shift_allocate(*, actor: Any, shift: Shift, partner: Partner) -> ShiftAssignment:
    """The coordinator gives a place on `shift` to `partner`, who must be eligible: a refusal
    names the reason ("Sam Lee cannot be given this shift: …"). The partner is told."""
    require_actor(actor)
    shift = _locked(shift)
    shift_policy.require(actor, MANAGE, shift)
    partner = Partner.objects.select_related("student__user").get(pk=partner.pk)
    name = partner.student.display_name
    if booked_on(shift).filter(partner=partner).exists():
        raise ApplicationError(f"{name} is already booked on this shift.")
    _refuse_unless_open(shift)
    problem = offer_problem(shift, partner)
    if problem is not None:
        raise ApplicationError(f"{name} cannot be given this shift: {problem}")
    with request_context.bind(actor=actor):
        assignment = ShiftAssignment.objects.create(
            shift=shift,
            partner=partner,
            source=AssignmentSource.ALLOCATED,
            recorded_by=_recorder(actor),
        )
    tell_partner(partner, "partners/shift_allocated", {"shift": shift_words(shift)})
    return assignment


def _require_managed(actor: Any, assignment: ShiftAssignment) -> ShiftAssignment:
    require_actor(actor)
    assignment = (
        ShiftAssignment.objects.select_for_update(of=("self",))
        .select_related("shift__role")
        .get(pk=assignment.pk)
    )
    assignment_policy.require(actor, MANAGE, assignment)
    return assignment


@transaction.atomic
def shift_record_worked(
    *, actor: Any, assignment: ShiftAssignment, minutes: int | None = None
) -> ShiftAssignment:
    """The coordinator records that a booked partner worked the shift: `minutes` worked (the
    shift's length unless said), which the timesheet is drafted from."""
    assignment = _require_managed(actor, assignment)
    if assignment.status not in (AssignmentStatus.BOOKED, AssignmentStatus.WORKED):
        raise ApplicationError("Only a partner booked on the shift can have worked it.")
    if assignment.shift.starts_at > timezone.now():
        raise ApplicationError("The shift has not started yet.")
    worked = assignment.shift.minutes if minutes is None else minutes
    if worked <= 0 or worked > 24 * 60:
        raise ApplicationError("Give the minutes worked, from 1 to 1,440.", field="minutes")
    assignment.status = AssignmentStatus.WORKED
    assignment.worked_minutes = worked
    assignment.swap_offered_to = None
    assignment.recorded_by = _recorder(actor)
    with request_context.bind(actor=actor):
        assignment.save(
            update_fields=[
                "status",
                "worked_minutes",
                "swap_offered_to",
                "recorded_by",
                "updated_at",
            ]
        )
    return assignment


@transaction.atomic
def shift_record_not_worked(*, actor: Any, assignment: ShiftAssignment) -> ShiftAssignment:
    """The coordinator records that the shift did not take place for this partner (nothing
    counts against them: it is not a mark of any kind, only that no pay is due)."""
    assignment = _require_managed(actor, assignment)
    if assignment.status not in (AssignmentStatus.BOOKED, AssignmentStatus.WORKED):
        raise ApplicationError("Only a partner booked on the shift is recorded.")
    assignment.status = AssignmentStatus.NOT_WORKED
    assignment.worked_minutes = None
    assignment.swap_offered_to = None
    assignment.recorded_by = _recorder(actor)
    with request_context.bind(actor=actor):
        assignment.save(
            update_fields=[
                "status",
                "worked_minutes",
                "swap_offered_to",
                "recorded_by",
                "updated_at",
            ]
        )
    return assignment
