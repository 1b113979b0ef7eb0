"""Summaries of attendance, kept up to date as attendance is written, so that the dashboard never
adds up attendance while someone waits.

Three tables, each worked out from attendance alone (`widen reporting rebuild` makes them again
from scratch, and gives the same rows):

* `LearnerActivityEngagement`: one row per learner per activity they attended (hours, sessions,
  first and last date) — the grain of the monitoring export;
* `LearnerEngagement`: one row per learner per partnership (hours, sessions, activities,
  academic years, first and last date), with the learner's school and birth cohort as they were
  when their attendance last changed;
* `ReachCount`: per partnership, learners engaged, hours and sessions attended in total and by
  school, year group (birth cohort), activity type and delivering partner;
* `TargetCount`: per rule set, learners engaged by whether it is for them, and by school the
  learners it is for and how many of them are engaged. Forgotten when targeting writes the rule
  set's results, and worked out again (one GROUP BY over its results) the next time it is shown;
* `ProgrammeCount`: per programme and school, learners enrolled now and how many of them meet
  the programme's sustained-engagement measure; forgotten when enrolments change, worked out
  again the next time it is shown, and moved as registers are marked.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from widen.activities.models import Activity
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership
from widen.programmes.models import ActivityType, Programme
from widen.targeting.models import RuleSet


def _copied(model: type[models.Model], **options: Any) -> models.ForeignKey[Any, Any]:
    """A value copied into a summary when it was worked out (so that the dashboard and the export
    need no join), kept without a constraint or an index of its own."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
        **options,
    )


class Engagement(models.Model):
    """What the two per-learner summaries share: whose, in which partnership, how much and when.

    Derived from the learner's attendance: an import's rollback or a merge may remove it and work
    it out again."""

    recomputed_from_learner = True

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    hours = models.DecimalField(max_digits=9, decimal_places=2)
    sessions = models.PositiveIntegerField()
    first_attended = models.DateField()
    last_attended = models.DateField()

    class Meta:
        abstract = True


class LearnerActivityEngagement(Engagement):
    """What one learner attended of one activity (each session once, whoever marked it)."""

    pk = models.CompositePrimaryKey("learner", "activity")
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # Copied from the activity.
    activity_type = _copied(ActivityType)
    delivered_by = _copied(Organisation)

    class Meta:
        verbose_name = "learner's engagement with an activity"
        verbose_name_plural = "learners' engagement with activities"

    def __str__(self) -> str:
        return f"{self.learner_id} at {self.activity_id}: {self.hours} hours"


class LearnerEngagement(Engagement):
    """Everything one learner attended of one partnership's activities."""

    pk = models.CompositePrimaryKey("learner", "partnership")
    # The learner's holder, school and birth cohort (the academic year their school year began
    # in: Year = this academic year - cohort - 5) when their attendance last changed.
    organisation = _copied(Organisation)
    school = _copied(Organisation, null=True)
    birth_cohort = models.PositiveSmallIntegerField()
    activities = models.PositiveIntegerField()
    academic_years = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "learner's engagement"
        verbose_name_plural = "learners' engagement"

    def __str__(self) -> str:
        return f"{self.learner_id} in {self.partnership_id}: {self.hours} hours"


class Dimension(models.TextChoices):
    ALL = "all", "All learners engaged"
    SCHOOL = "school", "School or college"
    YEAR = "year", "Year group"
    TYPE = "type", "Activity type"
    PARTNER = "partner", "Delivering partner"


class Tallied(models.Model):
    """Learners, hours and sessions counted for one key of one dimension."""

    dimension: str
    key = models.CharField(max_length=40, blank=True)
    learners = models.IntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    sessions = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.dimension} {self.key}: {self.learners} learners"


class ReachCount(Tallied):
    """Learners engaged, hours and sessions attended for one partnership, in total (dimension
    "all") or for one school, birth cohort, activity type or delivering partner (the key: its
    id, the cohort's year, or "" for learners with no school recorded)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "dimension", "key"], name="reach_count_once"
            )
        ]


class TargetDimension(models.TextChoices):
    CURRENT = "current", "Counts are current"
    ENGAGED = "engaged", "Learners engaged, by target status (key: yes or no)"
    ELIGIBLE = "eligible", "Learners the rule set is for, by school"
    ELIGIBLE_ENGAGED = "eligible_engaged", "Learners the rule set is for and engaged, by school"


class TargetCount(Tallied):
    """For one rule set of a partnership: learners engaged by target status, and by school the
    learners it is for and how many of them are engaged. The row of dimension "current" says
    the counts match the rule set's results; without it they are worked out again."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=20, choices=TargetDimension.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "dimension", "key"], name="target_count_once"
            )
        ]


class ProgrammeCount(models.Model):
    """Learners enrolled now on one programme at one school ("" for none recorded), and how many
    meet its sustained-engagement measure. The row with key "current" and no school says the
    counts match the enrolments; without it they are worked out again."""

    CURRENT = "current"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40, blank=True)
    enrolled = models.IntegerField(default=0)
    sustained = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="programme_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.key}: {self.sustained} of {self.enrolled}"
