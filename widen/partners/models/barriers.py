"""Barriers and mitigations, with students: what makes partnership work hard, and what was done.

A **barrier** is raised by a partner (anonymously if they wish: then no link to them is kept at
all) or written up from a workshop, at one HE provider. Each has **mitigations** with an owner
and a status, so every partner of the provider sees what was done with what they said.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import TimestampedModel


class BarrierSource(models.TextChoices):
    PARTNER = "partner", "Raised by a student partner"
    ANONYMOUS = "anonymous", "Raised anonymously"
    WORKSHOP = "workshop", "From a workshop"


class BarrierStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTING = "acting", "Being acted on"
    DONE = "done", "Done"
    NOT_DOING = "not_doing", "Not being done (with the reason)"


class Barrier(AuditedModel, TimestampedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="partner_barriers"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000)
    source = models.CharField(max_length=12, choices=BarrierSource.choices)
    raised_by = models.ForeignKey(
        "partners.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barriers_raised",
        help_text="Empty when raised anonymously or from a workshop.",
    )
    status = models.CharField(
        max_length=12, choices=BarrierStatus.choices, default=BarrierStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_barriers_owned",
    )
    response = models.TextField(
        blank=True, max_length=4000, help_text="What partners are told was done, or why not."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source="partner") | models.Q(raised_by__isnull=True),
                name="partners_anonymous_barrier_names_nobody",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Mitigation(AuditedModel, TimestampedModel):
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="mitigations")
    description = models.TextField(max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_mitigations_owned",
    )
    status = models.CharField(
        max_length=12, choices=BarrierStatus.choices, default=BarrierStatus.OPEN
    )
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.description[:60]

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.barrier.organisation_id
