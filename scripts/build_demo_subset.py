"""Build the small, attributed East London data subset used by ``widen demo``.

The demo partnership sits on real geography: four East London boroughs (Hackney,
Newham, Tower Hamlets and Waltham Forest). This script cuts the files it needs
from the project's copy of the official open data and writes them, together with
an attribution file, to ``widen/demo/data``:

* ``schools.csv``: open state-funded secondary, all-through and 16-plus
  establishments (DfE Get Information About Schools);
* ``postcodes.csv``: a systematic sample of live small-user postcodes, plus every
  school's postcode (ONS postcode to OA/LSOA/MSOA/LAD lookup, May 2022);
* ``iod2019_lsoa11.csv``: IMD and IDACI ranks and deciles for every LSOA in
  ``postcodes.csv`` (MHCLG English Indices of Deprivation 2019);
* ``ATTRIBUTION.md``: provenance, method, row counts and licence text.

The output is deterministic: the same inputs always give byte-identical files.

Usage::

    python scripts/build_demo_subset.py --shared-data PATH/TO/shared/data
"""

import argparse
import hashlib
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# ONS local authority district code (LAD, as at May 2022) -> name as used by both ONS and GIAS.
LADS: dict[str, str] = {
    "E09000012": "Hackney",
    "E09000025": "Newham",
    "E09000030": "Tower Hamlets",
    "E09000031": "Waltham Forest",
}

# Source files, relative to the shared data folder, with the sha256 recorded in its SOURCES.md.
GIAS_OPEN = "schools/gias_open_establishments_20250524.parquet"
GIAS_STATEFUNDED = "schools/gias_statefunded_open_20250524.parquet"
GIAS_RTT_OPEN_2025 = "schools/dfe_rtt_schools_gias_open_2025-07.csv.gz"
GIAS_RTT_ALL_2022 = "schools/dfe_rtt_schools_gias_all_2022-11.csv.gz"
ONS_POSTCODES = "postcodes/ons_pcd_oa11_lsoa11_msoa11_lad22_may2022_uk.parquet"
IOD2019 = "deprivation/iod2019_lsoa11_england_merged.parquet"

SOURCE_SHA256: dict[str, str] = {
    GIAS_OPEN: "1b0a29cdcdd9f8634014a9676211374b5a97417352f2bad26563a2277ff8c695",
    GIAS_STATEFUNDED: "15d7ce9429eec48450c866d365055c2bf907233696382c477094978897bfb35f",
    GIAS_RTT_OPEN_2025: "75c23d6a29729e676b85e16a322ca889ae838d4343cd1b9fca92a699da485b38",
    GIAS_RTT_ALL_2022: "8ed125e3e1891627627e98716bff2e36c4863a0ff38d5e62012e0134897f14ec",
    ONS_POSTCODES: "45cbe1684031b9bffe3a407c9314f82e32e63e6a15ffe3e411038988d8606e4b",
    IOD2019: "9c5d01293c1f5319f86f07e857668c93ae77dae4b2a32926a4ee5c03041cf274",
}

# Phases that teach some of Years 9 to 13. Special schools, pupil referral units and
# alternative provision are recorded with phase "Not applicable" and so fall outside this.
SCHOOL_PHASES = ("Secondary", "All-through")
POST16_PHASE = "16 plus"
EXCLUDED_TYPE_GROUPS = ("Independent schools", "Special schools", "Universities", "Other types")

# Establishments that pass the filters above but are not plausible WP partners for Years 9-13.
EXCLUDED_URNS: dict[int, str] = {
    130419: "Workers' Educational Association: national adult-education charity, no 14-19 cohort",
}

MAX_SCHOOLS = 80
POSTCODE_SAMPLE_SIZE = 3000

SCHOOL_COLUMNS = [
    "urn",
    "name",
    "establishment_type",
    "phase",
    "la_code",
    "la_name",
    "postcode",
    "percentage_fsm",
    "number_of_pupils",
    "easting",
    "northing",
]
POSTCODE_COLUMNS = ["postcode", "lsoa11cd", "msoa11cd", "ladcd", "ladnm"]
IOD_COLUMNS = ["lsoa11cd", "lsoa11nm", "imd_rank", "imd_decile", "idaci_rank", "idaci_decile"]

ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.\n"
    "Contains OS data © Crown copyright and database right 2022. Contains Royal Mail data\n"
    "© Royal Mail copyright and database right 2022. Contains GeoPlace data © Local Government\n"
    "Information House Limited copyright and database right 2022. Source: National Records\n"
    "of Scotland."
)
GIAS_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0.\n"
    "Source: Department for Education, Get Information About Schools."
)
IOD_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0.\n"
    "Source: Ministry of Housing, Communities and Local Government, English Indices of\n"
    "Deprivation 2019."
)


@dataclass(frozen=True)
class SchoolSelection:
    """The chosen schools and the facts about how they were chosen."""

    schools: pl.DataFrame
    candidates: int
    capped: bool
    dropped_by_cap: list[tuple[int, str]]
    postcodes_from_2022: list[int]


@dataclass(frozen=True)
class PostcodeSample:
    """The postcode table and the facts about how it was drawn."""

    postcodes: pl.DataFrame
    population: int
    school_extra: int
    school_large_user: int
    school_terminated: int


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sources(shared: Path) -> None:
    """Stop unless every source file exists and matches the edition recorded in SOURCES.md."""
    for relative, expected in SOURCE_SHA256.items():
        path = shared / relative
        if not path.is_file():
            sys.exit(f"missing source file: {relative}")
        actual = sha256_of(path)
        if actual != expected:
            sys.exit(f"{relative}: sha256 {actual} does not match the recorded {expected}")


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Share ``total`` out in proportion to ``weights`` (Hamilton's method, ties by key)."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    leftover = total - sum(shares.values())
    by_remainder = sorted(weights, key=lambda key: (-(exact[key] - shares[key]), key))
    for key in by_remainder[:leftover]:
        shares[key] += 1
    return shares


def read_postcodes_by_urn(shared: Path) -> pl.DataFrame:
    """Postcode for each URN: the 2025 state-funded extract first, then the 2025 and 2022 RTT files.

    The 2025 extracts omit further education colleges, so their postcodes come from the
    November 2022 extract, which also holds them.
    """
    statefunded = pl.read_parquet(shared / GIAS_STATEFUNDED).select(
        "urn", pl.col("postcode").alias("pc_statefunded")
    )
    rtt_2025 = pl.read_csv(shared / GIAS_RTT_OPEN_2025, infer_schema_length=0).select(
        pl.col("urn").cast(pl.Int64), pl.col("postcode").alias("pc_rtt_2025")
    )
    rtt_2022 = pl.read_csv(shared / GIAS_RTT_ALL_2022, infer_schema_length=0).select(
        pl.col("urn").cast(pl.Int64), pl.col("postcode").alias("pc_rtt_2022")
    )
    return (
        statefunded.join(rtt_2025, on="urn", how="full", coalesce=True)
        .join(rtt_2022, on="urn", how="full", coalesce=True)
        .with_columns(
            pl.col("pc_statefunded", "pc_rtt_2025", "pc_rtt_2022")
            .str.strip_chars()
            .str.to_uppercase()
            .replace("", None)
        )
        .select(
            "urn",
            pl.coalesce("pc_statefunded", "pc_rtt_2025", "pc_rtt_2022").alias("postcode"),
            (
                pl.col("pc_statefunded").is_null()
                & pl.col("pc_rtt_2025").is_null()
                & pl.col("pc_rtt_2022").is_not_null()
            ).alias("postcode_from_2022"),
        )
    )


def select_schools(shared: Path) -> SchoolSelection:
    """Open state-funded establishments in the four boroughs that teach Years 9 to 13."""
    gias = pl.read_parquet(shared / GIAS_OPEN)
    missing = set(LADS.values()) - set(gias["la_name"].unique())
    if missing:
        sys.exit(f"local authorities not found in GIAS: {sorted(missing)}")

    candidates = (
        gias.filter(
            pl.col("la_name").is_in(list(LADS.values())),
            ~pl.col("establishment_type_group").is_in(EXCLUDED_TYPE_GROUPS),
            pl.col("education_phase").is_in([*SCHOOL_PHASES, POST16_PHASE]),
            ~pl.col("urn").is_in(list(EXCLUDED_URNS)),
        )
        .join(read_postcodes_by_urn(shared), on="urn", how="left")
        .filter(pl.col("postcode").is_not_null())
    )

    post16 = candidates.filter(pl.col("education_phase") == POST16_PHASE)
    schools = candidates.filter(pl.col("education_phase") != POST16_PHASE)
    capped = candidates.height > MAX_SCHOOLS
    if capped:
        # Keep every 16-plus provider; share the remaining places between the boroughs in
        # proportion to their number of schools and keep the largest schools in each.
        per_la = dict(schools.group_by("la_name").len().iter_rows())
        places = largest_remainder(MAX_SCHOOLS - post16.height, per_la)
        schools = (
            schools.sort(
                ["la_name", "number_of_pupils", "urn"],
                descending=[False, True, False],
                nulls_last=True,
            )
            .with_columns(rank=pl.int_range(pl.len()).over("la_name"))
            .filter(pl.col("rank") < pl.col("la_name").replace_strict(places))
            .drop("rank")
        )

    chosen = pl.concat([schools, post16]).sort("urn")
    dropped = candidates.join(chosen, on="urn", how="anti").sort("urn")
    from_2022 = chosen.filter(pl.col("postcode_from_2022"))["urn"].to_list()
    return SchoolSelection(
        schools=chosen.select(
            "urn",
            pl.col("establishment_name").alias("name"),
            "establishment_type",
            pl.col("education_phase").alias("phase"),
            "la_code",
            "la_name",
            "postcode",
            "percentage_fsm",
            "number_of_pupils",
            "easting",
            "northing",
        ),
        candidates=candidates.height,
        capped=capped,
        dropped_by_cap=list(dropped.select("urn", "establishment_name").iter_rows()),
        postcodes_from_2022=from_2022,
    )


def systematic_sample(frame: pl.DataFrame, size: int) -> pl.DataFrame:
    """Every k-th row of ``frame`` (already sorted), spread evenly from first to last."""
    count = frame.height
    if size >= count:
        return frame
    indices = [index * count // size for index in range(size)]
    return frame[indices]


def build_postcodes(shared: Path, school_postcodes: list[str]) -> PostcodeSample:
    """Sampled live small-user postcodes plus the school postcodes found in the lookup."""
    lookup = (
        pl.scan_parquet(shared / ONS_POSTCODES)
        .filter(pl.col("ladcd").is_in(list(LADS)) | pl.col("pcds").is_in(school_postcodes))
        .select(pl.col("pcds").alias("postcode"), "doterm", "usertype", *POSTCODE_COLUMNS[1:])
        .collect()
    )
    population = lookup.filter(
        pl.col("ladcd").is_in(list(LADS)),
        pl.col("doterm").is_null(),
        pl.col("usertype") == "0",
        pl.col("lsoa11cd").is_not_null(),
    ).sort("postcode")

    per_lad = dict(population.group_by("ladcd").len().iter_rows())
    places = largest_remainder(POSTCODE_SAMPLE_SIZE, per_lad)
    sample = pl.concat(
        systematic_sample(population.filter(pl.col("ladcd") == ladcd), places[ladcd])
        for ladcd in sorted(LADS)
    )
    schools = lookup.filter(pl.col("postcode").is_in(school_postcodes))
    extra = schools.filter(~pl.col("postcode").is_in(sample["postcode"].implode())).height
    table = pl.concat([sample, schools]).unique("postcode").sort("postcode")
    return PostcodeSample(
        postcodes=table.select(POSTCODE_COLUMNS),
        population=population.height,
        school_extra=extra,
        school_large_user=schools.filter(pl.col("usertype") == "1").height,
        school_terminated=schools.filter(pl.col("doterm").is_not_null()).height,
    )


def build_iod(shared: Path, lsoa_codes: list[str]) -> pl.DataFrame:
    """IoD2019 IMD and IDACI ranks and deciles for the given LSOAs."""
    iod = (
        pl.read_parquet(shared / IOD2019)
        .filter(pl.col("lsoa11cd").is_in(lsoa_codes))
        .select(IOD_COLUMNS)
        .sort("lsoa11cd")
    )
    unmatched = set(lsoa_codes) - set(iod["lsoa11cd"])
    if unmatched:
        sys.exit(f"{len(unmatched)} LSOAs have no IoD2019 row, e.g. {sorted(unmatched)[:3]}")
    return iod


def describe_breakdown(schools: pl.DataFrame) -> str:
    """Markdown table of schools by local authority and phase."""
    counts = schools.group_by("la_name", "phase").len().sort("la_name", "phase")
    lines = ["| Local authority | Phase | Rows |", "|---|---|---|"]
    lines += [f"| {la} | {phase} | {rows} |" for la, phase, rows in counts.iter_rows()]
    return "\n".join(lines)


def attribution_text(
    selection: SchoolSelection,
    sample: PostcodeSample,
    iod: pl.DataFrame,
) -> str:
    """The ATTRIBUTION.md text for the generated files."""
    postcodes = sample.postcodes
    named = [f"{name} ({code})" for code, name in sorted(LADS.items())]
    intro = textwrap.fill(
        "These files give `widen demo` a believable partnership on real geography, offline. "
        "They are small cuts of official open data covering four East London local "
        f"authorities: {', '.join(named[:-1])} and {named[-1]}. They were generated by "
        "`scripts/build_demo_subset.py`, which re-creates them byte for byte from the same "
        "source files. All sources are published under the",
        width=88,
    )
    excluded = textwrap.fill(
        "Also left out: "
        + "; ".join(f"URN {urn} ({why})" for urn, why in EXCLUDED_URNS.items())
        + ".",
        width=88,
    )
    schools = selection.schools
    if selection.capped:
        cap_text = (
            f"{selection.candidates} establishments met these rules, more than the "
            f"{MAX_SCHOOLS} wanted for the demo, so a deterministic selection was kept: every "
            "16-plus provider (further education colleges, sixth-form colleges and 16 to 19 "
            "free schools), then the remaining places shared between the four local "
            "authorities in proportion to their number of secondary and all-through "
            "schools (largest-remainder method), keeping the schools with the most pupils "
            "in each (blank pupil numbers last, ties by URN). Left out by this step: "
            + "; ".join(f"URN {urn} ({name})" for urn, name in selection.dropped_by_cap)
            + "."
        )
    else:
        cap_text = f"All {selection.candidates} establishments that met these rules are kept."
    cap_text = textwrap.fill(cap_text, width=88)
    fallback = ", ".join(str(urn) for urn in selection.postcodes_from_2022) or "none"
    school_note = textwrap.fill(
        "School postcodes are added whatever their user type or status in the lookup "
        f"(large-user postcodes: {sample.school_large_user}; postcodes terminated by May 2022 "
        f"but still given by GIAS: {sample.school_terminated}).",
        width=88,
    )
    return f"""# Demo data: attribution and provenance

{intro}
[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).

## `schools.csv`

**What:** open state-funded schools and colleges in the four local authorities that
teach some of Years 9 to 13, one row per establishment (URN), sorted by URN. Columns:
`{",".join(SCHOOL_COLUMNS)}`.

**Source:** Department for Education, *Get Information About Schools* (GIAS):
establishment type, phase, local authority, free school meals percentage and pupil
numbers from the open establishments in `edubasealldata20250524.csv` (24 May 2025); postcode
by URN from the state-funded extract `edubaseallstatefunded20250524.csv` (24 May 2025),
falling back to the GIAS extracts published with the DfE *Register trainee teachers*
service (July 2025, then November 2022). The May 2025 extracts used here carry no
postcode for further education colleges, so their postcodes come from the November 2022
extract (URNs {fallback}).

**How it was cut:** establishment status Open; local authority one of the four above;
education phase Secondary, All-through or 16 plus (the 16 plus phase covers further
education and sixth-form colleges and 16 to 19 free schools); independent schools,
special schools, pupil referral units, alternative provision, universities and other
types left out; rows with no postcode left out.
{excluded}

{cap_text}

`percentage_fsm` is GIAS "PercentageFSM" (school census) and `number_of_pupils` is GIAS
"NumberOfPupils", both as published; they are blank where GIAS has no value (further
education colleges, and schools that opened or converted after the last census). GIAS
gives 0.0 per cent FSM for the 16 to 19 free schools: read that as "not measured", not as
"no disadvantaged students". `easting` and `northing` are GIAS "Easting" and "Northing",
the establishment's grid reference (British National Grid, metres), as published.

**Rows:** {schools.height}.

{describe_breakdown(schools)}

**Attribution (DfE GIAS), OGL v3.0:**

> {GIAS_ATTRIBUTION.replace(chr(10), chr(10) + "> ")}

## `postcodes.csv`

**What:** postcodes with their 2011 Census LSOA and MSOA and their local authority
district (as at May 2022), sorted by postcode in single-space format. Columns:
`{",".join(POSTCODE_COLUMNS)}`.

**Source:** Office for National Statistics, *Postcode to Output Area to Lower Layer
Super Output Area to Middle Layer Super Output Area to Local Authority District
(May 2022) Lookup in the UK* (`PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv`).

**How it was cut:** from the {sample.population:,} live (no termination date) small-user
(user type 0) postcodes in the four local authority districts, a systematic sample of
{POSTCODE_SAMPLE_SIZE:,}: places shared between the districts in proportion to their number of
postcodes (largest-remainder method), then every k-th postcode in alphabetical order
within each district, which spreads the sample evenly across postcode sectors. The
postcode of every school in `schools.csv` found in the lookup was then added
({sample.school_extra} not already in the sample).
{school_note}

**Rows:** {postcodes.height:,}, covering {postcodes["lsoa11cd"].n_unique()} LSOAs and
{postcodes["msoa11cd"].n_unique()} MSOAs.

**Attribution (ONS postcode lookup), OGL v3.0:**

> {ONS_ATTRIBUTION.replace(chr(10), chr(10) + "> ")}

## `iod2019_lsoa11.csv`

**What:** the Index of Multiple Deprivation (IMD) and the Income Deprivation Affecting
Children Index (IDACI) rank and decile for every LSOA in `postcodes.csv`, sorted by
LSOA code. Rank 1 is the most deprived of England's 32,844 LSOAs; decile 1 is the most
deprived 10 per cent. Columns: `{",".join(IOD_COLUMNS)}`.

**Source:** Ministry of Housing, Communities and Local Government, *English Indices of
Deprivation 2019* (published 26 September 2019): *File 2: Domains of Deprivation* (IMD
rank and decile) and *File 3: Supplementary Indices - IDACI and IDAOPI* (IDACI rank and
decile), LSOA 2011 geography.

**How it was cut:** the rows whose LSOA code appears in `postcodes.csv`; values unchanged.

**Rows:** {iod.height}.

**Attribution (MHCLG IoD2019), OGL v3.0:**

> {IOD_ATTRIBUTION.replace(chr(10), chr(10) + "> ")}
"""


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Write a UTF-8 CSV with a header, Unix line endings and blank nulls."""
    frame.write_csv(path, line_terminator="\n", null_value="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--shared-data",
        type=Path,
        required=True,
        help="folder holding the official data copies (with schools/, postcodes/, deprivation/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "widen" / "demo" / "data",
        help="output folder (default: widen/demo/data in this repository)",
    )
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="skip checking the sha256 of each source file against SOURCES.md",
    )
    args = parser.parse_args(argv)
    shared: Path = args.shared_data
    out: Path = args.out

    if not args.no_verify:
        verify_sources(shared)

    selection = select_schools(shared)
    school_postcodes = sorted(set(selection.schools["postcode"]))
    sample = build_postcodes(shared, school_postcodes)
    postcodes = sample.postcodes
    iod = build_iod(shared, sorted(set(postcodes["lsoa11cd"].drop_nulls())))

    out.mkdir(parents=True, exist_ok=True)
    write_csv(selection.schools, out / "schools.csv")
    write_csv(postcodes, out / "postcodes.csv")
    write_csv(iod, out / "iod2019_lsoa11.csv")
    text = attribution_text(selection, sample, iod)
    (out / "ATTRIBUTION.md").write_text(text, encoding="utf-8", newline="\n")

    print(
        f"schools.csv {selection.schools.height} rows, postcodes.csv {postcodes.height} rows, "
        f"iod2019_lsoa11.csv {iod.height} rows -> {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
