"""The official datasets Widen loads: their publishers, layouts, attribution and models, and
the edition a file's name gives."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import models

from widen.reference.datasets.deprivation import (
    IOD2019_LAYOUT,
    SIMD2020_LAYOUT,
    WIMD2019_LAYOUT,
    build_iod2019,
    build_simd2020,
    build_wimd2019,
)
from widen.reference.datasets.postcodes import (
    CODE_POINT_LAYOUT,
    OFS_LAYOUT,
    POSTCODES_LAYOUT,
    build_code_point,
    build_ofs,
    build_postcodes,
)
from widen.reference.datasets.schools import GIAS_LAYOUT, build_gias
from widen.reference.models import (
    AreaDeprivation,
    Dataset,
    Establishment,
    PostcodeArea,
    PostcodeParticipation,
    PostcodeWard,
)
from widen.reference.reading import DatasetError, Layout, SourceTable


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


def _measures_present(frame: pl.DataFrame) -> list[str]:
    if "measure" in frame.columns:
        return sorted(frame["measure"].unique().to_list())
    return []


ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal "
    "Mail copyright and database right. Source: National Records of Scotland."
)

PUBLIC_SECTOR = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)


def _deprivation_index(
    *,
    dataset: Dataset,
    publisher: str,
    title: str,
    layout: Layout,
    build: Callable[[SourceTable], tuple[pl.DataFrame, list[str]]],
    attribution: str,
    edition: str,
) -> DatasetSpec:
    """An index of deprivation: each area's rank and decile for every measure the file holds."""
    return DatasetSpec(
        dataset=dataset,
        publisher=publisher,
        title=title,
        layout=layout,
        model=AreaDeprivation,
        build=build,
        attribution=attribution,
        default_edition=edition,
        measures=_measures_present,
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
            build=build_postcodes,
            attribution=ONS_ATTRIBUTION,
        ),
        DatasetSpec(
            dataset=Dataset.CODE_POINT,
            publisher="Ordnance Survey",
            title="Code-Point Open",
            layout=CODE_POINT_LAYOUT,
            model=PostcodeWard,
            build=build_code_point,
            attribution=(
                "Contains OS data © Crown copyright and database right. Contains Royal Mail "
                "data © Royal Mail copyright and database right. Contains National Statistics "
                "data © Crown copyright and database right."
            ),
        ),
        _deprivation_index(
            dataset=Dataset.IOD2019,
            publisher="Ministry of Housing, Communities and Local Government",
            title="English Indices of Deprivation 2019",
            layout=IOD2019_LAYOUT,
            build=build_iod2019,
            attribution=f"{PUBLIC_SECTOR} Source: Ministry of Housing, Communities and Local "
            "Government, English Indices of Deprivation 2019.",
            edition="IoD2019",
        ),
        _deprivation_index(
            dataset=Dataset.WIMD2019,
            publisher="Welsh Government",
            title="Welsh Index of Multiple Deprivation 2019",
            layout=WIMD2019_LAYOUT,
            build=build_wimd2019,
            attribution=f"{PUBLIC_SECTOR} Source: Welsh Government, Welsh Index of Multiple "
            "Deprivation 2019.",
            edition="WIMD 2019",
        ),
        _deprivation_index(
            dataset=Dataset.SIMD2020,
            publisher="Scottish Government",
            title="Scottish Index of Multiple Deprivation 2020v2",
            layout=SIMD2020_LAYOUT,
            build=build_simd2020,
            attribution=(
                "© Crown copyright, Scottish Government, Scottish Index of Multiple Deprivation "
                "2020v2, licensed under the Open Government Licence v3.0."
            ),
            edition="SIMD 2020v2",
        ),
        DatasetSpec(
            dataset=Dataset.OFS_POSTCODES,
            publisher="Office for Students",
            title=(
                "Postcode look-up data (POLAR4, TUNDRA, Adult HE, GAPS, Uni Connect target wards)"
            ),
            layout=OFS_LAYOUT,
            model=PostcodeParticipation,
            build=build_ofs,
            attribution=f"{PUBLIC_SECTOR} © Office for Students.",
        ),
        DatasetSpec(
            dataset=Dataset.GIAS,
            publisher="Department for Education",
            title="Get Information About Schools: establishments",
            layout=GIAS_LAYOUT,
            model=Establishment,
            build=build_gias,
            attribution=f"{PUBLIC_SECTOR} Source: Department for Education, Get Information "
            "About Schools.",
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
