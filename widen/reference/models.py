"""Official open data, one loaded file (a dataset edition) at a time.

Every row belongs to the edition it was loaded from, and editions are never changed once loaded:
a learner's area profile names the editions that produced it, so a return made with last year's
data can be computed again exactly after this year's files are loaded.
"""

from __future__ import annotations

from django.db import models


class Dataset(models.TextChoices):
    POSTCODES = "postcodes", "ONS postcode directory (postcode → OA, LSOA, MSOA)"
    CODE_POINT = "codepoint", "OS Code-Point Open (wards, grid references)"
    IOD2019 = "iod2019", "English Indices of Deprivation 2019 (IMD, IDACI)"
    WIMD2019 = "wimd2019", "Welsh Index of Multiple Deprivation 2019"
    SIMD2020 = "simd2020", "Scottish Index of Multiple Deprivation 2020v2"
    OFS_POSTCODES = "ofs", "OfS postcode look-up (POLAR4, TUNDRA, Uni Connect target wards)"
    GIAS = "gias", "DfE Get Information About Schools (establishments)"


class DatasetEdition(models.Model):
    """One official file as loaded: who published it, which edition, and its checksum."""

    dataset = models.CharField(max_length=20, choices=Dataset.choices)
    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    edition = models.CharField(
        max_length=60, help_text="The edition as its publisher names it, e.g. 'May 2022'."
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField("File checksum (SHA-256)", max_length=64)
    file_size = models.BigIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    measures = models.JSONField(
        default=list, blank=True, help_text="What this file carries, e.g. ['imd', 'idaci']."
    )
    synthetic = models.BooleanField(
        default=False,
        help_text="Invented values in an official layout, for testing: never shown as official.",
    )
    licence = models.CharField(max_length=300, blank=True)
    attribution = models.TextField(blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=150, blank=True)
    load_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["dataset", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "file_sha256"], name="dataset_edition_file_once"
            )
        ]

    def __str__(self) -> str:
        label = f"{self.get_dataset_display()}, {self.edition}"
        return f"{label} (synthetic)" if self.synthetic else label


class EditionRow(models.Model):
    """A row of one loaded file: it goes with its edition, and nothing else changes it."""

    edition = models.ForeignKey(DatasetEdition, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class PostcodeRow(EditionRow):
    """A row of a file with one row per postcode."""

    postcode = models.CharField(max_length=8)  # one space before the last three characters

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.postcode


class PostcodeArea(PostcodeRow):
    """A postcode's census geography, from the ONS postcode directory (live and terminated)."""

    country = models.CharField(max_length=1, blank=True)  # E, W, S, N (from the area codes)
    oa = models.CharField("Output Area (2011)", max_length=10, blank=True)
    lsoa = models.CharField("LSOA (2011) or Data Zone", max_length=10, blank=True)
    msoa = models.CharField("MSOA (2011) or Intermediate Zone", max_length=10, blank=True)
    local_authority = models.CharField(max_length=10, blank=True)
    ward = models.CharField(max_length=10, blank=True)
    introduced = models.CharField(max_length=6, blank=True)  # YYYYMM
    terminated = models.CharField(max_length=6, blank=True)  # YYYYMM, blank when live
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "postcode"], name="postcode_area_once")
        ]


class PostcodeWard(PostcodeRow):
    """A live GB postcode's ward, district and grid reference, from OS Code-Point Open."""

    ward = models.CharField(max_length=10, blank=True)
    district = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=10, blank=True)
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)
    positional_quality = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "postcode"], name="postcode_ward_once")
        ]


class Measure(models.TextChoices):
    IMD = "imd", "IMD 2019 (England)"
    IDACI = "idaci", "IDACI 2019 (England)"
    WIMD = "wimd", "WIMD 2019 (Wales)"
    SIMD = "simd", "SIMD 2020v2 (Scotland)"


class AreaDeprivation(EditionRow):
    """An area's rank and decile on one nation's index (rank 1 and decile 1: most deprived)."""

    area = models.CharField(max_length=10)  # LSOA 2011 (England, Wales) or Data Zone 2011
    measure = models.CharField(max_length=10, choices=Measure.choices)
    rank = models.PositiveIntegerField()
    decile = models.PositiveSmallIntegerField()
    decile_derived = models.BooleanField(
        default=False, help_text="The decile was worked out from the rank (not in the file)."
    )

    def __str__(self) -> str:
        return f"{self.area} {self.measure} decile {self.decile}"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "measure", "area"], name="area_deprivation_once"
            )
        ]


class PostcodeParticipation(PostcodeRow):
    """A postcode's OfS area measures: POLAR4, TUNDRA, Adult HE, GAPS, Uni Connect target ward."""

    polar4_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    polar3_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    tundra_msoa_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    tundra_lsoa_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    adult_he_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    gaps_gcse_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    gaps_gcse_ethnicity_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    uni_connect_target_ward = models.BooleanField(default=False)
    target_ward_flag = models.CharField(max_length=4, blank=True)  # as published: "1", "1*"
    reason_removed_polar = models.CharField(max_length=100, blank=True)
    reason_removed_tundra = models.CharField(max_length=100, blank=True)
    msoa = models.CharField(max_length=10, blank=True)
    lsoa = models.CharField(max_length=10, blank=True)
    ward = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "postcode"], name="postcode_participation_once"
            )
        ]


class Establishment(EditionRow):
    """A school, college or other establishment as GIAS records it."""

    urn = models.CharField("URN", max_length=6)
    name = models.CharField(max_length=200)
    establishment_type = models.CharField(max_length=100, blank=True)
    type_group = models.CharField(max_length=100, blank=True)
    phase = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=60, blank=True)
    local_authority_code = models.CharField(max_length=10, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    percentage_fsm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    number_of_pupils = models.PositiveIntegerField(null=True, blank=True)
    state_funded = models.BooleanField(null=True, blank=True)
    # GIAS "Easting" and "Northing": the grid reference, British National Grid (EPSG:27700).
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "urn"], name="establishment_once")
        ]
