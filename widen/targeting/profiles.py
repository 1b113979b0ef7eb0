"""Area profiles: every learner's home postcode joined to the loaded open data, in one pass.

One Polars query joins the learners' postcodes to the postcode directory (LSOA, MSOA, ward,
nation), the nation's own deprivation index (IMD and IDACI for England, WIMD for Wales, SIMD for
Scotland: the area codes are nation-prefixed, so an English measure can never attach to a Welsh
area) and the OfS postcode look-up. Nothing loops over learners in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from widen.reference.datasets import real_area
from widen.reference.frames import edition_frame
from widen.reference.models import Dataset, DatasetEdition, Measure
from widen.reference.services import current_edition
from widen.targeting.models import ProfileStatus

LEARNER = "learner_id"
POSTCODE = "postcode"
FEW_POSTCODES = 20_000


@dataclass(frozen=True)
class ProfileEditions:
    """The dataset editions a computation uses (by default the ones loaded last)."""

    postcodes: DatasetEdition | None
    wards: DatasetEdition | None
    imd: DatasetEdition | None
    idaci: DatasetEdition | None
    wimd: DatasetEdition | None
    simd: DatasetEdition | None
    participation: DatasetEdition | None

    @classmethod
    def current(cls) -> ProfileEditions:
        return cls(
            postcodes=current_edition(Dataset.POSTCODES),
            wards=current_edition(Dataset.CODE_POINT),
            imd=current_edition(Dataset.IOD2019, measure=Measure.IMD),
            idaci=current_edition(Dataset.IOD2019, measure=Measure.IDACI),
            wimd=current_edition(Dataset.WIMD2019),
            simd=current_edition(Dataset.SIMD2020),
            participation=current_edition(Dataset.OFS_POSTCODES),
        )

    def pinned(self, editions: Sequence[DatasetEdition]) -> ProfileEditions:
        """These editions instead of the current ones (to recompute a past return exactly)."""
        chosen = dict(self.__dict__)
        for edition in editions:
            if edition.dataset == Dataset.POSTCODES:
                chosen["postcodes"] = edition
            elif edition.dataset == Dataset.CODE_POINT:
                chosen["wards"] = edition
            elif edition.dataset == Dataset.IOD2019:
                for measure in edition.measures:
                    chosen[measure] = edition
            elif edition.dataset == Dataset.WIMD2019:
                chosen["wimd"] = edition
            elif edition.dataset == Dataset.SIMD2020:
                chosen["simd"] = edition
            elif edition.dataset == Dataset.OFS_POSTCODES:
                chosen["participation"] = edition
        return ProfileEditions(**chosen)

    def missing(self) -> list[str]:
        """What is not loaded, in the words the pages and the CLI use."""
        notes = []
        if self.postcodes is None:
            notes.append("Postcode directory not loaded — load the ONS postcode lookup")
        if self.imd is None:
            notes.append("IMD not loaded — load the English Indices of Deprivation 2019")
        if self.participation is None:
            notes.append("POLAR4/TUNDRA not loaded — load the OfS postcode look-up")
        return notes


def _edition_id(edition: DatasetEdition | None) -> pl.Expr:
    return pl.lit(edition.pk if edition else None, dtype=pl.Int64)


def _measure(edition: DatasetEdition | None, measure: str, prefix: str) -> pl.LazyFrame | None:
    if edition is None:
        return None
    return (
        edition_frame(edition)
        .filter(pl.col("measure") == measure)
        .select(
            pl.col("area").alias("lsoa"),
            pl.col("rank").cast(pl.Int64).alias(f"{prefix}_rank"),
            pl.col("decile").cast(pl.Int64).alias(f"{prefix}_decile"),
        )
    )


def _not_loaded(frame: pl.LazyFrame, kinds: dict[str, Any], **more: Any) -> pl.LazyFrame:
    """`frame` with the columns a dataset that is not loaded would have given, all empty."""
    return frame.with_columns(
        pl.lit(None, kind).alias(name) for name, kind in (kinds | more).items()
    )


def area_profiles(learners: pl.DataFrame, editions: ProfileEditions) -> pl.DataFrame:
    """One row per learner (columns `learner_id`, `postcode`) with the profile's model columns."""
    frame = learners.lazy().select(
        pl.col(LEARNER), pl.col(POSTCODE).fill_null("").str.strip_chars().alias(POSTCODE)
    )
    # A few postcodes (a look-up, one learner's edit): read only their rows of each file.
    wanted = (
        learners[POSTCODE].drop_nulls().unique().to_list()
        if learners.height <= FEW_POSTCODES
        else None
    )

    def by_postcode(edition: DatasetEdition) -> pl.LazyFrame:
        rows = edition_frame(edition)
        return rows if wanted is None else rows.filter(pl.col(POSTCODE).is_in(wanted))

    if editions.postcodes is not None:
        directory = by_postcode(editions.postcodes).select(
            POSTCODE,
            pl.col("country").alias("nation"),
            # Editions loaded before pseudo-codes were dropped at loading may hold L99999999.
            real_area("lsoa").alias("lsoa"),
            real_area("msoa").alias("msoa"),
            real_area("ward").alias("ward"),
            "terminated",
            pl.lit(True).alias("_found"),
        )
        frame = frame.join(directory, on=POSTCODE, how="left")
    else:
        frame = _not_loaded(
            frame,
            dict.fromkeys(("nation", "lsoa", "msoa", "ward", "terminated"), pl.Utf8),
            _found=pl.Boolean,
        )
    frame = frame.with_columns(_directory_ward=pl.col("ward"))
    has_ward = pl.col("_directory_ward").fill_null("") != ""
    ward_edition: pl.Expr = pl.when(has_ward).then(_edition_id(editions.postcodes))
    if editions.wards is not None:
        wards = by_postcode(editions.wards).select(
            POSTCODE, pl.col("ward").alias("_code_point_ward")
        )
        frame = frame.join(wards, on=POSTCODE, how="left").with_columns(
            ward=pl.when(pl.col("ward").fill_null("") != "")
            .then(pl.col("ward"))
            .otherwise(pl.col("_code_point_ward"))
        )
        ward_edition = (
            pl.when(has_ward)
            .then(_edition_id(editions.postcodes))
            .when(pl.col("_code_point_ward").fill_null("") != "")
            .then(_edition_id(editions.wards))
        )
    for edition, measure, prefix in (
        (editions.imd, Measure.IMD, "imd"),
        (editions.idaci, Measure.IDACI, "idaci"),
        (editions.wimd, Measure.WIMD, "wimd"),
        (editions.simd, Measure.SIMD, "simd"),
    ):
        measures = _measure(edition, measure, prefix)
        if measures is None:
            frame = _not_loaded(
                frame, dict.fromkeys((f"{prefix}_rank", f"{prefix}_decile"), pl.Int64)
            )
        else:
            frame = frame.join(measures, on="lsoa", how="left")
    if editions.participation is not None:
        participation = by_postcode(editions.participation).select(
            POSTCODE,
            pl.col("polar4_quintile").cast(pl.Int64),
            pl.col("tundra_msoa_quintile").cast(pl.Int64),
            pl.col("tundra_lsoa_quintile").cast(pl.Int64),
            pl.col("uni_connect_target_ward"),
            pl.lit(True).alias("_in_participation"),
        )
        frame = frame.join(participation, on=POSTCODE, how="left")
    else:
        frame = _not_loaded(
            frame,
            dict.fromkeys(
                ("polar4_quintile", "tundra_msoa_quintile", "tundra_lsoa_quintile"), pl.Int64
            ),
            uni_connect_target_ward=pl.Boolean,
            _in_participation=pl.Boolean,
        )
    found = pl.col("_found").fill_null(False)
    status = (
        pl.when(pl.col(POSTCODE) == "")
        .then(pl.lit(ProfileStatus.NO_POSTCODE.value))
        .when(pl.lit(editions.postcodes is None))
        .then(pl.lit(ProfileStatus.NOT_LOADED.value))
        .when(~found)
        .then(pl.lit(ProfileStatus.NOT_FOUND.value))
        .when(pl.col("terminated").fill_null("") != "")
        .then(pl.lit(ProfileStatus.TERMINATED.value))
        .otherwise(pl.lit(ProfileStatus.FOUND.value))
    )
    deprivation_edition = (
        pl.when(pl.col("imd_decile").is_not_null())
        .then(_edition_id(editions.imd))
        .when(pl.col("wimd_decile").is_not_null())
        .then(_edition_id(editions.wimd))
        .when(pl.col("simd_decile").is_not_null())
        .then(_edition_id(editions.simd))
    )
    return frame.select(
        pl.col(LEARNER),
        pl.col(POSTCODE),
        status.alias("status"),
        pl.col("nation").fill_null(""),
        pl.col("terminated").fill_null(""),
        pl.col("lsoa").fill_null(""),
        pl.col("msoa").fill_null(""),
        pl.col("ward").fill_null(""),
        pl.col("imd_rank"),
        pl.col("imd_decile"),
        ((pl.col("imd_decile") + 1) // 2).alias("imd_quintile"),
        pl.col("idaci_decile"),
        ((pl.col("idaci_decile") + 1) // 2).alias("idaci_quintile"),
        pl.col("wimd_decile"),
        pl.col("simd_decile"),
        pl.col("polar4_quintile"),
        pl.col("tundra_msoa_quintile"),
        pl.col("tundra_lsoa_quintile"),
        pl.col("uni_connect_target_ward"),
        pl.when(found).then(_edition_id(editions.postcodes)).alias("postcode_edition_id"),
        deprivation_edition.alias("deprivation_edition_id"),
        pl.when(pl.col("idaci_decile").is_not_null())
        .then(_edition_id(editions.idaci))
        .alias("idaci_edition_id"),
        ward_edition.alias("ward_edition_id"),
        pl.when(pl.col("_in_participation").fill_null(False))
        .then(_edition_id(editions.participation))
        .alias("participation_edition_id"),
    ).collect()


# The bands a profile places the learner's area in (the ones a rule set's criteria read).
BAND_COLUMNS: Sequence[str] = (
    "imd_decile",
    "imd_quintile",
    "idaci_decile",
    "idaci_quintile",
    "wimd_decile",
    "simd_decile",
    "polar4_quintile",
    "tundra_msoa_quintile",
    "tundra_lsoa_quintile",
    "uni_connect_target_ward",
)

PROFILE_COLUMNS: Sequence[str] = (
    *(LEARNER, POSTCODE, "status", "nation", "terminated", "lsoa", "msoa", "ward", "imd_rank"),
    *BAND_COLUMNS,
    "postcode_edition_id",
    "deprivation_edition_id",
    "idaci_edition_id",
    "ward_edition_id",
    "participation_edition_id",
)


def describe_profile(values: dict[str, Any], editions: dict[int, DatasetEdition]) -> list[str]:
    """The profile in words, e.g. 'IMD decile 1 (LSOA E01000001, IoD2019)'."""

    def named(edition_id: Any) -> str:
        edition = editions.get(edition_id)
        return str(edition.edition) if edition else "edition not recorded"

    lines = []
    for measure, where, edition in (
        ("IMD", "LSOA", "deprivation"),
        ("IDACI", "LSOA", "idaci"),
        ("WIMD", "Wales; LSOA", "deprivation"),
        ("SIMD", "Scotland; Data Zone", "deprivation"),
    ):
        if decile := values.get(f"{measure.lower()}_decile"):
            lines.append(
                f"{measure} decile {decile} ({where} {values['lsoa']}, "
                f"{named(values.get(f'{edition}_edition_id'))})"
            )
    return lines
