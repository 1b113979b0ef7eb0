"""Cut the postcode sample the targeting correctness test uses, from the official files.

    python scripts/build_targeting_sample.py [--shared-data ../shared/data]

Writes to `tests/targeting/data/` (deterministic: the same inputs give the same bytes):

* `PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample.csv.gz`: 10,000 postcodes of the ONS May 2022
  postcode lookup in its published layout, sampled with a fixed seed: 7,000 live English,
  800 Welsh, 800 Scottish, 200 Northern Irish and 1,200 terminated postcodes (all nations);
* `iod2019_file3_sample.csv.gz`: IoD2019 File 3 rows (published headings) of every English LSOA
  the sample uses;
* `wimd2019_ranks_sample.csv.gz`, `simd2020v2_ranks_sample.csv.gz`: the WIMD 2019 and
  SIMD 2020v2 ranks of the sample's Welsh LSOAs and Scottish data zones.
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path

import polars as pl

REPOSITORY = Path(__file__).resolve().parents[1]
OUT = REPOSITORY / "tests" / "targeting" / "data"
SEED = 2019
ONS_COLUMNS = [
    "pcd7",
    "pcd8",
    "pcds",
    "dointr",
    "doterm",
    "usertype",
    "oa11cd",
    "lsoa11cd",
    "msoa11cd",
    "ladcd",
    "lsoa11nm",
    "msoa11nm",
    "ladnm",
    "ladnmw",
]


def _gzip(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as packed:
        packed.write(text.encode("utf-8"))
    return buffer.getvalue()


def _sample(frame: pl.DataFrame, count: int, seed: int) -> pl.DataFrame:
    return frame.sort("pcds").sample(min(count, frame.height), seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=REPOSITORY.parent / "shared" / "data")
    shared = parser.parse_args().shared_data
    directory = pl.read_parquet(
        shared / "postcodes" / "ons_pcd_oa11_lsoa11_msoa11_lad22_may2022_uk.parquet"
    ).filter(pl.col("lsoa11cd").is_not_null())
    live = directory.filter(pl.col("doterm").is_null())
    country = pl.col("ladcd").str.slice(0, 1)
    parts = [
        _sample(live.filter(country == "E"), 7_000, SEED),
        _sample(live.filter(country == "W"), 800, SEED + 1),
        _sample(live.filter(country == "S"), 800, SEED + 2),
        _sample(live.filter(country == "N"), 200, SEED + 3),
        _sample(directory.filter(pl.col("doterm").is_not_null()), 1_200, SEED + 4),
    ]
    sample = pl.concat(parts).unique("pcds").sort("pcds").select(ONS_COLUMNS)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample.csv.gz").write_bytes(
        _gzip(sample.write_csv(quote_style="necessary"))
    )
    areas = set(sample["lsoa11cd"].to_list())
    for source, key, target in (
        ("iod2019_file3_idaci_idaopi_lsoa11.csv.gz", "LSOA code (2011)", "iod2019_file3_sample"),
        ("wimd2019_ranks_lsoa11.csv.gz", "lsoa11_code", "wimd2019_ranks_sample"),
        ("simd2020v2_ranks_dz2011.csv.gz", "Data_Zone", "simd2020v2_ranks_sample"),
    ):
        lines = gzip.decompress((shared / "deprivation" / source).read_bytes()).decode("utf-8")
        header, *rows = lines.splitlines()
        position = header.split(",").index(key)
        kept = [row for row in rows if row.split(",")[position] in areas]
        (OUT / f"{target}.csv.gz").write_bytes(_gzip("\n".join([header, *kept]) + "\n"))
        print(f"{target}: {len(kept)} rows")
    print(f"postcodes: {sample.height} rows")


if __name__ == "__main__":
    main()
