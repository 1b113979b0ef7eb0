"""Progression programmes and the activity catalogue they are designed from."""

from __future__ import annotations

from django.db import models

from widen.core.models import TimestampedModel
from widen.organisations.models import Partnership


class ActivityType(models.Model):
    """One of the MOAT activity types Widen ships (campus visits, mentoring, …)."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    intended_outcomes = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ActivitySubType(TimestampedModel):
    """A kind of activity within a type: shipped (no partnership) or a partnership's own."""

    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="sub_types"
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_sub_types",
        help_text="Empty for the sub-types Widen ships; set for a partnership's own.",
    )
    name = models.CharField(max_length=160)

    class Meta:
        ordering = ["activity_type__position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity_type", "name"],
                condition=models.Q(partnership=None),
                name="shipped_sub_type_once",
            ),
            models.UniqueConstraint(
                fields=["activity_type", "partnership", "name"],
                name="partnership_sub_type_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type.name} → {self.name}"
