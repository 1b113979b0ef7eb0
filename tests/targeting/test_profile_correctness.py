"""For 10,000 postcodes sampled from the official files, the area profile equals the official
tables' values: 0 mismatches. The expected values are read here with Python's csv module,
independently of Widen's loaders and joins.

The sample (`data/*_sample.csv.gz`, cut by `scripts/build_targeting_sample.py`) holds live
English, Welsh, Scottish and Northern Irish postcodes and terminated postcodes of every nation.
"""

from __future__ import annotations

import csv
import gzip
import math
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from widen.reference.services import dataset_load
from widen.targeting.lookup import postcodes_look_up
from widen.targeting.models import ProfileStatus
from widen.targeting.profiles import ProfileEditions, area_profiles

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
POSTCODES = DATA / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample.csv.gz"
IOD = DATA / "iod2019_file3_sample.csv.gz"
WIMD = DATA / "wimd2019_ranks_sample.csv.gz"
SIMD = DATA / "simd2020v2_ranks_sample.csv.gz"
IMD_DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
IDACI_DECILE = (
    "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% "
    "of LSOAs)"
)


def _rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _area(code: str) -> str:
    return "" if len(code) == 9 and code[1:] == "99999999" else code


def _official() -> dict[str, dict[str, Any]]:
    """What the official tables say for each sampled postcode."""
    imd = {row["LSOA code (2011)"]: row for row in _rows(IOD)}
    wimd = {row["lsoa11_code"]: int(row["wimd_2019_rank"]) for row in _rows(WIMD)}
    simd = {row["Data_Zone"]: int(row["SIMD2020v2_Rank"]) for row in _rows(SIMD)}
    expected = {}
    for row in _rows(POSTCODES):
        lsoa = row["lsoa11cd"]
        english = imd.get(lsoa)
        expected[row["pcds"]] = {
            "status": ProfileStatus.TERMINATED if row["doterm"] else ProfileStatus.FOUND,
            # The ONS pseudo-codes (a nation's letter then 99999999: Northern Ireland's MSOA,
            # the Channel Islands, the Isle of Man) name no area.
            "lsoa": _area(lsoa),
            "msoa": _area(row["msoa11cd"]),
            "imd_decile": int(english[IMD_DECILE]) if english else None,
            "idaci_decile": int(english[IDACI_DECILE]) if english else None,
            # The governments' deciles: rank 1 is the most deprived of 1,909 Welsh LSOAs and of
            # 6,976 Scottish data zones; a tenth of them to each decile.
            "wimd_decile": math.ceil(wimd[lsoa] * 10 / 1909) if lsoa in wimd else None,
            "simd_decile": math.ceil(simd[lsoa] * 10 / 6976) if lsoa in simd else None,
        }
    return expected


@pytest.fixture
def editions() -> ProfileEditions:
    dataset_load("postcodes", POSTCODES)
    dataset_load("iod2019", IOD)
    dataset_load("wimd2019", WIMD)
    dataset_load("simd2020", SIMD)
    return ProfileEditions.current()


def test_ten_thousand_sampled_postcodes_match_the_official_tables(
    editions: ProfileEditions,
) -> None:
    expected = _official()
    assert len(expected) == 10_000
    learners = pl.DataFrame(
        {"learner_id": list(range(len(expected))), "postcode": list(expected)},
        schema={"learner_id": pl.Int64, "postcode": pl.Utf8},
    )
    profiles = area_profiles(learners, editions)
    columns = ["status", "lsoa", "msoa", "imd_decile", "idaci_decile", "wimd_decile", "simd_decile"]
    mismatches = [
        (row["postcode"], column, row[column], expected[row["postcode"]][column])
        for row in profiles.iter_rows(named=True)
        for column in columns
        if row[column] != expected[row["postcode"]][column]
    ]
    assert mismatches == [], f"{len(mismatches)} mismatches, e.g. {mismatches[:5]}"
    counts = profiles.group_by("nation").len().sort("nation").rows()
    assert dict(counts)["W"] >= 800
    assert dict(counts)["S"] >= 800
    # Each nation's own measure, never another's.
    welsh = profiles.filter(pl.col("nation") == "W")
    assert welsh["imd_decile"].null_count() == welsh.height
    assert welsh["wimd_decile"].null_count() == 0
    scottish = profiles.filter(pl.col("nation") == "S")
    assert scottish["imd_decile"].null_count() == scottish.height
    assert scottish["simd_decile"].null_count() == 0
    terminated = profiles.filter(pl.col("status") == ProfileStatus.TERMINATED)
    assert terminated.height >= 1_000
    # In the UK's nations they still resolve to the area they were in; the Channel Islands and
    # the Isle of Man have no area.
    in_the_uk = terminated.filter(~pl.col("nation").is_in(["L", "M"]))
    assert in_the_uk.height >= 1_000
    assert (in_the_uk["lsoa"] != "").all()


def test_malformed_and_unknown_postcodes_get_a_reason(editions: ProfileEditions) -> None:
    answers = postcodes_look_up(["E1 6AN ", "SW1A 1AA2", "<script>", "QQ1 1QQ", "E16 1"])
    assert [answer.status for answer in answers] == [
        ProfileStatus.NOT_FOUND,  # a real postcode, but not in this sample
        "invalid",
        "invalid",
        ProfileStatus.NOT_FOUND,
        "invalid",
    ]
    assert all(answer.reason for answer in answers)
    assert "is not a UK postcode" in answers[1].reason
