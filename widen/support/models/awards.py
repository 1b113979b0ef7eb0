"""Bursaries and awards paid in instalments through the payments ledger.

* An **award scheme** is a provider's award for one academic year ("£1,000 a year for
  care-experienced and estranged students", "income bursary £500–£1,500 by household income
  band"): who it is for (the members of a support scheme), a fixed amount or an amount for each
  household income band, and the days its instalments fall due.
* An **award** is one student's: offered, then accepted or declined (`AWARD_WORKFLOW`); an
  accepted award is paid in instalments, and a stopped award pays nothing more.
* An **instalment** is `scheduled` until its day. On that day the student's status decides: an
  enrolled student's instalment becomes a ledger entry (`due`), which the next payment run pays
  (`paid`); an interrupted or withdrawn student's is `held`, and is released when they return.
  Nothing is recorded in the ledger before its day, so a payment run holds exactly the
  instalments due (`INSTALMENT_WORKFLOW`).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.students.models import Student
from widen.support.models.schemes import Scheme


class AwardScheme(AuditedModel, TimestampedModel):
    """A provider's award for an academic year: who it is for, how much, when it is paid."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="award_schemes"
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        related_name="award_schemes",
        help_text="Offered to the members of this support scheme.",
    )
    name = models.CharField(max_length=120)
    purpose = models.TextField(blank=True, max_length=4000)
    academic_year = models.CharField(max_length=7, help_text='For example "2026/27".')
    amount_pence = models.PositiveIntegerField(
        "Amount (pence)", null=True, blank=True, help_text="The same amount for every student."
    )
    amounts_by_income_band = models.JSONField(
        default=dict,
        blank=True,
        help_text="Or an amount in pence for each household income band; a band left out "
        "is offered nothing.",
    )
    instalment_days = models.JSONField(
        default=list, help_text="The days the instalments fall due (ISO dates), in order."
    )
    is_active = models.BooleanField("Offered now", default=True)
    created_by = done_by()

    audit_attnames = (NO_LEARNER, "organisation_id")

    class Meta:
        ordering = ["organisation", "-academic_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "academic_year"], name="award_scheme_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.academic_year})"


class AwardStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    STOPPED = "stopped", "Stopped"
    COMPLETED = "completed", "Paid in full"


AWARD_WORKFLOW = Workflow(
    "status",
    [
        Transition("accept", frozenset({AwardStatus.OFFERED}), AwardStatus.ACCEPTED, "Accept"),
        Transition("decline", frozenset({AwardStatus.OFFERED}), AwardStatus.DECLINED, "Decline"),
        Transition(
            "stop",
            frozenset({AwardStatus.OFFERED, AwardStatus.ACCEPTED}),
            AwardStatus.STOPPED,
            "Stop",
        ),
        Transition(
            "complete", frozenset({AwardStatus.ACCEPTED}), AwardStatus.COMPLETED, "Paid in full"
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class Award(AuditedModel, TimestampedModel):
    """One student's award from an award scheme (at most one each)."""

    award_scheme = models.ForeignKey(AwardScheme, on_delete=models.PROTECT, related_name="awards")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="support_awards")
    amount_pence = models.PositiveIntegerField("Amount (pence)")
    income_band = models.CharField(
        max_length=20, blank=True, help_text="The household income band the amount came from."
    )
    status = models.CharField(max_length=10, choices=AwardStatus.choices)
    payee = models.ForeignKey(
        "payments.Payee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_awards",
        help_text="Who is paid: set when the student accepts.",
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = done_by()
    stopped_reason = models.TextField(blank=True, max_length=2000)
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["award_scheme", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["award_scheme", "student"], name="award_once"),
        ]
        indexes = [models.Index(fields=["award_scheme", "status"])]

    def __str__(self) -> str:
        return f"{self.award_scheme}: {self.get_status_display()}"

    def audit_organisation_id(self) -> Any:
        return self.award_scheme.organisation_id

    is_offered = StatusIs(AwardStatus.OFFERED)
    is_accepted = StatusIs(AwardStatus.ACCEPTED)


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    DUE = "due", "Due, waiting for the payment run"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


INSTALMENT_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "fall_due",
            frozenset({InstalmentStatus.SCHEDULED, InstalmentStatus.HELD}),
            InstalmentStatus.DUE,
            "Due",
        ),
        Transition("hold", frozenset({InstalmentStatus.SCHEDULED}), InstalmentStatus.HELD, "Hold"),
        Transition("mark_paid", frozenset({InstalmentStatus.DUE}), InstalmentStatus.PAID, "Paid"),
        Transition(
            "cancel",
            frozenset({InstalmentStatus.SCHEDULED, InstalmentStatus.HELD}),
            InstalmentStatus.CANCELLED,
            "Cancel",
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class Instalment(AuditedModel, TimestampedModel):
    """One payment of an award on its day; a ledger entry only once it is due."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount_pence = models.PositiveIntegerField("Amount (pence)")
    status = models.CharField(
        max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.SCHEDULED
    )
    held_reason = models.CharField(
        max_length=200, blank=True, help_text="Why it is held: the student's status on its day."
    )
    ledger_entry = models.OneToOneField(
        "payments.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_instalment",
    )
    paid_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="instalment_once"),
            models.CheckConstraint(
                condition=~Q(status__in=["due", "paid"]) | Q(ledger_entry__isnull=False),
                name="instalment_in_ledger_once_due",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.award}, instalment {self.number}"

    def audit_organisation_id(self) -> Any:
        return self.award.award_scheme.organisation_id

    is_held = StatusIs(InstalmentStatus.HELD)
    is_due = StatusIs(InstalmentStatus.DUE)
    is_paid = StatusIs(InstalmentStatus.PAID)
