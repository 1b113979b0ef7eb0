"""Never out of pocket: expense claims and advances.

* An **expense claim** repays what a partner spent for their work: lines of mileage (at HMRC's
  approved mileage allowance rates), public transport, parking, subsistence (within the
  provider's daily limit) or other costs, each with a photo or PDF of its receipt where there is
  one (kept in the database, like every upload, and served only to those who may see the claim).
* An **advance** is money asked for before an event, so the partner never pays first; after the
  event a claim reconciles it (what was spent against what was advanced).
* Claims go `submitted → approved | queried → paid` (`CLAIM_WORKFLOW`). Approval records a
  ledger entry (`widen.payments`) and the payment run that pays it marks the claim paid.
* **Days out of pocket** run from the first day money was spent to the day it was repaid (an
  advance paid before the spending: none). `overdue_alerted_at` is when the coordinator was told
  the claim had passed the provider's promised number of working days.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow


class ClaimKind(models.TextChoices):
    EXPENSES = "expenses", "Expenses"
    ADVANCE = "advance", "Advance"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    QUERIED = "queried", "Queried"
    APPROVED = "approved", "Approved, waiting for payment"
    PAID = "paid", "Paid"


CLAIM_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "submit",
            frozenset({ClaimStatus.DRAFT, ClaimStatus.QUERIED}),
            ClaimStatus.SUBMITTED,
            "Submit",
        ),
        Transition("approve", frozenset({ClaimStatus.SUBMITTED}), ClaimStatus.APPROVED, "Approve"),
        Transition("query", frozenset({ClaimStatus.SUBMITTED}), ClaimStatus.QUERIED, "Query"),
        Transition("mark_paid", frozenset({ClaimStatus.APPROVED}), ClaimStatus.PAID, "Mark paid"),
    ],
)


class ExpenseClaim(AuditedModel, TimestampedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="expense_claims"
    )
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=10, choices=ClaimKind.choices, default=ClaimKind.EXPENSES)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    purpose = models.CharField(max_length=200, help_text="What the money was, or is, for.")
    shift = models.ForeignKey(
        "partners.Shift", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    advance = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconciled_by",
        help_text="The advance this claim reconciles.",
    )
    spent_on = models.DateField(
        null=True,
        blank=True,
        help_text="The first day money was spent (for an advance: the day it is needed).",
    )
    total_pence = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = done_by()
    query_note = models.TextField(blank=True, max_length=2000)
    ledger_entry = models.OneToOneField(
        "payments.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expense_claim",
    )
    paid_on = models.DateField(null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)

    audit_excluded_fields = frozenset({"created_at", "updated_at", "overdue_alerted_at"})

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.purpose

    is_draft = StatusIs(ClaimStatus.DRAFT)
    is_submitted = StatusIs(ClaimStatus.SUBMITTED)
    is_queried = StatusIs(ClaimStatus.QUERIED)
    is_approved = StatusIs(ClaimStatus.APPROVED)
    is_paid = StatusIs(ClaimStatus.PAID)
    partner_may_change = StatusIs(ClaimStatus.DRAFT, ClaimStatus.QUERIED)

    @property
    def is_advance(self) -> bool:
        return self.kind == ClaimKind.ADVANCE

    @property
    def days_out_of_pocket(self) -> int | None:
        """Days from the first spending to repayment (None until paid); an advance paid before
        the day it was needed leaves nobody out of pocket (0)."""
        if self.paid_on is None or self.spent_on is None:
            return None
        return max(0, (self.paid_on - self.spent_on).days)


class ExpenseCategory(models.TextChoices):
    MILEAGE = "mileage", "Mileage"
    PUBLIC_TRANSPORT = "public_transport", "Public transport"
    PARKING = "parking", "Parking"
    SUBSISTENCE = "subsistence", "Food and drink"
    OTHER = "other", "Other"


class Vehicle(models.TextChoices):
    CAR = "car", "Car or van"
    MOTORCYCLE = "motorcycle", "Motorcycle"
    BICYCLE = "bicycle", "Bicycle"


class ExpenseLine(AuditedModel, TimestampedModel):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices)
    spent_on = models.DateField()
    description = models.CharField(max_length=200)
    amount_pence = models.PositiveIntegerField()
    miles = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    vehicle = models.CharField(max_length=12, choices=Vehicle.choices, blank=True)
    receipt_name = models.CharField(max_length=255, blank=True)
    receipt_type = models.CharField(max_length=100, blank=True)
    receipt_content = models.BinaryField(null=True, blank=True, editable=False)

    audit_excluded_fields = frozenset({"created_at", "updated_at", "receipt_content"})

    class Meta:
        ordering = ["spent_on", "created_at"]

    def __str__(self) -> str:
        return self.description

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.claim.organisation_id

    @property
    def has_receipt(self) -> bool:
        return bool(self.receipt_name)
