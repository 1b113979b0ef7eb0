"""Inserting many rows fast: one parameterised INSERT run with `executemany`.

Django's `bulk_create` builds and prepares every value of every object in Python (about 30 µs a
row for a learner); a 100,000-row import spends most of its time there. Here each column's values
are put in the database's form once per column type, and the driver runs the statement for every
row (SQLite in C; psycopg in pipeline mode). Values are always parameters, never SQL.
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
        return lambda value: None if value is None else value.hex
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return None


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
    converters = [_converter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values are parameters
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                tuple(
                    value if convert is None else convert(value)
                    for convert, value in zip(converters, row, strict=True)
                )
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
