"""Restoring a backup (`widen restore`): only into a database with no tables, and only a backup
that decrypts and checks in full; then every table is recounted and rechecked against the
backup's manifest."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from widen.core.backups.databases import (
    POSTGRESQL,
    SQLITE,
    Database,
    existing_tables,
    postgres_environment,
    postgres_tool,
    run_tool,
    sqlite_connect,
)
from widen.core.backups.errors import BackupError, plural
from widen.core.backups.frames import FrameReader, decrypt_to, open_manifest
from widen.core.backups.summaries import compare, table_summaries


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    problems: list[str]
    tables: int
    rows: int
    seconds: float


def _refuse_unless_empty(database: Database, backup_path: Path) -> None:
    if database.engine == SQLITE and not database.name.startswith("file:"):
        folder = Path(database.name).resolve().parent
        if not folder.is_dir():
            raise BackupError(f"The folder {folder} does not exist. Nothing was changed.")
    tables = existing_tables(database)
    if not tables:
        return
    shown = ", ".join(tables[:3]) + (f" and {len(tables) - 3} more" if len(tables) > 3 else "")
    example = (
        "createdb widen_restored` and `widen restore "
        f"{backup_path} --database-url postgres://USER@HOST/widen_restored"
        if database.engine == POSTGRESQL
        else f"widen restore {backup_path} --database-url sqlite:///PATH/TO/NEW.sqlite3"
    )
    raise BackupError(
        f"The {database.label} is not empty: it already has "
        f"{plural(len(tables), 'table')} ({shown}). "
        "Widen restores only into a new, empty database, so nothing was changed. Restore into "
        f"an empty one (for example `{example}`), then point DATABASE_URL at it."
    )


def restore_database(
    path: Path, database: Database, *, progress: Callable[[str], None] | None = None
) -> RestoreResult:
    """Restore the backup at `path` into the empty `database` and check every table against
    the manifest. Refuses, changing nothing, a database that is not empty, a backup that was
    altered or is for the other engine, and a backup whose key is not configured."""
    say = progress or (lambda message: None)
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with path.open("rb") as source:
        reader = FrameReader(source, path)
        manifest = open_manifest(reader)
        if manifest["engine"] != database.engine:
            engine = "SQLite" if manifest["engine"] == SQLITE else "PostgreSQL"
            raise BackupError(
                f"{path} is a backup of a {engine} database, and the {database.label} is not: "
                f"restore it into an empty {engine} database. Nothing was changed."
            )
        _refuse_unless_empty(database, path)
        with tempfile.TemporaryDirectory(prefix="widen-restore-") as work:
            copy = Path(work) / "copy"
            say("Decrypting and checking the backup…")
            with copy.open("wb") as out:
                decrypt_to(reader, out)
            say(f"Restoring into the {database.label}…")
            if database.engine == SQLITE:
                _restore_sqlite(copy, database)
            else:
                _restore_postgres(copy, database)
    say("Checking every table against the backup's manifest…")
    summaries = table_summaries(database)
    problems = compare(manifest, summaries)
    return RestoreResult(
        manifest=manifest,
        problems=problems,
        tables=len(summaries),
        rows=sum(summary.rows for summary in summaries.values()),
        seconds=time.monotonic() - started,
    )


def _restore_sqlite(copy: Path, database: Database) -> None:
    with closing(sqlite3.connect(copy)) as source:
        (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"The database in the backup fails SQLite's own check: {verdict}")
        with closing(sqlite_connect(database.name)) as target:
            source.backup(target)


def _restore_postgres(copy: Path, database: Database) -> None:
    run_tool(
        [
            postgres_tool("pg_restore"),
            "--no-password",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database.name}",
            str(copy),
        ],
        postgres_environment(database),
        "pg_restore",
        "It restores in one transaction, so nothing was restored.",
    )
