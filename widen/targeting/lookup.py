"""Looking up postcodes: the same join as learners' area profiles, for postcodes people type."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

import polars as pl
from pydantic import Field

from widen.reference.datasets import MONTH_NAMES, PSEUDO_AREA_CODE, REFERENCE_POSTCODE
from widen.reference.models import DatasetEdition, PostcodeArea
from widen.targeting.models import ProfileStatus
from widen.targeting.profiles import (
    BAND_COLUMNS,
    ProfileEditions,
    area_profiles,
    describe_profile,
)

MAX_LOOKUP_POSTCODES = 10_000
# Postcodes not found are tried again with the letters and digits people mix up (O and 0, I and 1)
# swapped; at most this many per look-up, so a bulk look-up of junk stays quick.
MAX_SUGGESTED = 200
CONFUSED = {"O": "0", "0": "O", "I": "1", "1": "I"}
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
    """What a postcode look-up answers, in the API too (its fields are the API's)."""

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
    # The postcode meant, when one with O/0 or I/1 swapped is in the directory ("SW1A 0AA").
    suggestion: Annotated[
        str,
        Field(description="The postcode probably meant (O/0 or I/1 swapped), when it is loaded."),
    ] = ""

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
    answers = [_answer(row, by_id, not_loaded, directory) for row in joined.iter_rows(named=True)]
    _suggest(answers, editions)
    return answers


def _corrections(query: str) -> set[str]:
    """The postcodes `query` could be with O/0 and I/1 swapped (SW1A OAA → SW1A 0AA)."""
    compact = re.sub(r"\s+", "", query).upper()
    positions = [index for index, character in enumerate(compact) if character in CONFUSED]
    if not 5 <= len(compact) <= 7 or not positions:  # noqa: PLR2004 - a postcode's length
        return set()
    found = set()
    for mask in range(1, 2 ** len(positions)):
        characters = list(compact)
        for bit, index in enumerate(positions):
            if mask >> bit & 1:
                characters[index] = CONFUSED[characters[index]]
        match = re.fullmatch(REFERENCE_POSTCODE, "".join(characters))
        if match:
            found.add(f"{match.group(1)} {match.group(2)}")
    return found


def _suggest(answers: list[PostcodeAnswer], editions: ProfileEditions) -> None:
    """'Did you mean …?' for postcodes not found whose O/0 or I/1 swapped form is loaded."""
    if editions.postcodes is None:
        return
    unresolved = [
        answer for answer in answers if answer.status in (INVALID, ProfileStatus.NOT_FOUND)
    ][:MAX_SUGGESTED]
    wanted = {answer.query: _corrections(answer.query) for answer in unresolved}
    candidates = set().union(*wanted.values()) if wanted else set()
    if not candidates:
        return
    known = set(
        PostcodeArea.objects.filter(
            edition=editions.postcodes, postcode__in=sorted(candidates)
        ).values_list("postcode", flat=True)
    )
    for answer in unresolved:
        meant = sorted(wanted[answer.query] & known)
        if meant:
            answer.suggestion = meant[0]
            answer.reason += f" Did you mean {' or '.join(meant)}?"


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
    }.get(status, "")
    lsoa, msoa, ward = (_area(row[column]) for column in ("lsoa", "msoa", "ward"))
    if status in (ProfileStatus.FOUND, ProfileStatus.TERMINATED):
        reason = _found_reason(row, lsoa, terminated=status == ProfileStatus.TERMINATED)
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
        lsoa=lsoa,
        msoa=msoa,
        ward=ward,
        **{column: row[column] for column in BAND_COLUMNS},
        explanation=describe_profile(row, editions),
        editions=used,
        not_loaded=not_loaded if row["postcode"] else [],
    )


def _area(code: str | None) -> str:
    """An area code, or "" for none and for the ONS pseudo-codes (L99999999) that name none."""
    return "" if re.fullmatch(PSEUDO_AREA_CODE, code or "") else (code or "")


def _found_reason(row: dict[str, Any], lsoa: str, *, terminated: bool) -> str:
    """Why a postcode in the directory has the measures it has, or has none."""
    ended = f"This postcode was terminated in {_month(row['terminated'])}" if terminated else ""
    nation = row["nation"] or ""
    if nation in ("L", "M"):
        outside = (
            "the Channel Islands and the Isle of Man are outside the UK's statistical "
            "geographies: there is no LSOA, MSOA or ward, and no deprivation measure."
        )
        return f"{ended}; {outside}" if ended else outside[0].upper() + outside[1:]
    if not lsoa:
        if ended:
            return f"{ended}, and the directory gives it no area: there are no area measures."
        return (
            f"{row['postcode']} is a non-geographic postcode with no area (as are PO boxes and "
            "some large users' own postcodes): there are no area measures for it."
        )
    if nation == "N":
        northern_ireland = (
            "Northern Ireland's deprivation measure (NIMDM) is not loaded in Widen, so there is "
            "no deprivation decile; the LSOA shown is the Super Output Area."
        )
        return f"{ended}; {northern_ireland}" if ended else northern_ireland
    return f"{ended}; it still resolves to the area it was in." if ended else ""


def _month(yyyymm: str) -> str:
    if len(yyyymm or "") == 6 and yyyymm[4:].isdigit() and 1 <= int(yyyymm[4:]) <= 12:
        return f"{MONTH_NAMES[int(yyyymm[4:]) - 1]} {yyyymm[:4]}"
    return yyyymm or "an unknown month"
