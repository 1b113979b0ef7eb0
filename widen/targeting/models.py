"""What targeting works out about each learner from official open data."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Now

from widen.core.models import TimestampedModel, done_by
from widen.learners.models import Learner
from widen.organisations.models import DataSharingAgreement, Partnership
from widen.reference.models import DatasetEdition


class ProfileStatus(models.TextChoices):
    FOUND = "found", "Found"
    TERMINATED = "terminated", "Found (a terminated postcode)"
    NOT_FOUND = "not_found", "Not in the postcode directory"
    NO_POSTCODE = "no_postcode", "No home postcode recorded"
    NOT_LOADED = "not_loaded", "Postcode directory not loaded"


def _edition_used() -> models.ForeignKey[Any, Any]:
    """The dataset edition a profile's figures came from."""
    return models.ForeignKey(
        DatasetEdition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        # Written a million at a time and looked up by learner: no index, and no database
        # constraint to check for every row (Django keeps PROTECT; editions are never changed).
        db_index=False,
        db_constraint=False,
    )


class AreaMeasures(models.Model):
    """The area measures of a home postcode, each with the edition it came from: what a
    learner's and a student's area profiles both hold."""

    postcode = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=12, choices=ProfileStatus.choices)
    lsoa = models.CharField("LSOA (2011) or Data Zone", max_length=10, blank=True)
    msoa = models.CharField("MSOA (2011) or Intermediate Zone", max_length=10, blank=True)
    ward = models.CharField(max_length=10, blank=True)
    imd_decile = models.PositiveSmallIntegerField("IMD decile", null=True, blank=True)
    imd_quintile = models.PositiveSmallIntegerField("IMD quintile", null=True, blank=True)
    idaci_decile = models.PositiveSmallIntegerField("IDACI decile", null=True, blank=True)
    idaci_quintile = models.PositiveSmallIntegerField("IDACI quintile", null=True, blank=True)
    wimd_decile = models.PositiveSmallIntegerField("WIMD decile", null=True, blank=True)
    simd_decile = models.PositiveSmallIntegerField("SIMD decile", null=True, blank=True)
    polar4_quintile = models.PositiveSmallIntegerField("POLAR4 quintile", null=True, blank=True)
    tundra_msoa_quintile = models.PositiveSmallIntegerField(
        "TUNDRA (MSOA) quintile", null=True, blank=True
    )
    tundra_lsoa_quintile = models.PositiveSmallIntegerField(
        "TUNDRA (LSOA) quintile", null=True, blank=True
    )
    uni_connect_target_ward = models.BooleanField(null=True, blank=True)
    deprivation_edition = _edition_used()
    idaci_edition = _edition_used()
    participation_edition = _edition_used()
    # Filled in by the database (the time of the transaction that wrote it): a million rows
    # need not each carry, and the database parse, the same timestamp.
    computed_at = models.DateTimeField(db_default=Now())

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.postcode or 'no postcode'}: {self.get_status_display()}"


class LearnerAreaProfile(AreaMeasures):
    """The area measures of a learner's home postcode, each with the edition it came from.

    Worked out again (never edited) whenever the learner's postcode or the loaded data changes:
    `widen targeting run`, and after imports and edits.
    """

    # Derived from the learner: removing the learner removes it, and rolling back an import
    # may remove it too (see the learner import's rollback).
    recomputed_from_learner = True

    # Written a million at a time: no database constraint checked (and, on PostgreSQL, no
    # learner row locked) for every row. Django's cascade removes the profile with its learner:
    # learners are only ever removed through the ORM (erasure, an import's rollback).
    learner = models.OneToOneField(
        Learner,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="area_profile",
        db_constraint=False,
    )
    nation = models.CharField(max_length=1, blank=True)  # E, W, S, N (L, M: Channel Is., IoM)
    terminated = models.CharField(max_length=6, blank=True)  # YYYYMM
    imd_rank = models.PositiveIntegerField(null=True, blank=True)
    postcode_edition = _edition_used()
    ward_edition = _edition_used()


class RuleSet(TimestampedModel):
    """A partnership's named definition of who a programme is for; every change is a version."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rule_sets")
    name = models.CharField(max_length=120)
    purpose = models.TextField(
        blank=True, help_text="What the rule set is used for (needed to use special category data)."
    )
    agreement = models.ForeignKey(
        DataSharingAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rule_sets",
        help_text="The data-sharing agreement under which it reads learners' data.",
    )
    preset = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="rule_set_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> RuleSetVersion | None:
        return self.versions.order_by("-number").first()


class RuleSetVersion(models.Model):
    """One saved definition of a rule set; never changed once saved."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    description = models.TextField(blank=True)  # the definition in words, as saved
    uses_special_category = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = done_by()

    class Meta:
        ordering = ["rule_set", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "number"], name="rule_set_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule_set}, version {self.number}"


def _kept_by_cascade(to: type[models.Model], *, related_name: str) -> models.ForeignKey[Any, Any]:
    """A reference with no index of its own and no database constraint: Django's cascade keeps
    it consistent (see `LearnerEligibility`)."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        related_name=related_name,
        db_index=False,
        db_constraint=False,
    )


class LearnerEligibility(models.Model):
    """Whether a learner meets a rule set (at the version computed) and why, in words."""

    recomputed_from_learner = True

    # Results are written a million at a time, so the table has one index, its key: a rule
    # set's results are read and replaced together, and a learner's are looked up rule set by
    # rule set. None of its references is a database constraint checked for every row: Django's
    # cascade keeps them consistent (learners, rule sets and versions are only ever removed
    # through the ORM).
    pk = models.CompositePrimaryKey("rule_set", "learner")
    rule_set = _kept_by_cascade(RuleSet, related_name="results")
    learner = _kept_by_cascade(Learner, related_name="eligibility")
    version = _kept_by_cascade(RuleSetVersion, related_name="+")
    eligible = models.BooleanField()
    explanation = models.TextField()
    # Filled in by the database (the time of the transaction that wrote it): a million rows
    # need not each carry, and the database parse, the same timestamp.
    computed_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "learner eligibility"

    def __str__(self) -> str:
        return self.explanation
