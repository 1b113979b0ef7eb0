"""Inserting many rows fast: one parameterised INSERT run with `executemany`.

Django's `bulk_create` builds and prepares every value of every object in Python (about 30 µs a
row for a learner); a 100,000-row import spends most of its time there. Here each column's values
are put in the database's form once per column type, and the driver runs the statement for every
row (SQLite in C); PostgreSQL receives the rows with COPY. Values are always data (parameters or
COPY rows), never SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models

BATCH = 5_000


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = target.get_internal_type()
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
        for row in rows:
            if len(row) != len(fields):
                raise ValueError(f"A row has {len(row)} values for {len(fields)} columns.")
            values = list(row)
            for index, convert in conversions:
                values[index] = convert(values[index])
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


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
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            if len(row) != len(fields):
                raise ValueError(f"A row has {len(row)} values for {len(fields)} columns.")
            values = list(row)
            for index, convert in conversions:
                values[index] = convert(values[index])
            copy.write_row(values)
            count += 1
    return count
