"""A partner drops or swaps a shift they are booked on: at any time, without giving a reason and
without penalty. Nothing is recorded against them beyond their booking's status (there is no
reliability score, no count of drops). A dropped place is offered again at once and the
coordinator told.

A swap asks a named colleague (another partner of the same provider, eligible for the shift) to
take the shift over; until they accept, it stays booked to the partner who asked, and either of
them can call the swap off. When the colleague accepts, the shift is theirs (source "taken over
in a swap") and the partner who asked is no longer booked on it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import require_actor, system_actor
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.partners.models import (
    AssignmentSource,
    AssignmentStatus,
    Partner,
    Shift,
    ShiftAssignment,
    ShiftOffer,
)
from widen.partners.offering import offer_problem
from widen.partners.permissions import DROP, TAKE_OVER, assignment_policy, my_partners
from widen.partners.services.shift_notices import shift_words, tell_coordinator, tell_partner
from widen.partners.services.shifts import shift_offer_open_places

# Told to a partner who asks a colleague who cannot take the shift: the colleague's plan, checks
# and hours are theirs, so the reason is not given.
COLLEAGUE_CANNOT = (
    "They cannot take this shift over (their plan, checks or hours do not allow it): ask "
    "someone else, or drop the shift and it will be offered to everyone it fits."
)


def _locked(assignment: ShiftAssignment) -> ShiftAssignment:
    return (
        ShiftAssignment.objects.select_for_update(of=("self",))
        .select_related("shift__role__coordinator", "partner__student__user")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def shift_drop(*, actor: Any, assignment: ShiftAssignment) -> ShiftAssignment:
    """The partner drops a shift they are booked on. No reason is asked; nothing counts
    against them. The place is offered again to every partner it fits (those offered it before
    are told it is open again) and the shift's coordinator is told."""
    require_actor(actor)
    assignment = _locked(assignment)
    assignment_policy.require(actor, DROP, assignment)
    assignment.status = AssignmentStatus.DROPPED
    assignment.dropped_at = timezone.now()
    assignment.swap_offered_to = None
    with request_context.bind(actor=actor):
        assignment.save(update_fields=["status", "dropped_at", "swap_offered_to", "updated_at"])
    shift = assignment.shift
    run = shift_offer_open_places(
        actor=_offering_actor(),
        shifts=Shift.objects.filter(pk=shift.pk),
        tell_again=True,
        leaving_out=[assignment.partner_id],
    )
    tell_coordinator(
        shift,
        "partners/shift_dropped",
        {"partner_name": assignment.partner.student.display_name, "told": run.partners_told},
    )
    return assignment


def _offering_actor() -> Any:
    """Widen itself offers the place again (the partner dropping may not offer shifts)."""
    return system_actor("a place on a shift opened again")


def _colleague_of(assignment: ShiftAssignment, colleague: Partner) -> Partner:
    colleague = Partner.objects.select_related("student__user").get(pk=colleague.pk)
    if colleague.pk == assignment.partner_id:
        raise ApplicationError("Choose a colleague: the shift is yours already.")
    if colleague.organisation_id != assignment.shift.organisation_id or not colleague.is_active:
        raise ApplicationError(COLLEAGUE_CANNOT)
    return colleague


@transaction.atomic
def shift_swap_offer(
    *, actor: Any, assignment: ShiftAssignment, colleague: Partner
) -> ShiftAssignment:
    """The partner asks `colleague` to take over a shift they are booked on. The colleague must
    be eligible for it (if not, the partner is told so, without the colleague's reasons); the
    shift stays the partner's until the colleague accepts."""
    require_actor(actor)
    assignment = _locked(assignment)
    assignment_policy.require(actor, DROP, assignment)
    colleague = _colleague_of(assignment, colleague)
    if assignment.shift.starts_at <= timezone.now():
        raise ApplicationError("The shift has started: it can no longer be swapped.")
    if offer_problem(assignment.shift, colleague) is not None:
        raise ApplicationError(COLLEAGUE_CANNOT)
    assignment.swap_offered_to = colleague
    with request_context.bind(actor=actor):
        assignment.save(update_fields=["swap_offered_to", "updated_at"])
    tell_partner(
        colleague,
        "partners/swap_offered",
        {
            "from_name": assignment.partner.student.display_name,
            "shift": shift_words(assignment.shift),
        },
    )
    return assignment


@transaction.atomic
def shift_swap_accept(*, actor: Any, assignment: ShiftAssignment) -> ShiftAssignment:
    """The colleague asked takes the shift over: checked again now (their plan, checks and hour
    caps hold as for any claim). Returns their new booking; the partner who asked is no longer
    booked on it, and both they and the coordinator are told."""
    require_actor(actor)
    assignment = _locked(assignment)
    assignment_policy.require(actor, TAKE_OVER, assignment)
    asked = assignment.swap_offered_to_id
    colleague = None if asked is None else my_partners(actor).filter(pk=asked).first()
    if colleague is None:
        raise NotFound
    shift = assignment.shift
    if shift.starts_at <= timezone.now() or shift.is_cancelled:
        raise ApplicationError("The shift has started or been cancelled: it cannot be taken over.")
    problem = offer_problem(shift, colleague)
    if problem is not None:
        raise ApplicationError(
            "You cannot take this shift over now: "
            + problem.replace("They ", "You ").replace("Their ", "Your ")
        )
    now = timezone.now()
    with request_context.bind(actor=actor):
        assignment.status = AssignmentStatus.DROPPED
        assignment.dropped_at = now
        assignment.swap_offered_to = None
        assignment.save(update_fields=["status", "dropped_at", "swap_offered_to", "updated_at"])
        taken = ShiftAssignment.objects.create(
            shift=shift, partner=colleague, source=AssignmentSource.SWAPPED
        )
        ShiftOffer.objects.get_or_create(shift=shift, partner=colleague)
    words = {
        "from_name": assignment.partner.student.display_name,
        "to_name": colleague.student.display_name,
        "shift": shift_words(shift),
    }
    tell_partner(assignment.partner, "partners/swap_taken", words)
    tell_coordinator(shift, "partners/swap_taken", words)
    return taken


@transaction.atomic
def shift_swap_cancel(*, actor: Any, assignment: ShiftAssignment) -> ShiftAssignment:
    """Call a swap off: the partner who asked, or the colleague asked (declining). The shift
    stays booked to the partner who asked."""
    require_actor(actor)
    assignment = _locked(assignment)
    if assignment.swap_offered_to_id is None:
        raise ApplicationError("No swap of this shift is waiting.")
    if not (
        assignment_policy.may(actor, DROP, assignment)
        or assignment_policy.may(actor, TAKE_OVER, assignment)
    ):
        raise NotFound
    assignment.swap_offered_to = None
    with request_context.bind(actor=actor):
        assignment.save(update_fields=["swap_offered_to", "updated_at"])
    return assignment
