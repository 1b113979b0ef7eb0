"""Encrypted, verifiable backups of the whole database (`widen backup`, `widen restore`).

A backup is one file: a consistent copy of the database and a manifest of every table's row count
and checksum, encrypted in frames that a restore checks in full before it changes anything.
`widen restore` writes only into a database with no tables, then recounts and rechecks every
table against the manifest.

- `frames`: the file's format, its keys (`WIDEN_BACKUP_KEYS`), writing and reading its frames.
- `databases`: the databases backed up and restored into, and PostgreSQL's own programs.
- `summaries`: every table's row count and checksum, and comparing them with a manifest.
- `backing_up` and `restoring`: the two operations.
- `errors`: `BackupError`, and the wording the messages and commands share.
"""

from widen.core.backups.backing_up import BackupResult, backup_database
from widen.core.backups.databases import POSTGRESQL, SQLITE, Database, postgres_tool
from widen.core.backups.errors import BackupError, plural, size_label
from widen.core.backups.frames import (
    CHUNK_BYTES,
    FORMAT,
    MAGIC,
    MAX_FRAME_BYTES,
    key_fingerprint,
    read_manifest,
)
from widen.core.backups.restoring import RestoreResult, restore_database
from widen.core.backups.summaries import TableSummary, compare, sqlite_tables, table_summaries

__all__ = [
    "CHUNK_BYTES",
    "FORMAT",
    "MAGIC",
    "MAX_FRAME_BYTES",
    "POSTGRESQL",
    "SQLITE",
    "BackupError",
    "BackupResult",
    "Database",
    "RestoreResult",
    "TableSummary",
    "backup_database",
    "compare",
    "key_fingerprint",
    "plural",
    "postgres_tool",
    "read_manifest",
    "restore_database",
    "size_label",
    "sqlite_tables",
    "table_summaries",
]
