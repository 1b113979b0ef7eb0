"""Booking a group of learners onto an event (staff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from widen.core.exceptions import ApplicationError
from widen.core.links import link_token_new
from widen.events.models import AttendeeType, Booking, BookingStatus, Event
from widen.events.permissions import ORGANISE, event_policy
from widen.events.services.bookings import BookingDetails, booking_details_clean
from widen.events.services.common import booking_link, clean_text
from widen.events.services.mail import send_group_confirmation
from widen.learners.models import Learner, processable_condition


@dataclass
class GroupBookingOutcome:
    booked: list[Booking] = field(default_factory=list)
    waiting: list[Booking] = field(default_factory=list)
    already: list[Learner] = field(default_factory=list)
    refused: list[tuple[Learner, str]] = field(default_factory=list)
    # Learners chosen whom the booker's organisation does not hold (counted, never named).
    left_out: int = 0

    def summary(self) -> str:
        parts = [
            f"{len(self.booked)} booked",
            f"{len(self.waiting)} on the waiting list",
        ]
        if self.already:
            parts.append(f"{len(self.already)} already booked")
        if self.left_out:
            parts.append(
                f"{self.left_out} left out: their records are held by another organisation, "
                "which books its own learners"
            )
        if self.refused:
            parts.append(
                f"{len(self.refused)} not booked ("
                + "; ".join(f"{learner.display_name}: {why}" for learner, why in self.refused[:5])
                + ("; …" if len(self.refused) > 5 else "")
                + ")"
            )
        return ", ".join(parts) + "."


GROUP_MOST = 500


def group_booking_create(
    *,
    actor: Any,
    event: Event,
    learners: Sequence[Learner],
    contact_email: str,
    link_base: str | None = None,
) -> GroupBookingOutcome:
    """Book each learner a place (or a place on the waiting list once the event is full), in
    the order given, with their learner record.

    Learner records hold no e-mail address of the learner's own (they are children, reached
    through their school), so the one-time link for each booking goes to `contact_email`: the
    member of staff booking them, by default, or the school's contact, who passes it on.
    A learner who already has a place or a place on the waiting list is left as they are.
    Only learners held by an organisation in which `actor` runs events are booked: anyone else
    chosen (a partner's learner seen under an agreement, say) is left out and counted, never
    named.
    """
    event_policy.require(actor, ORGANISE, event)
    contact = clean_text(
        contact_email, "contact_email", "E-mail for confirmations", maximum=254, required=True
    )
    try:
        validate_email(contact)
    except ValidationError:
        raise ApplicationError(
            f"“{contact[:60]}” is not an e-mail address, like name@example.org.",
            field="contact_email",
        ) from None
    if len(learners) > GROUP_MOST:
        raise ApplicationError(
            f"At most {GROUP_MOST} learners are booked at once ({len(learners)} chosen): "
            "choose a year group or a narrower saved search."
        )
    outcome = GroupBookingOutcome()
    if learners:
        # Seeing a learner under an agreement never allows booking them: their organisation does.
        held = set(
            event_policy.bookable_learners(actor)
            .filter(pk__in=[learner.pk for learner in learners])
            .values_list("pk", flat=True)
        )
        chosen = list(learners)
        learners = [learner for learner in chosen if learner.pk in held]
        outcome.left_out = len(chosen) - len(learners)
        # A restricted learner is named and not booked (their record is the booker's own).
        processable = set(
            Learner.objects.filter(
                processable_condition(), pk__in=[learner.pk for learner in learners]
            ).values_list("pk", flat=True)
        )
        outcome.refused.extend(
            (learner, "processing of their record is restricted")
            for learner in learners
            if learner.pk not in processable
        )
        learners = [learner for learner in learners if learner.pk in processable]
    links: list[tuple[Booking, str]] = []
    now = timezone.now()
    with transaction.atomic():
        # One lock and one count for the whole group, then one insert (each row audited).
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.starts_at <= now:
            raise ApplicationError("Booking for this event has closed: it has started.")
        holding = set(
            locked.bookings.exclude(status=BookingStatus.CANCELLED)
            .filter(learner__in=[learner.pk for learner in learners])
            .values_list("learner_id", flat=True)
        )
        booked = locked.bookings.filter(status=BookingStatus.BOOKED).count()
        free = None if locked.capacity is None else max(locked.capacity - booked, 0)
        rows: list[Booking] = []
        for learner in learners:
            if learner.pk in holding:
                outcome.already.append(learner)
                continue
            details = BookingDetails(
                name=f"{learner.first_name} {learner.last_name}".strip(),
                email=contact,
                attendee_type=AttendeeType.LEARNER,
            )
            link = link_token_new()
            try:
                cleaned = booking_details_clean(locked, details)
                cleaned.pop("agenda")
                booking = Booking(
                    event=locked,
                    organisation_id=locked.organiser_id,
                    learner=learner,
                    booked_by=actor if getattr(actor, "pk", None) else None,
                    status=BookingStatus.BOOKED
                    if free is None or free > 0
                    else BookingStatus.WAITING,
                    # The waiting list keeps the order given.
                    requested_at=now + timedelta(microseconds=len(rows)),
                    token_digest=link.digest,
                    **cleaned,
                )
                # The related rows are those just read, and the digest is fresh and random.
                booking.full_clean(
                    exclude=["event", "organisation", "learner", "booked_by"],
                    validate_unique=False,
                )
            except (ApplicationError, ValidationError) as error:
                reason = getattr(error, "message", None) or "; ".join(
                    getattr(error, "messages", [])
                )
                outcome.refused.append((learner, str(reason)))
                continue
            holding.add(learner.pk)
            if free is not None and free > 0:
                free -= 1
            rows.append(booking)
            links.append((booking, booking_link(link.token, link_base)))
            if booking.status == BookingStatus.BOOKED:
                outcome.booked.append(booking)
            else:
                outcome.waiting.append(booking)
        Booking.objects.bulk_create(rows)
        if links:
            send_group_confirmation(locked, contact, links)
    return outcome
