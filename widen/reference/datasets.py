"""The official datasets Widen loads: their publishers, layouts, checks and how rows are stored.

Each dataset turns a `SourceTable` (text columns) into the rows of its model with Polars column
expressions, and reports every row it cannot accept by line, column and reason; a file with any
such row is refused whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import models

from widen.reference.models import (
    AreaDeprivation,
    Dataset,
    Establishment,
    Measure,
    PostcodeArea,
    PostcodeParticipation,
    PostcodeWard,
)
from widen.reference.reading import DatasetError, Layout, SourceTable

OGL = "Open Government Licence v3.0"
MAX_PROBLEMS_SHOWN = 20
# Postcodes as the directories publish them; the outward code may be three letters alone in old,
# terminated postcodes (e.g. NPT 0AD, Newport, until 1984).
REFERENCE_POSTCODE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?|[A-Z]{3}|GIR)([0-9][A-Z]{2})$"
ROW = "_row"


@dataclass(frozen=True)
class DatasetSpec:
    dataset: Dataset
    publisher: str
    title: str
    layout: Layout
    model: type[models.Model]
    # The rows to store, and warnings about rows stored with something left out.
    build: Callable[[SourceTable], tuple[pl.DataFrame, list[str]]]
    attribution: str
    default_edition: str = ""
    measures: Callable[[pl.DataFrame], list[str]] = field(default=lambda frame: [])


class Checks:
    """Problems found in a table, each naming its row, column and reason."""

    def __init__(self, source: SourceTable) -> None:
        self.source = source
        self.problems: list[str] = []
        self.count = 0
        self.warnings: list[str] = []

    def failing(
        self, frame: pl.DataFrame, bad: pl.Expr, column: str, reason: str, label: str = ""
    ) -> None:
        """Record the rows of `frame` where `bad` holds (`label`: the heading to name)."""
        rows = frame.filter(bad).select(ROW, pl.col(column).alias("_value"))
        self.count += rows.height
        for row, value in rows.head(MAX_PROBLEMS_SHOWN).iter_rows():
            if len(self.problems) < MAX_PROBLEMS_SHOWN:
                shown = str(value)[:40]
                self.problems.append(
                    f"{self.source.place(row).capitalize()}, "
                    f"{label or self.source.headings.get(column, column)}: {reason}"
                    + (f" ('{shown}')" if shown else "")
                )

    def note(self, frame: pl.DataFrame, odd: pl.Expr, column: str, what: str) -> None:
        """Rows loaded anyway, with `what` done about them (a warning, not a refusal)."""
        rows = frame.filter(odd).select(ROW, pl.col(column).alias("_value"))
        if rows.height:
            heading = self.source.headings.get(column, column)
            places = ", ".join(
                f"{self.source.place(row)} ('{str(value)[:20]}')"
                for row, value in rows.head(5).iter_rows()
            )
            more = f" and {rows.height - 5:,} more" if rows.height > 5 else ""
            self.warnings.append(f"{heading} {what}: {places}{more}.")

    def raise_if_any(self, what: str) -> None:
        if self.count:
            more = self.count - len(self.problems)
            raise DatasetError(
                f"Nothing was loaded: {self.count:,} {what} cannot be accepted"
                + (f" ({more:,} more not listed)" if more > 0 else "")
                + ".",
                self.problems,
            )


def _with_rows(source: SourceTable) -> pl.DataFrame:
    return source.frame.with_row_index(ROW).with_columns(
        pl.col(column).str.strip_chars() for column in source.frame.columns
    )


def _postcode(column: str) -> pl.Expr:
    squeezed = pl.col(column).str.replace_all(r"\s+", "").str.to_uppercase()
    return (
        pl.when(squeezed.str.contains(REFERENCE_POSTCODE))
        .then(squeezed.str.replace(REFERENCE_POSTCODE, "$1 $2"))
        .otherwise(None)
    )


def _integer(column: str) -> pl.Expr:
    """Whole numbers, also when a spreadsheet wrote them as 12.0; blank and junk become null."""
    text = pl.col(column).str.replace(r"\.0+$", "")
    return pl.when(text.str.contains(r"^-?\d{1,9}$")).then(text.cast(pl.Int64)).otherwise(None)


def _duplicates(
    frame: pl.DataFrame, checks: Checks, key: list[str], column: str, label: str = ""
) -> None:
    repeated = frame.select(pl.struct(key).is_duplicated().alias("_repeated"))["_repeated"]
    checks.failing(
        frame.with_columns(_repeated=repeated),
        pl.col("_repeated"),
        column,
        "appears more than once in the file",
        label,
    )


# --- ONS postcode directory (PCD_OA_LSOA_MSOA_LAD, ONSPD, NSPL) -------------------------------

POSTCODES_LAYOUT = Layout(
    required={
        "postcode": ("pcds", "pcd", "pcd7", "pcd8", "pcd2", "postcode"),
        "lsoa": ("lsoa11cd", "lsoa11", "lsoa11_code"),
    },
    optional={
        "oa": ("oa11cd", "oa11"),
        "msoa": ("msoa11cd", "msoa11"),
        "local_authority": ("ladcd", "lad22cd", "laua", "lad"),
        "ward": ("osward", "ward", "wd22cd"),
        "introduced": ("dointr",),
        "terminated": ("doterm",),
        "easting": ("oseast1m",),
        "northing": ("osnrth1m",),
    },
)


# ONS pseudo-codes: a nation's letter then 99999999 (L99999999 Channel Islands, M99999999 Isle of
# Man, N99999999 for Northern Ireland's MSOA, E/W/S99999999), given where a postcode has no area
# of that geography. They name no area, so they are kept as "no area".
PSEUDO_AREA_CODE = r"^[A-Z]99999999$"


def real_area(column: str) -> pl.Expr:
    """The area codes of `column`, with the ONS pseudo-codes as "" (no area)."""
    return (
        pl.when(pl.col(column).str.contains(PSEUDO_AREA_CODE))
        .then(pl.lit(""))
        .otherwise(pl.col(column))
    )


def _build_postcodes(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame = _with_rows(source)
    for column in ("oa", "msoa", "local_authority", "ward", "introduced", "terminated"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column))
    for column in ("easting", "northing"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column))
    frame = frame.with_columns(_postcode=_postcode("postcode"))
    checks = Checks(source)
    checks.failing(frame, pl.col("_postcode").is_null(), "postcode", "not a UK postcode")
    for column in ("oa", "lsoa", "msoa", "local_authority", "ward"):
        checks.failing(
            frame,
            ~pl.col(column).str.contains(r"^[A-Z0-9]{0,10}$"),
            column,
            "not an area code",
        )
    for column in ("introduced", "terminated"):
        checks.failing(
            frame,
            ~pl.col(column).str.contains(r"^(\d{6})?$"),
            column,
            "not a year and month (YYYYMM)",
        )
    _duplicates(frame.filter(pl.col("_postcode").is_not_null()), checks, ["_postcode"], "postcode")
    checks.raise_if_any("rows")
    code = pl.coalesce(
        pl.when(pl.col(column) != "").then(pl.col(column))
        for column in ("local_authority", "oa", "lsoa")
    )
    first = code.str.slice(0, 1)
    rows = frame.select(
        postcode=pl.col("_postcode"),
        country=pl.when(first.is_in(["E", "W", "S", "N", "L", "M"]))
        .then(first)
        .otherwise(pl.lit("")),
        oa=real_area("oa"),
        lsoa=real_area("lsoa"),
        msoa=real_area("msoa"),
        local_authority=real_area("local_authority"),
        ward=real_area("ward"),
        introduced=pl.col("introduced"),
        terminated=pl.col("terminated"),
        easting=_integer("easting"),
        northing=_integer("northing"),
    )
    return rows, checks.warnings


# --- OS Code-Point Open ------------------------------------------------------------------------

CODE_POINT_COLUMNS = (
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
)
CODE_POINT_LAYOUT = Layout(
    required={
        "postcode": ("Postcode", "PC"),
        "ward": ("Admin_ward_code", "WD"),
        "eastings": ("Eastings", "EA"),
        "northings": ("Northings", "NO"),
    },
    optional={
        "quality": ("Positional_quality_indicator", "PQ"),
        "country": ("Country_code", "CY"),
        "district": ("Admin_district_code", "DC"),
    },
    headerless=CODE_POINT_COLUMNS,
)


def _build_code_point(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame = _with_rows(source)
    for column in ("quality", "country", "district"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column))
    frame = frame.with_columns(_postcode=_postcode("postcode"))
    checks = Checks(source)
    checks.failing(frame, pl.col("_postcode").is_null(), "postcode", "not a UK postcode")
    for column in ("eastings", "northings"):
        checks.failing(
            frame,
            _integer(column).is_null() & (pl.col(column) != ""),
            column,
            "not a whole number of metres",
        )
    checks.failing(
        frame, ~pl.col("ward").str.contains(r"^[A-Z0-9]{0,10}$"), "ward", "not a ward code"
    )
    _duplicates(frame.filter(pl.col("_postcode").is_not_null()), checks, ["_postcode"], "postcode")
    checks.raise_if_any("rows")
    rows = frame.select(
        postcode=pl.col("_postcode"),
        ward=pl.col("ward"),
        district=pl.col("district"),
        country=pl.col("country"),
        easting=_integer("eastings"),
        northing=_integer("northings"),
        positional_quality=_integer("quality"),
    )
    return rows, checks.warnings


# --- Indices of deprivation --------------------------------------------------------------------

IOD2019_LAYOUT = Layout(
    required={"area": ("LSOA code (2011)", "lsoa11cd", "lsoa11_code", "lsoa_code")},
    optional={
        "imd_rank": ("Index of Multiple Deprivation (IMD) Rank", "imd_rank"),
        "imd_decile": ("Index of Multiple Deprivation (IMD) Decile", "imd_decile"),
        "idaci_rank": (
            "Income Deprivation Affecting Children Index (IDACI) Rank",
            "idaci_rank",
        ),
        "idaci_decile": (
            "Income Deprivation Affecting Children Index (IDACI) Decile",
            "idaci_decile",
        ),
    },
)
WIMD2019_LAYOUT = Layout(
    required={
        "area": ("LSOA code", "lsoa11_code", "lsoa11cd", "lsoa"),
        "rank": ("WIMD 2019 rank", "wimd_2019_rank", "WIMD 2019 overall rank", "WIMD 2019"),
    },
    optional={},
)
SIMD2020_LAYOUT = Layout(
    required={
        "area": ("Data_Zone", "Data Zone", "DZ", "datazone2011"),
        "rank": ("SIMD2020v2_Rank", "SIMD 2020v2 rank", "SIMD2020_Rank", "simd_rank"),
    },
    optional={},
)
AREA_PATTERNS = {
    Measure.IMD: r"^E01\d{6}$",
    Measure.IDACI: r"^E01\d{6}$",
    Measure.WIMD: r"^W01\d{6}$",
    Measure.SIMD: r"^S01\d{6}$",
}
# How many areas each index ranks (rank 1 to this), whether or not a file holds them all.
AREA_COUNTS = {
    Measure.IMD: 32_844,
    Measure.IDACI: 32_844,
    Measure.WIMD: 1_909,
    Measure.SIMD: 6_976,
}
AREA_NAMES = {
    Measure.IMD: "LSOA 2011 code in England (E01…)",
    Measure.IDACI: "LSOA 2011 code in England (E01…)",
    Measure.WIMD: "LSOA 2011 code in Wales (W01…)",
    Measure.SIMD: "Data Zone 2011 code (S01…)",
}


def _ranked(
    source: SourceTable, measures: list[tuple[Measure, str, str | None]]
) -> tuple[pl.DataFrame, list[str]]:
    """Rows of AreaDeprivation for each (measure, rank column, decile column or None)."""
    frame = _with_rows(source)
    checks = Checks(source)
    size = AREA_COUNTS[measures[0][0]]
    pattern = AREA_PATTERNS[measures[0][0]]
    checks.failing(
        frame, ~pl.col("area").str.contains(pattern), "area", f"not a {AREA_NAMES[measures[0][0]]}"
    )
    _duplicates(frame, checks, ["area"], "area")
    parts = []
    for measure, rank_column, decile_column in measures:
        rank = _integer(rank_column)
        checks.failing(
            frame,
            rank.is_null() | (rank < 1) | (rank > size),
            rank_column,
            f"not a rank from 1 to {size:,}",
        )
        if decile_column is not None:
            decile = _integer(decile_column)
            checks.failing(
                frame,
                decile.is_null() | (decile < 1) | (decile > 10),
                decile_column,
                "not a decile from 1 to 10",
            )
            derived = False
        else:
            # Deciles of the ranks: decile 1 holds the most deprived tenth of all the nation's
            # areas (SIMD: ranks 1-697; WIMD: 1-190), also when the file is a subset.
            decile = ((rank * 10 + size - 1) // size).cast(pl.Int64)
            derived = True
        parts.append(
            frame.select(
                area=pl.col("area"),
                measure=pl.lit(measure.value),
                rank=rank,
                decile=decile,
                decile_derived=pl.lit(derived),
            )
        )
    checks.raise_if_any("rows")
    return pl.concat(parts), checks.warnings


def _build_iod2019(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    columns = set(source.frame.columns)
    measures: list[tuple[Measure, str, str | None]] = []
    for measure in (Measure.IMD, Measure.IDACI):
        rank, decile = f"{measure.value}_rank", f"{measure.value}_decile"
        if rank in columns:
            measures.append((measure, rank, decile if decile in columns else None))
    if not measures:
        raise DatasetError(
            "This file has no IMD or IDACI rank column: load IoD2019 File 1 (IMD), File 2 "
            "(domains) or File 3 (IDACI and IDAOPI)."
        )
    return _ranked(source, measures)


def _build_wimd2019(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    return _ranked(source, [(Measure.WIMD, "rank", None)])


def _build_simd2020(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    return _ranked(source, [(Measure.SIMD, "rank", None)])


# --- OfS postcode look-up ----------------------------------------------------------------------

OFS_LAYOUT = Layout(
    required={
        "postcode": ("postcode", "pcds"),
        "polar4_quintile": ("polar4_quintile", "POLAR4 quintile"),
        "tundra_msoa_quintile": ("tundra_msoa_quintile", "TUNDRA MSOA quintile"),
        "tundra_lsoa_quintile": ("tundra_lsoa_quintile", "TUNDRA LSOA quintile"),
        "uni_connect_target_ward": ("uni_connect_target_ward", "Uni Connect target ward"),
    },
    optional={
        "polar3_quintile": ("polar3_quintile",),
        "adult_he_quintile": ("adult_he_2011_quintile",),
        "gaps_gcse_quintile": ("gaps_gcse_quintile",),
        "gaps_gcse_ethnicity_quintile": ("gaps_gcse_ethnicity_quintile",),
        "reason_removed_polar": ("reason_removed_polar",),
        "reason_removed_tundra": ("reason_removed_tundra_lsoa", "reason_removed_tundra_msoa"),
        "msoa": ("msoa_current",),
        "lsoa": ("lsoa_current",),
        "ward": ("cas_ward_current",),
        "country": ("country",),
    },
)
OFS_QUINTILES = (
    "polar4_quintile",
    "polar3_quintile",
    "tundra_msoa_quintile",
    "tundra_lsoa_quintile",
    "adult_he_quintile",
    "gaps_gcse_quintile",
    "gaps_gcse_ethnicity_quintile",
)


def _build_ofs(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame = _with_rows(source)
    for column in (*OFS_QUINTILES, *OFS_LAYOUT.optional):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column))
    frame = frame.with_columns(_postcode=_postcode("postcode"))
    checks = Checks(source)
    checks.failing(frame, pl.col("_postcode").is_null(), "postcode", "not a UK postcode")
    for column in OFS_QUINTILES:
        checks.failing(
            frame,
            ~pl.col(column).str.replace(r"\.0+$", "").str.contains(r"^[1-5]?$"),
            column,
            "not a quintile from 1 to 5 (or blank where the OfS removed it)",
        )
    checks.failing(
        frame,
        ~pl.col("uni_connect_target_ward").str.contains(r"^(0|1|1\*|Y|N)?$"),
        "uni_connect_target_ward",
        "not a target-ward flag (1, 1* or blank)",
    )
    _duplicates(frame.filter(pl.col("_postcode").is_not_null()), checks, ["_postcode"], "postcode")
    checks.raise_if_any("rows")
    flag = pl.col("uni_connect_target_ward")
    rows = frame.select(
        postcode=pl.col("_postcode"),
        **{column: _integer(column) for column in OFS_QUINTILES},
        uni_connect_target_ward=flag.is_in(["1", "1*", "Y"]),
        target_ward_flag=flag,
        reason_removed_polar=pl.col("reason_removed_polar").str.slice(0, 100),
        reason_removed_tundra=pl.col("reason_removed_tundra").str.slice(0, 100),
        msoa=pl.col("msoa").str.slice(0, 10),
        lsoa=pl.col("lsoa").str.slice(0, 10),
        ward=pl.col("ward").str.slice(0, 10),
        country=pl.col("country").str.slice(0, 30),
    )
    return rows, checks.warnings


# --- DfE GIAS ----------------------------------------------------------------------------------

GIAS_LAYOUT = Layout(
    required={
        "urn": ("URN",),
        "name": ("EstablishmentName", "establishment_name", "name"),
    },
    optional={
        "establishment_type": ("TypeOfEstablishment (name)", "establishment_type"),
        "type_group": ("EstablishmentTypeGroup (name)", "establishment_type_group"),
        "phase": ("PhaseOfEducation (name)", "education_phase", "phase"),
        "status": ("EstablishmentStatus (name)", "establishment_status", "status"),
        "local_authority_code": ("LA (code)", "la_code"),
        "local_authority": ("LA (name)", "la_name"),
        "postcode": ("Postcode",),
        "percentage_fsm": ("PercentageFSM", "percentage_fsm"),
        "number_of_pupils": ("NumberOfPupils", "number_of_pupils"),
        "easting": ("Easting", "easting"),
        "northing": ("Northing", "northing"),
    },
)
# GIAS type groups whose establishments are funded by the state.
STATE_FUNDED_GROUPS = {
    "academies",
    "colleges",
    "free schools",
    "local authority maintained schools",
    "special schools",
}
NOT_STATE_FUNDED_TYPES = {"non-maintained special school", "other independent special school"}


def _build_gias(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame = _with_rows(source)
    for column in GIAS_LAYOUT.optional:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(column))
    frame = frame.with_columns(_postcode=_postcode("postcode"))
    checks = Checks(source)
    checks.failing(
        frame, ~pl.col("urn").str.contains(r"^[1-9]\d{5}$"), "urn", "not a 6-digit DfE URN"
    )
    checks.failing(frame, pl.col("name") == "", "name", "the establishment has no name")
    # GIAS records a few establishments (overseas, closed long ago) with no UK postcode: they
    # load without one rather than keeping the whole register out.
    checks.note(
        frame,
        pl.col("_postcode").is_null() & (pl.col("postcode") != ""),
        "postcode",
        "is not a UK postcode and was left blank",
    )
    fsm = pl.col("percentage_fsm")
    fsm_value = (
        pl.when(fsm.str.contains(r"^\d{1,3}(\.\d+)?$")).then(fsm.cast(pl.Float64)).otherwise(None)
    )
    checks.failing(
        frame,
        (fsm != "") & (fsm_value.is_null() | (fsm_value > 100)),
        "percentage_fsm",
        "not a percentage",
    )
    pupils = pl.col("number_of_pupils")
    checks.failing(
        frame,
        (pupils != "") & _integer("number_of_pupils").is_null(),
        "number_of_pupils",
        "not a number of pupils",
    )
    for column in ("easting", "northing"):
        checks.failing(
            frame,
            (pl.col(column) != "") & _integer(column).is_null(),
            column,
            "not a grid reference in metres",
        )
    _duplicates(frame, checks, ["urn"], "urn")
    checks.raise_if_any("establishments")
    group = pl.col("type_group").str.to_lowercase()
    kind = pl.col("establishment_type").str.to_lowercase()
    rows = frame.select(
        urn=pl.col("urn"),
        name=pl.col("name").str.slice(0, 200),
        establishment_type=pl.col("establishment_type").str.slice(0, 100),
        type_group=pl.col("type_group").str.slice(0, 100),
        phase=pl.col("phase").str.slice(0, 60),
        status=pl.col("status").str.slice(0, 60),
        local_authority_code=pl.col("local_authority_code").str.slice(0, 10),
        local_authority=pl.col("local_authority").str.slice(0, 100),
        postcode=pl.col("_postcode").fill_null(""),
        percentage_fsm=fsm_value.round(1),
        number_of_pupils=_integer("number_of_pupils"),
        # No grid reference: blank, or 0 as some GIAS extracts give it.
        easting=pl.when(_integer("easting") > 0).then(_integer("easting")).otherwise(None),
        northing=pl.when(_integer("northing") > 0).then(_integer("northing")).otherwise(None),
        state_funded=pl.when(group != "")
        .then(group.is_in(list(STATE_FUNDED_GROUPS)) & ~kind.is_in(NOT_STATE_FUNDED_TYPES))
        # Without the type group (some extracts), the type alone says it.
        .when(kind != "")
        .then(
            ~kind.str.contains("independent")
            & ~kind.str.contains("higher education")
            & ~kind.is_in(NOT_STATE_FUNDED_TYPES)
        )
        .otherwise(None),
    )
    return rows, checks.warnings


def _measures_present(frame: pl.DataFrame) -> list[str]:
    if "measure" in frame.columns:
        return sorted(frame["measure"].unique().to_list())
    return []


ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal "
    "Mail copyright and database right. Source: National Records of Scotland."
)

SPECS: dict[str, DatasetSpec] = {
    spec.dataset.value: spec
    for spec in (
        DatasetSpec(
            dataset=Dataset.POSTCODES,
            publisher="Office for National Statistics",
            title="Postcode to Output Area, LSOA, MSOA and Local Authority District lookup",
            layout=POSTCODES_LAYOUT,
            model=PostcodeArea,
            build=_build_postcodes,
            attribution=ONS_ATTRIBUTION,
        ),
        DatasetSpec(
            dataset=Dataset.CODE_POINT,
            publisher="Ordnance Survey",
            title="Code-Point Open",
            layout=CODE_POINT_LAYOUT,
            model=PostcodeWard,
            build=_build_code_point,
            attribution=(
                "Contains OS data © Crown copyright and database right. Contains Royal Mail "
                "data © Royal Mail copyright and database right. Contains National Statistics "
                "data © Crown copyright and database right."
            ),
        ),
        DatasetSpec(
            dataset=Dataset.IOD2019,
            publisher="Ministry of Housing, Communities and Local Government",
            title="English Indices of Deprivation 2019",
            layout=IOD2019_LAYOUT,
            model=AreaDeprivation,
            build=_build_iod2019,
            attribution=(
                "Contains public sector information licensed under the Open Government Licence "
                "v3.0. Source: Ministry of Housing, Communities and Local Government, English "
                "Indices of Deprivation 2019."
            ),
            default_edition="IoD2019",
            measures=_measures_present,
        ),
        DatasetSpec(
            dataset=Dataset.WIMD2019,
            publisher="Welsh Government",
            title="Welsh Index of Multiple Deprivation 2019",
            layout=WIMD2019_LAYOUT,
            model=AreaDeprivation,
            build=_build_wimd2019,
            attribution=(
                "Contains public sector information licensed under the Open Government Licence "
                "v3.0. Source: Welsh Government, Welsh Index of Multiple Deprivation 2019."
            ),
            default_edition="WIMD 2019",
            measures=_measures_present,
        ),
        DatasetSpec(
            dataset=Dataset.SIMD2020,
            publisher="Scottish Government",
            title="Scottish Index of Multiple Deprivation 2020v2",
            layout=SIMD2020_LAYOUT,
            model=AreaDeprivation,
            build=_build_simd2020,
            attribution=(
                "© Crown copyright, Scottish Government, Scottish Index of Multiple Deprivation "
                "2020v2, licensed under the Open Government Licence v3.0."
            ),
            default_edition="SIMD 2020v2",
            measures=_measures_present,
        ),
        DatasetSpec(
            dataset=Dataset.OFS_POSTCODES,
            publisher="Office for Students",
            title=(
                "Postcode look-up data (POLAR4, TUNDRA, Adult HE, GAPS, Uni Connect target wards)"
            ),
            layout=OFS_LAYOUT,
            model=PostcodeParticipation,
            build=_build_ofs,
            attribution=(
                "Contains public sector information licensed under the Open Government Licence "
                "v3.0. © Office for Students."
            ),
        ),
        DatasetSpec(
            dataset=Dataset.GIAS,
            publisher="Department for Education",
            title="Get Information About Schools: establishments",
            layout=GIAS_LAYOUT,
            model=Establishment,
            build=_build_gias,
            attribution=(
                "Contains public sector information licensed under the Open Government Licence "
                "v3.0. Source: Department for Education, Get Information About Schools."
            ),
        ),
    )
}

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def edition_from_file_name(file_name: str) -> str:
    """'May 2022' from PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv; '24 May 2025' from
    edubasealldata20250524.csv; '' when the name does not say."""
    name = file_name.lower()
    if match := re.search(r"(20\d{2})(\d{2})(\d{2})", name):
        year, month, day = (int(part) for part in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{day} {MONTH_NAMES[month - 1]} {year}"
    if match := re.search(r"(?<![a-z])([a-z]{3})[a-z]*[_\- ]?((?:20)?\d{2})(?!\d)", name):
        month_name, year_text = match.groups()
        if month_name in MONTHS:
            year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
            return f"{MONTH_NAMES[MONTHS[month_name] - 1]} {year}"
    if match := re.search(r"(20\d{2})[_\-](\d{2})(?!\d)", name):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return f"{MONTH_NAMES[month - 1]} {year}"
    return ""


def spec_for(dataset: str) -> DatasetSpec:
    try:
        return SPECS[dataset]
    except KeyError:
        raise DatasetError(
            f"There is no dataset called '{dataset[:40]}'. The datasets are: "
            + ", ".join(SPECS)
            + "."
        ) from None


def model_rows(frame: pl.DataFrame) -> list[Any]:
    """The rows of a built frame, ready for `insert_rows`."""
    return list(frame.iter_rows())
