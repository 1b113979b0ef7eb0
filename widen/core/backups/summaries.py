"""Summaries of every table's rows (a count and a SHA-256 of the rows in primary-key order),
worked out the same way on SQLite and PostgreSQL, and their comparison: what a backup's manifest
records, and what a restore checks the restored database against."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any
from uuid import UUID

from widen.core.backups.databases import (
    SQLITE,
    Database,
    postgres_snapshot,
    sqlite_connect,
    sqlite_exists,
)

_LENGTH = struct.Struct(">I")  # how many values in a row, and each value's length
_ROWS_AT_ONCE = 2000


@dataclass(frozen=True)
class TableSummary:
    rows: int
    sha256: str


# Checksums of every table's rows, the same way on both engines


def _encoded(value: Any) -> bytes:
    if value is None:
        return b"N"
    if isinstance(value, bool):
        return b"T" if value else b"F"
    if isinstance(value, int):
        return b"i" + str(value).encode()
    if isinstance(value, float):
        return b"f" + repr(value).encode()
    if isinstance(value, Decimal):
        return b"d" + str(value).encode()
    if isinstance(value, str):
        return b"s" + value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes | bytearray | memoryview):
        return b"b" + bytes(value)
    if isinstance(value, datetime | date | time_of_day):
        return b"t" + value.isoformat().encode()
    if isinstance(value, timedelta):
        return b"D" + str(value).encode()
    if isinstance(value, UUID):
        return b"u" + str(value).encode()
    if isinstance(value, dict | list):
        return b"j" + json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return b"r" + str(value).encode()


def _row_bytes(row: Iterable[Any]) -> bytes:
    parts = [_encoded(value) for value in row]
    return _LENGTH.pack(len(parts)) + b"".join(_LENGTH.pack(len(part)) + part for part in parts)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _summary_of(rows: Iterator[Iterable[Any]]) -> TableSummary:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(_row_bytes(row))
        count += 1
    return TableSummary(rows=count, sha256=digest.hexdigest())


def _fetched(cursor: Any) -> Iterator[Any]:
    while batch := cursor.fetchmany(_ROWS_AT_ONCE):
        yield from batch


def _order_by(primary_key: list[str], column_count: int) -> str:
    if primary_key:
        return ", ".join(_quoted(column) for column in primary_key)
    return ", ".join(str(position) for position in range(1, column_count + 1))


def sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
    ]


def sqlite_summaries(connection: sqlite3.Connection) -> dict[str, TableSummary]:
    summaries = {}
    for table in sqlite_tables(connection):
        columns = connection.execute(f"PRAGMA table_info({_quoted(table)})").fetchall()
        primary_key = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]]
        cursor = connection.execute(
            f"SELECT * FROM {_quoted(table)} "  # noqa: S608 - names from the catalogue, quoted
            f"ORDER BY {_order_by(primary_key, len(columns))}"
        )
        summaries[table] = _summary_of(_fetched(cursor))
    return summaries


_PG_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname
"""
_PG_PRIMARY_KEY = """
    SELECT a.attname FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = %s::regclass AND i.indisprimary
    ORDER BY array_position(i.indkey::int2[], a.attnum)
"""


def postgres_summaries(connection: Any) -> dict[str, TableSummary]:
    """Every table's summary, read inside the caller's transaction (its snapshot)."""
    summaries = {}
    tables = [name for (name,) in connection.execute(_PG_TABLES).fetchall()]
    for table in tables:
        primary_key = [
            name for (name,) in connection.execute(_PG_PRIMARY_KEY, [_quoted(table)]).fetchall()
        ]
        column_count = connection.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped",
            [_quoted(table)],
        ).fetchone()[0]
        with connection.cursor(name="widen_backup_rows") as cursor:
            cursor.itersize = _ROWS_AT_ONCE
            cursor.execute(
                f"SELECT * FROM {_quoted(table)} "  # noqa: S608 - catalogue names, quoted
                f"ORDER BY {_order_by(primary_key, column_count)}"
            )
            summaries[table] = _summary_of(iter(cursor))
    return summaries


def table_summaries(database: Database) -> dict[str, TableSummary]:
    """Every table's row count and checksum as the database holds them now."""
    if database.engine == SQLITE:
        if not sqlite_exists(database.name):
            return {}
        with closing(sqlite_connect(database.name)) as connection:
            return sqlite_summaries(connection)
    with postgres_snapshot(database) as connection:
        return postgres_summaries(connection)


def compare(manifest: dict[str, Any], summaries: dict[str, TableSummary]) -> list[str]:
    """What differs between the tables a backup recorded and those a database holds, one line
    per table; empty when every row count and checksum matches."""
    problems = []
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(summaries)):
        if table not in summaries:
            problems.append(f"{table}: missing (the backup had {expected[table]['rows']} rows)")
        elif table not in expected:
            problems.append(f"{table}: not in the backup ({summaries[table].rows} rows)")
        elif summaries[table].rows != expected[table]["rows"]:
            problems.append(
                f"{table}: {summaries[table].rows} rows, the backup had {expected[table]['rows']}"
            )
        elif summaries[table].sha256 != expected[table]["sha256"]:
            problems.append(f"{table}: the same number of rows, but their contents differ")
    return problems
