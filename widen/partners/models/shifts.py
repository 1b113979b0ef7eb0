"""Shifts: paid work for student partners, from an activity's session, an event (or a talk a
student co-presents) or on its own.

* A **shift** needs a number of partners in one role, at a time, on site, online or hybrid. It
  may be marked "costs covered" (nobody pays for their own lunch or travel) and "with
  under-18s" (a DBS check in date is then needed). Open places are claimed first come, or
  allocated by the coordinator.
* An **offer** records that a shift was offered to a partner whose plan, checks and hour caps
  allow it (see `widen.partners.offering`); a shift is offered again whenever a place opens.
* An **assignment** is a partner booked on a shift: claimed, allocated, or taken over in a swap.
  A partner may drop any shift at any time without giving a reason; nothing counts against
  them (there is no reliability score). A dropped assignment stays as history; the place is
  offered again.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.partners.models.plans import WorkMode


class ShiftAllocation(models.TextChoices):
    FIRST_COME = "first_come", "First come, first served"
    ALLOCATED = "allocated", "Allocated by the coordinator"


class ShiftKind(models.TextChoices):
    WORK = "work", "Work"
    PREPARATION = "preparation", "Preparation"
    DELIVERY = "delivery", "Delivery"


class Shift(AuditedModel, TimestampedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_shifts",
        help_text="The HE provider that employs and pays.",
    )
    role = models.ForeignKey("partners.Role", on_delete=models.PROTECT, related_name="shifts")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    kind = models.CharField(max_length=12, choices=ShiftKind.choices, default=ShiftKind.WORK)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=10, choices=WorkMode.choices, default=WorkMode.ON_SITE)
    place = models.CharField(max_length=200, blank=True)
    places = models.PositiveSmallIntegerField(default=1, help_text="How many partners it needs.")
    allocation = models.CharField(
        max_length=12, choices=ShiftAllocation.choices, default=ShiftAllocation.FIRST_COME
    )
    with_under_18s = models.BooleanField(
        default=False, help_text="Work with under-18s: a DBS check in date is needed."
    )
    costs_covered = models.BooleanField(
        default=False,
        help_text="Travel and meals are paid for in advance, so nobody pays out of pocket.",
    )
    session = models.ForeignKey(
        "activities.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_shifts",
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_shifts",
    )
    talk = models.ForeignKey(
        "events.Talk",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_shifts",
        help_text="The talk a student co-presents (preparation and delivery).",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = done_by()

    class Meta:
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="partners_shift_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1), name="partners_shift_needs_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ShiftOffer(TimestampedModel):
    """A shift offered to one partner (they were told, and may claim it while a place is open)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="offers")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="offers")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "partner"], name="partners_offer_once")
        ]

    def __str__(self) -> str:
        return f"{self.shift_id} offered to {self.partner_id}"


class AssignmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    DROPPED = "dropped", "Dropped"
    WORKED = "worked", "Worked"
    NOT_WORKED = "not_worked", "Did not take place"


class AssignmentSource(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    ALLOCATED = "allocated", "Allocated"
    SWAPPED = "swapped", "Taken over in a swap"


class ShiftAssignment(AuditedModel, TimestampedModel):
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="assignments")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.BOOKED
    )
    source = models.CharField(
        max_length=12, choices=AssignmentSource.choices, default=AssignmentSource.CLAIMED
    )
    dropped_at = models.DateTimeField(null=True, blank=True)
    swap_offered_to = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="swaps_offered",
        help_text="A colleague asked to take this shift over; it stays booked until they do.",
    )
    worked_minutes = models.PositiveIntegerField(null=True, blank=True)
    recorded_by = done_by()

    class Meta:
        ordering = ["shift__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "partner"],
                condition=models.Q(status="booked"),
                name="partners_booked_once_per_shift",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} on {self.shift_id}"

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.shift.organisation_id

    is_booked = StatusIs(AssignmentStatus.BOOKED)
    is_dropped = StatusIs(AssignmentStatus.DROPPED)
    is_worked = StatusIs(AssignmentStatus.WORKED)
