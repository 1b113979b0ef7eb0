"""Progression programmes and the activity catalogue they are designed from."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from widen.audit.models import AuditedModel
from widen.core.models import TimestampedModel
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership
from widen.targeting.models import RuleSet


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


class Programme(TimestampedModel):
    """A sustained, progressive programme (e.g. a Learner Progression Programme): a stage per
    year group, for the learners its rule set is for."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        help_text="Who the programme is for (from targeting).",
    )
    # Sustained engagement: at least these hours across at least these many activities,
    # spanning at least these many academic years.
    sustained_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("10"))
    sustained_activities = models.PositiveSmallIntegerField(default=3)
    sustained_years = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="programme_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeStage(models.Model):
    """What a programme plans for one year group: activity types and target hours."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    year_group = models.PositiveSmallIntegerField()
    target_hours = models.DecimalField(max_digits=6, decimal_places=2)
    required_types = models.ManyToManyField(ActivityType, blank=True, related_name="+")
    optional_types = models.ManyToManyField(ActivityType, blank=True, related_name="+")

    class Meta:
        ordering = ["year_group"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year_group"], name="stage_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme}: Year {self.year_group}"


class Enrolment(AuditedModel, TimestampedModel):
    """A learner's time on a programme. Leaving ends it; re-joining starts another."""

    audit_attnames = ("learner_id", "organisation_id")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="enrolments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "learner"],
                condition=models.Q(left_on=None),
                name="enrolled_once_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} on {self.programme_id} from {self.joined_on}"
