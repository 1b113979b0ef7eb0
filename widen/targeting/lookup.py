"""Looking up postcodes: the same join as learners' area profiles, for postcodes people type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from widen.reference.datasets import MONTH_NAMES, REFERENCE_POSTCODE
from widen.reference.models import DatasetEdition
from widen.targeting.models import ProfileStatus
from widen.targeting.profiles import ProfileEditions, area_profiles, describe_profile

MAX_LOOKUP_POSTCODES = 10_000
INVALID = "invalid"
STATUS_LABELS = {**dict(ProfileStatus.choices), INVALID: "Not a UK postcode"}
NATIONS = {
    "E": "England",
    "W": "Wales",
    "S": "Scotland",
    "N": "Northern Ireland",
    "L": "Channel Islands",
    "M": "Isle of Man",
}


@dataclass
class PostcodeAnswer:
    query: str
    postcode: str
    status: str
    status_label: str
    reason: str
    nation: str
    terminated: str
    lsoa: str
    msoa: str
    ward: str
    imd_decile: int | None
    imd_quintile: int | None
    idaci_decile: int | None
    idaci_quintile: int | None
    wimd_decile: int | None
    simd_decile: int | None
    polar4_quintile: int | None
    tundra_msoa_quintile: int | None
    tundra_lsoa_quintile: int | None
    uni_connect_target_ward: bool | None
    explanation: list[str] = field(default_factory=list)
    editions: dict[str, str] = field(default_factory=dict)
    not_loaded: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def postcodes_look_up(
    queries: Sequence[str], editions: ProfileEditions | None = None
) -> list[PostcodeAnswer]:
    """An answer for every postcode asked about, in the order asked."""
    editions = editions or ProfileEditions.current()
    squeezed = pl.Series("query", [str(query or "")[:20] for query in queries], dtype=pl.Utf8)
    compact = squeezed.str.replace_all(r"\s+", "").str.to_uppercase()
    postcodes = (
        pl.DataFrame({"query": squeezed, "compact": compact})
        .with_row_index("learner_id")
        .with_columns(
            postcode=pl.when(pl.col("compact").str.contains(REFERENCE_POSTCODE))
            .then(pl.col("compact").str.replace(REFERENCE_POSTCODE, "$1 $2"))
            .otherwise(pl.lit(""))
        )
    )
    profiles = area_profiles(postcodes.select("learner_id", "postcode"), editions)
    joined = postcodes.join(profiles, on=["learner_id", "postcode"], how="left").sort("learner_id")
    by_id = {
        edition.pk: edition
        for edition in (
            editions.postcodes,
            editions.wards,
            editions.imd,
            editions.idaci,
            editions.wimd,
            editions.simd,
            editions.participation,
        )
        if edition is not None
    }
    not_loaded = editions.missing()
    directory = f" ({editions.postcodes})" if editions.postcodes else ""
    return [_answer(row, by_id, not_loaded, directory) for row in joined.iter_rows(named=True)]


def _answer(
    row: dict[str, Any],
    editions: dict[int, DatasetEdition],
    not_loaded: list[str],
    directory: str,
) -> PostcodeAnswer:
    status = row["status"]
    if not row["postcode"]:
        status = ProfileStatus.NO_POSTCODE if not row["compact"] else INVALID
    reason = {
        INVALID: f"'{row['query'][:20]}' is not a UK postcode (a postcode looks like E1 6AN).",
        ProfileStatus.NO_POSTCODE: "No postcode was given.",
        ProfileStatus.NOT_FOUND: f"This postcode is not in the loaded postcode directory"
        f"{directory}: check it, or load a newer edition.",
        ProfileStatus.NOT_LOADED: "The postcode directory is not loaded — load the ONS postcode "
        "lookup.",
        ProfileStatus.TERMINATED: f"This postcode was terminated in "
        f"{_month(row['terminated'])}; it still resolves to the area it was in.",
    }.get(status, "")
    used = {
        label: str(editions[row[column]])
        for label, column in (
            ("postcode", "postcode_edition_id"),
            ("deprivation", "deprivation_edition_id"),
            ("idaci", "idaci_edition_id"),
            ("ward", "ward_edition_id"),
            ("participation", "participation_edition_id"),
        )
        if row.get(column) in editions
    }
    return PostcodeAnswer(
        query=row["query"],
        postcode=row["postcode"],
        status=str(status),
        status_label=str(STATUS_LABELS.get(status, status)),
        reason=reason,
        nation=NATIONS.get(row["nation"] or "", ""),
        terminated=row["terminated"] or "",
        lsoa=row["lsoa"] or "",
        msoa=row["msoa"] or "",
        ward=row["ward"] or "",
        imd_decile=row["imd_decile"],
        imd_quintile=row["imd_quintile"],
        idaci_decile=row["idaci_decile"],
        idaci_quintile=row["idaci_quintile"],
        wimd_decile=row["wimd_decile"],
        simd_decile=row["simd_decile"],
        polar4_quintile=row["polar4_quintile"],
        tundra_msoa_quintile=row["tundra_msoa_quintile"],
        tundra_lsoa_quintile=row["tundra_lsoa_quintile"],
        uni_connect_target_ward=row["uni_connect_target_ward"],
        explanation=describe_profile(row, editions),
        editions=used,
        not_loaded=not_loaded if row["postcode"] else [],
    )


def _month(yyyymm: str) -> str:
    if len(yyyymm or "") == 6 and yyyymm[4:].isdigit() and 1 <= int(yyyymm[4:]) <= 12:
        return f"{MONTH_NAMES[int(yyyymm[4:]) - 1]} {yyyymm[:4]}"
    return yyyymm or "an unknown month"
