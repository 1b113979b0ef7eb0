"""Inserting many rows fast: one parameterised INSERT run with `executemany`, or a whole Polars
frame staged outside Python (`staged_rows`).

Django's `bulk_create` builds and prepares every value of every object in Python (about 30 µs a
row for a learner); a 100,000-row import spends most of its time there. Here each column's values
are put in the database's form once per column type, and the driver runs the statement for every
row (SQLite in C); PostgreSQL receives the rows with COPY. Values are always data (parameters or
COPY rows), never SQL.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import adbc_driver_sqlite.dbapi as adbc_sqlite
import polars as pl
from django.conf import settings
from django.db import connections, models

BATCH = 5_000


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = target.get_internal_type()
    if getattr(field, "encrypted_at_rest", False):  # widen.core.crypto.EncryptedTextField
        return lambda value: field.get_db_prep_save(value, connection)
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        return _repeats_remembered(
            lambda value: value if value is None or isinstance(value, str) else value.hex
        )
    if kind == "DateField":
        return _repeats_remembered(connection.ops.adapt_datefield_value)
    if kind == "DateTimeField":
        return _repeats_remembered(connection.ops.adapt_datetimefield_value)
    if kind == "JSONField":
        return _repeats_remembered(lambda value: field.get_db_prep_save(value, connection))
    return None


def _repeats_remembered(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, reusing its last result when given the very same object again.

    Rows written together share many values (one timestamp, one organisation, one list of
    audited fields), and adapting a timestamp or encoding JSON costs far more than an identity
    check.
    """
    last_value: Any = object()
    last_result: Any = None

    def converted(value: Any) -> Any:
        nonlocal last_value, last_result
        if value is not last_value:
            last_result = convert(value)
            last_value = value
        return last_result

    return converted


def insert_rows(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> int:
    """Insert `rows` (values in the order of `attnames`) into `model`'s table; return the count."""
    connection = connections[using]
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    conversions = [
        (index, convert)
        for index, convert in enumerate(_converter(field, connection) for field in fields)
        if convert is not None
    ]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values are parameters
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if connection.vendor == "postgresql":
        return _copy_rows(connection, model, fields, conversions, rows)
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for values in _converted(rows, fields, conversions):
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _converted(
    rows: Iterable[Sequence[Any]],
    fields: Sequence[models.Field[Any, Any]],
    conversions: Sequence[tuple[int, Callable[[Any], Any]]],
) -> Iterator[list[Any]]:
    """Each row as the list of values to store: one value a field, those named converted."""
    for row in rows:
        if len(row) != len(fields):
            raise ValueError(f"A row has {len(row)} values for {len(fields)} columns.")
        values = list(row)
        for index, convert in conversions:
            values[index] = convert(values[index])
        yield values


def _copy_rows(
    connection: Any,
    model: type[models.Model],
    fields: Sequence[models.Field[Any, Any]],
    conversions: Sequence[tuple[int, Callable[[Any], Any]]],
    rows: Iterable[Sequence[Any]],
) -> int:
    """PostgreSQL: stream the rows with COPY (psycopg adapts each value, as for parameters)."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    )
    count = 0
    with (
        connection.wrap_database_errors,  # psycopg's errors as Django's
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for values in _converted(rows, fields, conversions):
            copy.write_row(values)
            count += 1
    return count


# --- Whole Polars frames -------------------------------------------------------------------------

STAGING_SCHEMA = "widen_staging"
STAGING_TABLE = "staged_rows"
CSV_BATCH = 200_000
ABANDONED_AFTER_SECONDS = 6 * 60 * 60


class StagedRows:
    """A Polars frame's rows, ready for `insert()` inside the transaction the caller opens."""

    def __init__(
        self,
        model: type[models.Model],
        frame: pl.DataFrame,
        connection: Any,
        *,
        constants: Mapping[str, Any],
        attached: bool,
    ) -> None:
        self.model = model
        self.frame = frame  # with the constants, as the database keeps them
        self.constants = constants  # as given: `insert_rows` converts them itself
        self.connection = connection
        self.attached = attached

    def insert(self) -> int:
        """Insert every row of the frame into the model's table; return the count."""
        quote = self.connection.ops.quote_name
        by_attname = {field.attname: field for field in self.model._meta.concrete_fields}
        columns = ", ".join(quote(by_attname[name].column) for name in self.frame.columns)
        table = quote(self.model._meta.db_table)
        if self.attached:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the model
                    f"SELECT {', '.join(quote(name) for name in self.frame.columns)} "
                    f"FROM {STAGING_SCHEMA}.{STAGING_TABLE}"
                )
            return self.frame.height
        if self.connection.vendor == "postgresql":
            # Polars writes the CSV (a null as nothing, an empty text as ""), the server parses it.
            with (
                self.connection.wrap_database_errors,  # psycopg's errors as Django's
                self.connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
            ):
                for start in range(0, self.frame.height, CSV_BATCH):
                    copy.write(
                        self.frame.slice(start, CSV_BATCH).write_csv(
                            include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z"
                        )
                    )
            return self.frame.height
        given = self.frame.drop(self.constants.keys())
        constants = tuple(self.constants.values())
        return insert_rows(
            self.model,
            [*given.columns, *self.constants],
            ((*row, *constants) for row in given.iter_rows()),
            using=self.connection.alias,
        )


@contextmanager
def staged_rows(
    model: type[models.Model],
    frame: pl.DataFrame,
    *,
    constants: Mapping[str, Any] | None = None,
    using: str = "default",
) -> Iterator[StagedRows]:
    """Stage the rows of `frame` (columns named by field attname, values in the database's form:
    a UUID as the database keeps it, booleans, numbers, text) for a fast insert, plus `constants`
    (attname → one value for every row, converted here as Django would).

    PostgreSQL: COPY of CSV that Polars writes. SQLite: Python would bind each value on its own
    (a million rows of 25 columns take 8 s), so outside a transaction the frame is written by the
    ADBC SQLite driver (Arrow, in C) to a scratch database file beside Widen's data, attached to
    the connection and copied with one INSERT … SELECT, and the file is removed when the block
    ends. SQLite cannot attach a database inside a transaction: open the transaction within this
    block. Already inside one, rows are bound one by one with `insert_rows`.
    """
    connection = connections[using]
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    unknown = [name for name in [*frame.columns, *(constants or {})] if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}.")
    # A column the rows leave out takes its field's plain default (a field added later, say),
    # as Django's own inserts would give it.
    given = {*frame.columns, *(constants or {})}
    defaults = {
        field.attname: field.default
        for field in by_attname.values()
        if field.attname not in given
        and not field.primary_key
        and field.has_default()
        and not callable(field.default)
    }
    fixed = {
        name: _database_constant(by_attname[name], value, connection)
        for name, value in {**defaults, **(constants or {})}.items()
    }
    frame = frame.with_columns(pl.lit(value).alias(name) for name, value in fixed.items())
    # A column with nothing but nulls has no type Arrow can write: it goes as a text column.
    frame = frame.with_columns(
        pl.col(name).cast(pl.Utf8) for name, kind in frame.schema.items() if kind == pl.Null
    )
    connection.ensure_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block or frame.is_empty():
        yield StagedRows(model, frame, connection, constants=constants or {}, attached=False)
        return
    scratch = Path(settings.DATA_DIR) / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(scratch)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="rows-") as folder:
        path = str(Path(folder) / "staged.sqlite3")
        with adbc_sqlite.connect(path) as staging:
            with staging.cursor() as cursor:
                cursor.adbc_ingest(STAGING_TABLE, frame, mode="create")
            staging.commit()
        with connection.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE %s AS {STAGING_SCHEMA}", [path])
        try:
            yield StagedRows(model, frame, connection, constants=constants or {}, attached=True)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DETACH DATABASE {STAGING_SCHEMA}")


def _remove_abandoned(scratch: Path) -> None:
    """Remove scratch files a killed process left behind (they hold learners' keys)."""
    cutoff = time.time() - ABANDONED_AFTER_SECONDS
    for folder in scratch.glob("rows-*"):
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            continue


def _database_constant(field: models.Field[Any, Any], value: Any, connection: Any) -> Any:
    """One value as the database keeps it: text unless it is a number, yes/no or nothing."""
    prepared = field.get_db_prep_save(value, connection)
    if prepared is None or isinstance(prepared, bool | int | float | str):
        return prepared
    if isinstance(prepared, datetime):
        return prepared.isoformat(sep=" ")
    return str(prepared)


def read_frame(
    sql: str, params: Sequence[Any], schema: Mapping[str, Any], *, using: str = "default"
) -> pl.DataFrame | None:
    """PostgreSQL: the rows of a query as a Polars frame of `schema` (columns in the query's
    order), the server writing CSV through `COPY … TO STDOUT` and Polars parsing it: no Python
    object per value. None on other databases: read them with the cursor."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params or None) as copy,
    ):
        data = b"".join(bytes(block) for block in copy)
    if not data:
        return pl.DataFrame(schema=dict(schema))
    return pl.read_csv(io.BytesIO(data), has_header=False, schema=dict(schema))
