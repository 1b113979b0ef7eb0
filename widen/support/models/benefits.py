"""What members of a scheme may use: its bursaries and awards, workshops and networking events
that only members may see and book, and opportunities from the students' union and the careers
service offered to members first.

A **benefit** is one of these, offered through a scheme. A **benefit use** records that a student
took it up (booked the event, accepted the award, took the opportunity), once per student, so
staff can see take-up by benefit and by characteristic.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import TimestampedModel, done_by
from widen.students.models import Student
from widen.support.models.schemes import Scheme


class BenefitKind(models.TextChoices):
    AWARD = "award", "Bursary or award"
    EVENT = "event", "Workshop or networking event"
    OPPORTUNITY = "opportunity", "Opportunity"


class Benefit(AuditedModel, TimestampedModel):
    """Something a scheme's members may use. An event benefit names the event (seen and booked
    only by members, `Event.members_only`); an award benefit names the award scheme; an
    opportunity says who offers it and may be offered to members first until a date."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(max_length=12, choices=BenefitKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    offered_by = models.CharField(
        max_length=120,
        blank=True,
        help_text='Who offers it, for example "Careers service" or "Students\' union".',
    )
    link = models.URLField(blank=True, help_text="Where members find out more or sign up.")
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheme_benefits",
    )
    award_scheme = models.ForeignKey(
        "support.AwardScheme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="benefits",
    )
    members_first_until = models.DateField(
        "Members first until",
        null=True,
        blank=True,
        help_text="Offered only to members until this date, then to every student.",
    )
    is_active = models.BooleanField("Offered now", default=True)
    created_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["scheme", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="event", event__isnull=False)
                | ~Q(kind="event") & Q(event__isnull=True),
                name="benefit_event_only_for_events",
            ),
            models.CheckConstraint(
                condition=Q(kind="award", award_scheme__isnull=False)
                | ~Q(kind="award") & Q(award_scheme__isnull=True),
                name="benefit_award_only_for_awards",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_organisation_id(self) -> Any:
        return self.scheme.organisation_id


class BenefitUse(models.Model):
    """A student took up a benefit (once, however often they used it)."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="uses")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="benefit_uses")
    used_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["benefit", "student"], name="benefit_used_once"),
        ]

    def __str__(self) -> str:
        return f"{self.benefit} used"
