"""Money Widen owes people: payees, an append-only ledger in pence, and payment runs.

* A **payee** is a person an organisation pays (linked to their user account; the areas to come
  link students and mentors). Their bank details are encrypted at rest (`crypto`) and shown
  masked; every change leaves an audit event naming the fields changed, never their values.
* A **ledger entry** is an amount in whole pence owed to a payee, saying what it is for (a kind,
  a description and the record it comes from, as a type and an id, for the areas to come), who
  recorded it and when. It is recorded once the work, claim or award behind it is approved in
  its own area, so every entry is payable. Entries are never changed or deleted, by the model
  or by the database (triggers, migration 0002): a correction is a new reversing entry.
* A **payment run** gathers the entries not yet paid, payee by payee, into a file for the
  finance system: draft → exported → paid (`RUN_WORKFLOW`). An entry belongs to at most one run
  (a unique key), so it can never be paid twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from widen.audit.models import NO_LEARNER, AppendOnlyError, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, done_by
from widen.core.workflows import Transition, Workflow
from widen.organisations.models import Organisation


class Payee(AuditedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payee_records"
    )
    name = models.CharField(max_length=200)
    account_name = EncryptedTextField(blank=True, default="")
    sort_code = EncryptedTextField(blank=True, default="")
    account_number = EncryptedTextField(blank=True, default="")
    bank_details_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_excluded_fields = frozenset({"created_at", "updated_at"})

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="payments_one_payee_per_person"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_bank_details(self) -> bool:
        return bool(self.sort_code and self.account_number and self.account_name)

    @property
    def bank_account_shown(self) -> str:
        """How a page shows the account: "sort code ending 84, account ending 2490"."""
        if not self.has_bank_details:
            return ""
        return f"sort code ending {self.sort_code[-2:]}, account ending {self.account_number[-4:]}"


class EntryKind(models.TextChoices):
    PAY = "pay", "Pay for work"
    EXPENSES = "expenses", "Expenses repaid"
    AWARD = "award", "Award or bursary"
    ADJUSTMENT = "adjustment", "Adjustment"
    REVERSAL = "reversal", "Correction"


LEDGER_REFUSAL = "Ledger entries cannot be changed or deleted: record a reversing entry instead."


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(LEDGER_REFUSAL)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(LEDGER_REFUSAL)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(LEDGER_REFUSAL)


class LedgerEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payee = models.ForeignKey(Payee, on_delete=models.PROTECT, related_name="entries")
    amount_pence = models.BigIntegerField()
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    description = models.CharField(max_length=200)
    source_type = models.CharField(max_length=100, blank=True, default="")
    source_id = models.CharField(max_length=64, blank=True, default="")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    recorded_by_id = models.UUIDField(null=True, blank=True)
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_pence=0), name="payments_entry_not_zero"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=EntryKind.REVERSAL, reverses__isnull=False)
                    | (~models.Q(kind=EntryKind.REVERSAL) & models.Q(reverses__isnull=True))
                ),
                name="payments_reversal_names_its_entry",
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(LEDGER_REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(LEDGER_REFUSAL)

    @property
    def is_reversal(self) -> bool:
        return self.kind == EntryKind.REVERSAL


class RunStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    EXPORTED = "exported", "Exported"
    PAID = "paid", "Paid"


RUN_WORKFLOW = Workflow(
    "status",
    [
        Transition("export", frozenset({RunStatus.DRAFT}), RunStatus.EXPORTED, "Export"),
        Transition("mark_paid", frozenset({RunStatus.EXPORTED}), RunStatus.PAID, "Mark paid"),
    ],
)


class PaymentRun(AuditedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payment_runs"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    total_pence = models.BigIntegerField(default=0)
    payee_count = models.PositiveIntegerField(default=0)
    created_by = done_by()
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = done_by()
    paid_on = models.DateField(null=True, blank=True)
    marked_paid_at = models.DateTimeField(null=True, blank=True)
    marked_paid_by = done_by()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="payments_run_number_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"Payment run {self.number}"

    @property
    def reference(self) -> str:
        """The reference on each payee's bank statement (Bacs allows 18 characters)."""
        return f"WIDEN PAY {self.number:04d}"

    is_draft = StatusIs(RunStatus.DRAFT)
    is_exported = StatusIs(RunStatus.EXPORTED)
    is_paid = StatusIs(RunStatus.PAID)
    has_file = StatusIs(RunStatus.EXPORTED, RunStatus.PAID)


class PaymentRunItem(AuditedModel):
    """One ledger entry in one run; the entry's unique key keeps it in one run only."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="items")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="run_item")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.entry_id} in {self.run_id}"

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.run.organisation_id
