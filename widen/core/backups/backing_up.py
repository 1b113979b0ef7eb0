"""Taking a backup (`widen backup`): one encrypted file holding a consistent copy of the database
and its manifest.

The database is copied consistently: SQLite through its online backup API (into a private
temporary file), PostgreSQL by `pg_dump -Fc` reading the snapshot of a repeatable-read
transaction. The manifest (Widen's version, the database engine, when, and for every table its
row count and a SHA-256 of its rows in primary-key order) is worked out from the same snapshot, so
a restore can prove it got back exactly what was saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet, MultiFernet

from widen.core.backups.databases import (
    SQLITE,
    Database,
    postgres_environment,
    postgres_snapshot,
    postgres_tool,
    sqlite_connect,
    sqlite_exists,
)
from widen.core.backups.errors import BackupError
from widen.core.backups.frames import (
    CHUNK_BYTES,
    DATA,
    END,
    FORMAT,
    ID_BYTES,
    MAGIC,
    MANIFEST,
    FrameWriter,
    backup_keys,
    key_fingerprint,
)
from widen.core.backups.summaries import TableSummary, postgres_summaries, sqlite_summaries


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    size: int
    seconds: float


def _widen_version() -> str:
    try:
        return metadata.version("widen")
    except metadata.PackageNotFoundError:
        return "unknown"


def _manifest(database: Database, summaries: dict[str, TableSummary]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "widen_version": _widen_version(),
        "engine": database.engine,
        "dump": "sqlite-database" if database.engine == SQLITE else "pg_dump-custom",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": {
            table: {"rows": summary.rows, "sha256": summary.sha256}
            for table, summary in sorted(summaries.items())
        },
    }


def _copy_frames(source: IO[bytes], writer: FrameWriter) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        writer.write(DATA, chunk)
    return size, digest.hexdigest()


def backup_database(database: Database, destination: Path) -> BackupResult:
    """Write an encrypted backup of `database` to `destination` (a new file)."""
    started = time.monotonic()
    keys = backup_keys()
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists: give the backup a new file name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    fernet = MultiFernet([Fernet(key.encode()) for key in keys])
    backup_id = secrets.token_bytes(ID_BYTES)
    partial = destination.with_name(destination.name + ".partial")
    # The plain copy waits beside the backup (not in a memory-backed /tmp), readable by us only.
    with tempfile.TemporaryDirectory(prefix=".widen-backup-", dir=destination.parent) as work:
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as error:
            raise BackupError(
                f"{partial} exists: another backup may be running; remove it if not."
            ) from error
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(MAGIC + key_fingerprint(keys[0]) + backup_id)
                writer = FrameWriter(out, fernet, backup_id)
                if database.engine == SQLITE:
                    manifest, size, sha256 = _write_sqlite(database, Path(work), writer)
                else:
                    manifest, size, sha256 = _write_postgres(database, Path(work), writer)
                end = {"frames": writer.frames + 1, "bytes": size, "sha256": sha256}
                writer.write(END, json.dumps(end).encode())
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(
        path=destination,
        manifest=manifest,
        size=destination.stat().st_size,
        seconds=time.monotonic() - started,
    )


def _write_sqlite(
    database: Database, work: Path, writer: FrameWriter
) -> tuple[dict[str, Any], int, str]:
    copy = work / "database.sqlite3"
    if not sqlite_exists(database.name):
        raise BackupError(f"There is no {database.label}: nothing to back up.")
    with (
        closing(sqlite_connect(database.name)) as source,
        closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)  # one step: a consistent copy while others go on writing
    with closing(sqlite3.connect(copy)) as snapshot:
        manifest = _manifest(database, sqlite_summaries(snapshot))
    writer.write(MANIFEST, json.dumps(manifest).encode())
    with copy.open("rb") as source_file:
        size, sha256 = _copy_frames(source_file, writer)
    return manifest, size, sha256


def _write_postgres(
    database: Database, work: Path, writer: FrameWriter
) -> tuple[dict[str, Any], int, str]:
    pg_dump = postgres_tool("pg_dump")
    with postgres_snapshot(database) as connection:
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        manifest = _manifest(database, postgres_summaries(connection))
        writer.write(MANIFEST, json.dumps(manifest).encode())
        command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
        with (work / "pg_dump.errors").open("w+b") as errors:
            dump = subprocess.Popen(  # noqa: S603 - a fixed program, arguments not from users
                command,
                env=postgres_environment(database),
                stdout=subprocess.PIPE,
                stderr=errors,
            )
            assert dump.stdout is not None
            try:
                size, sha256 = _copy_frames(dump.stdout, writer)
            finally:
                dump.stdout.close()
                returncode = dump.wait()
            if returncode != 0:
                errors.seek(0)
                said = errors.read().decode(errors="replace").strip()
                raise BackupError(f"pg_dump failed: {said or f'exit status {returncode}'}")
    return manifest, size, sha256
