"""The flexibility plan each student partner owns, and which drives what they are offered.

A plan says when the student can work (regular weekly patterns, and one-off changes on a date),
how many hours a week at most, which modes suit (on site, online, hybrid) and what helps (shown
to the coordinator, e.g. "no early starts on Mondays"). The reasons behind it are the student's:
encrypted at rest and shown to nobody else unless they choose to share them.

A shift fits a plan when its mode is one the plan accepts and every minute of it falls inside an
available window on its day: a one-off change for that date replaces the day's regular patterns
(a change with no times means "not available that day").
"""

from __future__ import annotations

from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import TimestampedModel


class WorkMode(models.TextChoices):
    ON_SITE = "on_site", "On site"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


WEEKDAYS = (
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
)


class FlexibilityPlan(AuditedModel, TimestampedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="plan"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    max_weekly_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The most you want to work in a week (Monday to Sunday); empty for no limit.",
    )
    modes = models.JSONField(
        default=list, help_text="The ways of working that suit: on site, online, hybrid."
    )
    what_helps = models.TextField(
        blank=True,
        max_length=2000,
        help_text='Shown to your coordinator, for example "no early starts on Mondays".',
    )
    reasons = EncryptedTextField(
        blank=True,
        default="",
        help_text="Why, for you only: shown to nobody else unless you choose to share it.",
    )
    share_reasons = models.BooleanField(
        default=False, help_text="Let my coordinator read my reasons."
    )

    audit_excluded_fields = frozenset({"created_at", "updated_at", "reasons"})

    def __str__(self) -> str:
        return f"Plan of {self.partner_id}"

    @property
    def reasons_for_coordinator(self) -> str:
        """What a coordinator may read of the reasons: nothing, unless the student shares them."""
        return self.reasons if self.share_reasons else ""


class PlanPattern(AuditedModel, TimestampedModel):
    """A regular weekly window when the student can work."""

    audit_attnames = (NO_LEARNER, "organisation_id")

    plan = models.ForeignKey(FlexibilityPlan, on_delete=models.CASCADE, related_name="patterns")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="partners_pattern_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class PlanChange(AuditedModel, TimestampedModel):
    """A one-off change on a date: available only in this window, or (no times) not at all."""

    audit_attnames = (NO_LEARNER, "organisation_id")

    plan = models.ForeignKey(FlexibilityPlan, on_delete=models.CASCADE, related_name="changes")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(starts_at__isnull=True) & models.Q(ends_at__isnull=True))
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="partners_change_window_or_whole_day",
            )
        ]

    def __str__(self) -> str:
        if self.starts_at is None:
            return f"Not available on {self.date:%-d %B %Y}"
        return f"{self.date:%-d %B %Y} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def unavailable(self) -> bool:
        return self.starts_at is None
