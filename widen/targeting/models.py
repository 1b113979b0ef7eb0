"""What targeting works out about each learner from official open data."""

from __future__ import annotations

from django.db import models

from widen.learners.models import Learner
from widen.reference.models import DatasetEdition


class ProfileStatus(models.TextChoices):
    FOUND = "found", "Found"
    TERMINATED = "terminated", "Found (a terminated postcode)"
    NOT_FOUND = "not_found", "Not in the postcode directory"
    NO_POSTCODE = "no_postcode", "No home postcode recorded"
    NOT_LOADED = "not_loaded", "Postcode directory not loaded"


class LearnerAreaProfile(models.Model):
    """The area measures of a learner's home postcode, each with the edition it came from.

    Worked out again (never edited) whenever the learner's postcode or the loaded data changes:
    `widen targeting run`, and after imports and edits.
    """

    # Derived from the learner: removing the learner removes it, and rolling back an import
    # may remove it too (see the learner import's rollback).
    recomputed_from_learner = True

    learner = models.OneToOneField(
        Learner, on_delete=models.CASCADE, primary_key=True, related_name="area_profile"
    )
    postcode = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=12, choices=ProfileStatus.choices)
    nation = models.CharField(max_length=1, blank=True)  # E, W, S, N (L, M: Channel Is., IoM)
    terminated = models.CharField(max_length=6, blank=True)  # YYYYMM
    lsoa = models.CharField("LSOA (2011) or Data Zone", max_length=10, blank=True)
    msoa = models.CharField("MSOA (2011) or Intermediate Zone", max_length=10, blank=True)
    ward = models.CharField(max_length=10, blank=True)
    imd_rank = models.PositiveIntegerField(null=True, blank=True)
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
    postcode_edition = models.ForeignKey(
        DatasetEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deprivation_edition = models.ForeignKey(
        DatasetEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idaci_edition = models.ForeignKey(
        DatasetEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ward_edition = models.ForeignKey(
        DatasetEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participation_edition = models.ForeignKey(
        DatasetEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["lsoa"]), models.Index(fields=["imd_decile"])]

    def __str__(self) -> str:
        return f"{self.postcode or 'no postcode'}: {self.get_status_display()}"
