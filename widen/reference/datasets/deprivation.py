"""The indices of deprivation: England's IoD2019 (IMD and IDACI), Wales's WIMD 2019 and
Scotland's SIMD 2020v2, each an area's rank and decile."""

from __future__ import annotations

import polars as pl

from widen.reference.datasets.checks import Checks, duplicates, integer, with_rows
from widen.reference.models import Measure
from widen.reference.reading import DatasetError, Layout, SourceTable

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
    frame = with_rows(source)
    checks = Checks(source)
    size = AREA_COUNTS[measures[0][0]]
    pattern = AREA_PATTERNS[measures[0][0]]
    checks.failing(
        frame, ~pl.col("area").str.contains(pattern), "area", f"not a {AREA_NAMES[measures[0][0]]}"
    )
    duplicates(frame, checks, ["area"], "area")
    parts = []
    for measure, rank_column, decile_column in measures:
        rank = integer(rank_column)
        checks.failing(
            frame,
            rank.is_null() | (rank < 1) | (rank > size),
            rank_column,
            f"not a rank from 1 to {size:,}",
        )
        if decile_column is not None:
            decile = integer(decile_column)
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


def build_iod2019(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
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


def build_wimd2019(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    return _ranked(source, [(Measure.WIMD, "rank", None)])


def build_simd2020(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    return _ranked(source, [(Measure.SIMD, "rank", None)])
