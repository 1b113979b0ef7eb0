"""A loaded edition as a Parquet file, for joins over a whole partnership's postcodes at once.

The database holds every edition (it is what single look-ups and the admin read). Bulk work joins
millions of postcodes, and reading millions of rows back through the database driver would take
longer than the join itself, so each edition is also kept as Parquet under the data directory:
written when the file is loaded, and rebuilt from the database when missing (another server, a
restored backup). The file's name carries the edition's checksum, so it can never be stale.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, models

from widen.reference.datasets import spec_for
from widen.reference.models import DatasetEdition

FETCH_ROWS = 50_000


def snapshot_path(edition: DatasetEdition) -> Path:
    return (
        Path(settings.DATA_DIR)
        / "reference"
        / f"{edition.dataset}-{edition.pk}-{edition.file_sha256[:16]}.parquet"
    )


def write_snapshot(edition: DatasetEdition, rows: pl.DataFrame) -> Path:
    """Keep `rows` (the edition's model columns) as its Parquet snapshot, atomically."""
    path = snapshot_path(edition)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".partial")
    os.close(handle)
    try:
        rows.write_parquet(temporary, compression="zstd")
        Path(temporary).replace(path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def edition_frame(edition: DatasetEdition) -> pl.LazyFrame:
    """The edition's rows, lazily (select the columns you need)."""
    path = snapshot_path(edition)
    if not path.exists():
        write_snapshot(edition, _rows_from_database(edition))
    return pl.scan_parquet(path)


def _rows_from_database(edition: DatasetEdition) -> pl.DataFrame:
    model = spec_for(edition.dataset).model
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.name not in ("id", "edition") and isinstance(field, models.Field)
    ]
    quote = connection.ops.quote_name
    sql = "SELECT {} FROM {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        ", ".join(quote(field.column) for field in fields),
        quote(model._meta.db_table),
        quote("edition_id"),
    )
    schema = {field.attname: _polars_type(field) for field in fields}
    chunks: list[pl.DataFrame] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [edition.pk])
        while batch := cursor.fetchmany(FETCH_ROWS):
            chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
    if not chunks:
        return pl.DataFrame(schema=schema)
    return pl.concat(chunks)


def _polars_type(field: models.Field[Any, Any]) -> Any:
    kind = field.get_internal_type()
    if kind in ("IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField"):
        return pl.Int64
    if kind == "BooleanField":
        return pl.Boolean
    if kind == "DecimalField":
        return pl.Float64
    return pl.Utf8
