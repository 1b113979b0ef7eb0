"""The postcode-keyed datasets: the ONS postcode directory, OS Code-Point Open and the OfS
postcode look-up."""

from __future__ import annotations

import polars as pl

from widen.reference.datasets.checks import (
    clipped,
    integer,
    postcode_keyed,
    postcodes_once,
    real_area,
)
from widen.reference.reading import Layout, SourceTable

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


def build_postcodes(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame, checks = postcode_keyed(source, blank=POSTCODES_LAYOUT.optional)
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
    postcodes_once(frame, checks)
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
        easting=integer("easting"),
        northing=integer("northing"),
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


def build_code_point(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame, checks = postcode_keyed(source, blank=CODE_POINT_LAYOUT.optional)
    for column in ("eastings", "northings"):
        checks.failing(
            frame,
            integer(column).is_null() & (pl.col(column) != ""),
            column,
            "not a whole number of metres",
        )
    checks.failing(
        frame, ~pl.col("ward").str.contains(r"^[A-Z0-9]{0,10}$"), "ward", "not a ward code"
    )
    postcodes_once(frame, checks)
    checks.raise_if_any("rows")
    rows = frame.select(
        postcode=pl.col("_postcode"),
        ward=pl.col("ward"),
        district=pl.col("district"),
        country=pl.col("country"),
        easting=integer("eastings"),
        northing=integer("northings"),
        positional_quality=integer("quality"),
    )
    return rows, checks.warnings


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


def build_ofs(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame, checks = postcode_keyed(source, blank=(*OFS_QUINTILES, *OFS_LAYOUT.optional))
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
    postcodes_once(frame, checks)
    checks.raise_if_any("rows")
    flag = pl.col("uni_connect_target_ward")
    rows = frame.select(
        postcode=pl.col("_postcode"),
        **{column: integer(column) for column in OFS_QUINTILES},
        uni_connect_target_ward=flag.is_in(["1", "1*", "Y"]),
        target_ward_flag=flag,
        **clipped(
            reason_removed_polar=100,
            reason_removed_tundra=100,
            msoa=10,
            lsoa=10,
            ward=10,
            country=30,
        ),
    )
    return rows, checks.warnings
