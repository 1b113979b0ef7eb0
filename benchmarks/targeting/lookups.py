"""The values the targeting section compares: the raw join of the published files, every
learner's postcode as the service reads it, and the slice looked up with the ORM."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection

from widen.learners.models import Learner
from widen.reference.models import AreaDeprivation, DatasetEdition, Measure, PostcodeArea
from widen.targeting.models import ProfileStatus

IN_CHUNK = 500
# Per learner: status, LSOA, IMD decile (the values the slice cases and the profiles share).
Values = tuple[str, str, int | None]


@dataclass(frozen=True)
class RawJoin:
    """The published files joined by hand: postcode → LSOA (directory) → IMD decile (IoD)."""

    directory: Path
    deprivation: Path  # the IoD file's LSOA code and IMD decile, as Parquet

    def __call__(self, learners: pl.DataFrame) -> pl.DataFrame:
        postcodes = pl.scan_parquet(self.directory).select(
            pl.col("pcds").alias("postcode"), pl.col("lsoa11cd").alias("lsoa")
        )
        return (
            learners.lazy()
            .join(postcodes, on="postcode", how="left")
            .join(pl.scan_parquet(self.deprivation), on="lsoa", how="left")
            .select("learner_id", "postcode", "lsoa", "imd_decile")
            .collect()
        )


def learner_frame() -> pl.DataFrame:
    """Every learner's id (as the database writes it) and home postcode: one query, as the
    service reads them."""
    table = connection.ops.quote_name(Learner._meta.db_table)
    id_column = "CAST(id AS TEXT)" if connection.vendor == "postgresql" else "id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {id_column}, home_postcode FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema={"learner_id": pl.Utf8, "postcode": pl.Utf8}, orient="row")


def learner_key(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _status(terminated: str) -> str:
    return ProfileStatus.TERMINATED.value if terminated else ProfileStatus.FOUND.value


def per_row(
    rows: Sequence[tuple[str, str]], postcodes: DatasetEdition, imd: DatasetEdition
) -> dict[uuid.UUID, Values]:
    """Two ORM look-ups per learner, as a loop over learners would do them."""
    found: dict[uuid.UUID, Values] = {}
    for key, raw_postcode in rows:
        postcode = (raw_postcode or "").strip()
        if not postcode:
            found[learner_key(key)] = (ProfileStatus.NO_POSTCODE.value, "", None)
            continue
        try:
            lsoa, terminated = PostcodeArea.objects.values_list("lsoa", "terminated").get(
                edition=postcodes, postcode=postcode
            )
        except PostcodeArea.DoesNotExist:
            found[learner_key(key)] = (ProfileStatus.NOT_FOUND.value, "", None)
            continue
        decile = None
        if lsoa:
            with suppress(AreaDeprivation.DoesNotExist):
                decile = AreaDeprivation.objects.values_list("decile", flat=True).get(
                    edition=imd, measure=Measure.IMD, area=lsoa
                )
        found[learner_key(key)] = (_status(terminated), lsoa, decile)
    return found


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_lookups(
    rows: Sequence[tuple[str, str]], postcodes: DatasetEdition, imd: DatasetEdition
) -> dict[uuid.UUID, Values]:
    """Two `__in` queries per 500 learners: their postcodes, then those postcodes' LSOAs."""
    found: dict[uuid.UUID, Values] = {}
    for part in chunks(rows, IN_CHUNK):
        wanted = {(postcode or "").strip() for _, postcode in part} - {""}
        areas = {
            postcode: (lsoa, terminated)
            for postcode, lsoa, terminated in PostcodeArea.objects.filter(
                edition=postcodes, postcode__in=wanted
            ).values_list("postcode", "lsoa", "terminated")
        }
        lsoas = {lsoa for lsoa, _ in areas.values() if lsoa}
        deciles = dict(
            AreaDeprivation.objects.filter(
                edition=imd, measure=Measure.IMD, area__in=lsoas
            ).values_list("area", "decile")
        )
        for key, raw_postcode in part:
            postcode = (raw_postcode or "").strip()
            if not postcode:
                found[learner_key(key)] = (ProfileStatus.NO_POSTCODE.value, "", None)
            elif postcode not in areas:
                found[learner_key(key)] = (ProfileStatus.NOT_FOUND.value, "", None)
            else:
                lsoa, terminated = areas[postcode]
                found[learner_key(key)] = (_status(terminated), lsoa, deciles.get(lsoa))
    return found


Lookup = Callable[
    [Sequence[tuple[str, str]], DatasetEdition, DatasetEdition], dict[uuid.UUID, Values]
]
