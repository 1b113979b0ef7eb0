"""`TheoryOfChange` is TASO's core theory of change for an activity or a programme, linked to
the MOAT outcomes of its activity types."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from widen.activities.models import Activity
from widen.core.models import TimestampedModel, done_by
from widen.organisations.models import Partnership
from widen.programmes.models import Programme


class TheoryOfChange(TimestampedModel):
    """TASO's core theory of change for one activity or one programme."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="theories_of_change"
    )
    activity = models.OneToOneField(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theory_of_change",
    )
    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theory_of_change",
    )
    problem = models.TextField(help_text="The problem the work addresses, and for whom.")
    inputs = models.TextField(help_text="Staff, money, time, partners and materials it needs.")
    activities = models.TextField(help_text="What is done with the learners.")
    outcomes = models.TextField(help_text="The short- and medium-term changes it aims for.")
    impacts = models.TextField(help_text="The long-term change it contributes to.")
    assumptions = models.TextField(help_text="What must hold true for each step to lead on.")
    # The MOAT intended outcomes (of the activity types involved) this theory aims at.
    moat_outcomes = models.JSONField(default=list, blank=True)
    created_by = done_by()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "theories of change"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(activity__isnull=False, programme__isnull=True)
                    | models.Q(activity__isnull=True, programme__isnull=False)
                ),
                name="theory_of_change_for_activity_or_programme",
            )
        ]

    def __str__(self) -> str:
        subject = self.activity or self.programme
        return f"Theory of change: {subject}"

    def available_moat_outcomes(self) -> list[str]:
        """The intended outcomes of the MOAT activity types this theory covers, in order."""
        outcomes: list[str] = []
        if self.activity is not None:
            outcomes.extend(self.activity.sub_type.activity_type.intended_outcomes)
        elif self.programme is not None:
            for stage in self.programme.stages.prefetch_related("required_types", "optional_types"):
                for activity_type in [*stage.required_types.all(), *stage.optional_types.all()]:
                    outcomes.extend(activity_type.intended_outcomes)
        return list(dict.fromkeys(outcomes))

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if bool(self.activity_id) == bool(self.programme_id):
            errors["activity"] = ["Choose either an activity or a programme."]
        elif self.activity is not None and self.activity.partnership_id != self.partnership_id:
            errors["activity"] = ["Choose an activity of this partnership."]
        elif self.programme is not None and self.programme.partnership_id != self.partnership_id:
            errors["programme"] = ["Choose a programme of this partnership."]
        elif not isinstance(self.moat_outcomes, list):
            errors["moat_outcomes"] = ["Choose outcomes from the list."]
        else:
            unknown = set(self.moat_outcomes) - set(self.available_moat_outcomes())
            if unknown:
                errors["moat_outcomes"] = [
                    "Choose outcomes the activity types intend: "
                    + ", ".join(sorted(str(item) for item in unknown))
                    + " is not one of them."
                ]
        if errors:
            raise ValidationError(errors)
