"""A request from a person about their data, recorded by a data-protection officer."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from widen.audit.models import AppendOnlyModel, AuditedModel
from widen.core.models import TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.rights.deadlines import MOST_EXTRA_MONTHS, answer_due


class RequestKind(models.TextChoices):
    ACCESS = "access", "Subject access (a copy of their data)"
    ERASURE = "erasure", "Erasure"
    RESTRICTION = "restriction", "Restriction of processing"
    OBJECTION = "objection", "Objection to equality monitoring"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Answered"
    REFUSED = "refused", "Refused"


REQUEST_WORKFLOW = Workflow(
    "status",
    [
        Transition("answer", frozenset({RequestStatus.OPEN}), RequestStatus.DONE, "Mark answered"),
        Transition("refuse", frozenset({RequestStatus.OPEN}), RequestStatus.REFUSED, "Refuse"),
    ],
    stamp_at="closed_at",
    stamp_by="closed_by",
)


class RightsRequest(AuditedModel, TimestampedModel):
    """One request, from receipt to answer. The organisation is the controller answering it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    person_name = models.CharField("Who is asking", max_length=200)
    person_email = models.EmailField("Their e-mail address", blank=True)
    details = models.TextField(
        blank=True, help_text="What they asked for, in their words, and how it arrived."
    )
    received_on = models.DateField()
    identity_asked_on = models.DateField(
        null=True,
        blank=True,
        help_text="When you asked them to confirm who they are (the clock stops until they do).",
    )
    identity_confirmed_on = models.DateField(null=True, blank=True)
    identity_evidence = models.CharField(
        max_length=200, blank=True, help_text="How their identity was checked."
    )
    extra_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = done_by()
    recorded_by = done_by()
    # The records found to be this person's (a person may be a learner at several partners).
    learners = models.ManyToManyField("learners.Learner", blank=True, related_name="+")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    emails = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extra_months__lte=MOST_EXTRA_MONTHS),
                name="rights_request_extension_at_most_two_months",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.person_name}"

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.organisation_id

    @property
    def due_on(self) -> date | None:
        return answer_due(
            self.received_on,
            identity_asked_on=self.identity_asked_on,
            identity_confirmed_on=self.identity_confirmed_on,
            extra_months=self.extra_months,
        )

    @property
    def waiting_for_identity(self) -> bool:
        return self.identity_asked_on is not None and self.identity_confirmed_on is None

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    def is_overdue(self, today: date | None = None) -> bool:
        due = self.due_on
        today = today or timezone.localdate()
        return self.is_open and due is not None and due < today


class ErasureTombstone(AppendOnlyModel):
    """What erasure did to one row: which kind of record, which id, when, by whom, under which
    request, and which fields were anonymised. Never the values. Append-only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    request = models.ForeignKey(
        RightsRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="tombstones"
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=12)
    fields = models.JSONField(default=list)
    done_by = done_by()

    class Meta:
        ordering = ["occurred_at", "object_type"]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.action}"
