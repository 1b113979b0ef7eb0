"""Hours and pay: pay periods, and the timesheet a partner confirms for each.

* A **pay period** is the provider's: its dates, the day its pay arrives, and when its payroll
  file was exported (approved hours go to payroll as one file per period).
* A **timesheet** is drafted by Widen from the shifts the partner worked in the period, one
  line per shift at the role's rate. The partner confirms it, or corrects a line with a note;
  the coordinator approves it (or queries it back to the partner). `TIMESHEET_WORKFLOW` holds
  the steps. Amounts are in pence.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow


class PayPeriod(AuditedModel, TimestampedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="pay_periods"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    pay_date = models.DateField(help_text="The day pay for this period arrives.")
    payroll_exported_at = models.DateTimeField(null=True, blank=True)
    payroll_exported_by = done_by()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="partners_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(pay_date__gte=models.F("ends_on")),
                name="partners_period_paid_after_end",
            ),
            models.UniqueConstraint(
                fields=["organisation", "starts_on"], name="partners_one_period_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%-d %b} to {self.ends_on:%-d %b %Y}"


class TimesheetStatus(models.TextChoices):
    DRAFT = "draft", "Waiting for you to confirm"
    CONFIRMED = "confirmed", "Confirmed, waiting for approval"
    QUERIED = "queried", "Queried by the coordinator"
    APPROVED = "approved", "Approved for payroll"


# The labels above speak to the student; the coordinator's pages say the same in their words.
COORDINATOR_STATUS = {
    TimesheetStatus.DRAFT: "Waiting for the student to confirm",
    TimesheetStatus.CONFIRMED: "Confirmed, waiting for your approval",
    TimesheetStatus.QUERIED: "Queried, waiting for the student",
    TimesheetStatus.APPROVED: "Approved for payroll",
}


TIMESHEET_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "confirm",
            frozenset({TimesheetStatus.DRAFT, TimesheetStatus.QUERIED}),
            TimesheetStatus.CONFIRMED,
            "Confirm",
        ),
        Transition(
            "approve", frozenset({TimesheetStatus.CONFIRMED}), TimesheetStatus.APPROVED, "Approve"
        ),
        Transition(
            "query", frozenset({TimesheetStatus.CONFIRMED}), TimesheetStatus.QUERIED, "Query"
        ),
    ],
)


class Timesheet(AuditedModel, TimestampedModel):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="timesheets"
    )
    pay_period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="timesheets")
    status = models.CharField(
        max_length=12, choices=TimesheetStatus.choices, default=TimesheetStatus.DRAFT
    )
    partner_note = models.TextField(blank=True, max_length=2000)
    query_note = models.TextField(blank=True, max_length=2000)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = done_by()
    total_minutes = models.PositiveIntegerField(default=0)
    total_pence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-pay_period__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "pay_period"], name="partners_one_timesheet_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Timesheet {self.pay_period}"

    @property
    def status_for_coordinator(self) -> str:
        return COORDINATOR_STATUS[TimesheetStatus(self.status)]

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.pay_period.organisation_id

    is_draft = StatusIs(TimesheetStatus.DRAFT)
    is_confirmed = StatusIs(TimesheetStatus.CONFIRMED)
    is_queried = StatusIs(TimesheetStatus.QUERIED)
    is_approved = StatusIs(TimesheetStatus.APPROVED)
    partner_may_change = StatusIs(TimesheetStatus.DRAFT, TimesheetStatus.QUERIED)


class TimesheetLine(AuditedModel, TimestampedModel):
    """One shift worked (or an hour added by the partner), at the role's rate.

    `role` is the shift's role, or the one the partner chose; a role with lines paid in it is
    never deleted (the payroll history keeps naming it)."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="lines")
    assignment = models.OneToOneField(
        "partners.ShiftAssignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timesheet_line",
    )
    role = models.ForeignKey(
        "partners.Role",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timesheet_lines",
        help_text=(
            "The role the work was done in (empty on some lines recorded before roles were kept)."
        ),
    )
    worked_on = models.DateField()
    description = models.CharField(max_length=200)
    drafted_minutes = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField()
    hourly_rate_pence = models.PositiveIntegerField()
    correction_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["worked_on", "description"]

    def __str__(self) -> str:
        return self.description

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.timesheet.pay_period.organisation_id

    @property
    def pay_pence(self) -> int:
        """Pay for the line, rounded half up to the penny."""
        return (self.minutes * self.hourly_rate_pence + 30) // 60

    @property
    def corrected(self) -> bool:
        return self.minutes != self.drafted_minutes

    @property
    def is_late(self) -> bool:
        """Worked in an earlier pay period (recorded worked after that period's timesheet was
        confirmed), paid with this one."""
        return self.worked_on < self.timesheet.pay_period.starts_on
