"""Encrypted, verifiable backups of the whole database (`widen backup`, `widen restore`).

A backup is one file. The database is copied consistently: SQLite through its online backup API
(into a private temporary file), PostgreSQL by `pg_dump -Fc` reading the snapshot of a
repeatable-read transaction. The manifest (Widen's version, the database engine, when, and for
every table its row count and a SHA-256 of its rows in primary-key order) is worked out from the
same snapshot, so a restore can prove it got back exactly what was saved.

The file: a header (`MAGIC`, the key's fingerprint, the backup's random id), then frames, each a
4-byte length and a Fernet token (AES-128-CBC with HMAC-SHA256, from `cryptography`). Inside each
token: a kind (manifest, data, end), the frame's number and the backup id, then the payload; the
end frame holds the number of frames and the SHA-256 of the whole copy. A frame altered, moved,
dropped, taken from another backup or cut off is refused before anything is restored. The keys are
`settings.BACKUP_ENCRYPTION_KEYS` (`WIDEN_BACKUP_KEYS`): the first encrypts, every key decrypts.

`widen restore` writes only into a database with no tables, then recounts and rechecks every
table against the manifest.
"""

from __future__ import annotations

import glob
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import dj_database_url
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

MAGIC = b"WIDEN-BACKUP-v1\n"
FORMAT = 1
CHUNK_BYTES = 1024 * 1024
MAX_FRAME_BYTES = 64 * 1024 * 1024
_ID_BYTES = 16
_KEY_ID_BYTES = 8
_FRAME_HEADER = struct.Struct(">cQ16s")  # kind, frame number, backup id
_LENGTH = struct.Struct(">I")
_MANIFEST, _DATA, _END = b"M", b"D", b"E"
_ROWS_AT_ONCE = 2000

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# libpq's environment variables for the connection settings Django keeps (`pg_dump` and
# `pg_restore` read them, so no password is ever on a command line).
_PG_OPTIONS_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into, as Django's settings describe one."""

    engine: str
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> Database:
        backend = settings_dict["ENGINE"]
        if backend.endswith("sqlite3"):
            engine = SQLITE
        elif backend.endswith("postgresql"):
            engine = POSTGRESQL
        else:
            raise BackupError(
                f"Widen backs up SQLite and PostgreSQL databases only, not {backend}."
            )
        return cls(
            engine=engine,
            name=str(settings_dict["NAME"]),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            options=dict(settings_dict.get("OPTIONS") or {}),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            return cls.from_settings(dict(dj_database_url.parse(url)))
        except (ValueError, KeyError) as error:
            raise BackupError(
                "The database address is not one Widen can use: give it as "
                "postgres://USER@HOST:PORT/NAME or sqlite:///PATH."
            ) from error

    @property
    def label(self) -> str:
        """How the database is named to people: never with its password."""
        if self.engine == SQLITE:
            return f"SQLite database {self.name}"
        where = f"{self.host or 'localhost'}:{self.port or 5432}"
        return f"PostgreSQL database {self.name} on {where}"

    @property
    def engine_name(self) -> str:
        return "SQLite" if self.engine == SQLITE else "PostgreSQL"


@dataclass(frozen=True)
class TableSummary:
    rows: int
    sha256: str


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    size: int
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    problems: list[str]
    tables: int
    rows: int
    seconds: float


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def size_label(size: int) -> str:
    """A file size as people read it: 812 bytes, 14 KB, 2.6 MB, 3.1 GB."""
    if size < 1000:
        return plural(size, "byte")
    for unit, scale in (("KB", 1e3), ("MB", 1e6)):
        if size < scale * 1000:
            shown = size / scale
            return f"{shown:.0f} {unit}" if shown >= 10 else f"{shown:.1f} {unit}"
    shown = size / 1e9
    return f"{shown:.0f} GB" if shown >= 10 else f"{shown:.1f} GB"


# Keys


def _keys() -> list[str]:
    keys = list(settings.BACKUP_ENCRYPTION_KEYS)
    if not keys:
        raise BackupError(
            "Set WIDEN_BACKUP_KEYS to one or more Fernet keys (comma-separated, newest first) "
            'to encrypt backups; make one with `python -c "from cryptography.fernet import '
            'Fernet; print(Fernet.generate_key().decode())"` and keep it away from the backups.'
        )
    return keys


def key_fingerprint(key: str) -> bytes:
    """A short, one-way name for `key`, written in a backup's header so a restore can say which
    key it needs (it tells nothing about the key)."""
    return hmac.new(key.encode(), b"widen backup key fingerprint", hashlib.sha256).digest()[
        :_KEY_ID_BYTES
    ]


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


def _sqlite_summaries(connection: sqlite3.Connection) -> dict[str, TableSummary]:
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


def _postgres_summaries(connection: Any) -> dict[str, TableSummary]:
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
        if not _sqlite_exists(database.name):
            return {}
        with closing(_sqlite_connect(database.name)) as connection:
            return _sqlite_summaries(connection)
    with _postgres_snapshot(database) as connection:
        return _postgres_summaries(connection)


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


# Connections


def _sqlite_exists(name: str) -> bool:
    if name.startswith("file:"):  # Django's own URI names (the test suite's shared memory)
        return True
    path = Path(name)
    return path.is_file() and path.stat().st_size > 0


def _sqlite_connect(name: str) -> sqlite3.Connection:
    if name.startswith("file:"):
        return sqlite3.connect(name, uri=True)
    return sqlite3.connect(name)


def _postgres_connection_arguments(database: Database) -> dict[str, Any]:
    arguments: dict[str, Any] = {"dbname": database.name}
    for key, value in (
        ("user", database.user),
        ("password", database.password),
        ("host", database.host),
        ("port", database.port),
    ):
        if value:
            arguments[key] = value
    arguments.update(
        {key: value for key, value in database.options.items() if key in _PG_OPTIONS_ENVIRONMENT}
    )
    return arguments


def _postgres_connect(database: Database, **kwargs: Any) -> Any:
    import psycopg  # noqa: PLC0415 - only for PostgreSQL

    try:
        return psycopg.connect(**_postgres_connection_arguments(database), **kwargs)
    except psycopg.OperationalError as error:
        raise BackupError(f"Cannot connect to the {database.label}: {error}".strip()) from error


@contextmanager
def _postgres_snapshot(database: Database) -> Iterator[Any]:
    """A read-only, repeatable-read transaction: one consistent view of the whole database."""
    with closing(_postgres_connect(database)) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield connection
        finally:
            connection.rollback()


def _postgres_environment(database: Database) -> dict[str, str]:
    # What Django's own connection reads from the environment (libpq's PG… variables, a
    # ~/.pgpass) stays; what the settings give is put over it.
    environment = {**os.environ, "PGDATABASE": database.name}
    for key, value in (
        ("PGUSER", database.user),
        ("PGPASSWORD", database.password),
        ("PGHOST", database.host),
        ("PGPORT", database.port),
    ):
        if value:
            environment[key] = value
    for option, variable in _PG_OPTIONS_ENVIRONMENT.items():
        if option in database.options:
            environment[variable] = str(database.options[option])
    return environment


def postgres_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: the one on PATH, or else the newest PostgreSQL's own."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: (
            int(Path(path).parent.parent.name) if Path(path).parent.parent.name.isdigit() else 0
        ),
    )
    if installed:
        return installed[-1]
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client programs (on Debian or Ubuntu, "
        "`apt-get install postgresql-client`), the same major version as the server or newer."
    )


def _run_tool(command: list[str], environment: dict[str, str], what: str, then: str) -> None:
    with tempfile.TemporaryFile() as errors:
        finished = subprocess.run(  # noqa: S603 - a fixed program, arguments not from users
            command, env=environment, stdout=subprocess.DEVNULL, stderr=errors, check=False
        )
        if finished.returncode != 0:
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip()
            raise BackupError(
                f"{what} failed: {said or f'exit status {finished.returncode}'}. {then}"
            )


# Writing a backup


class _FrameWriter:
    def __init__(self, out: IO[bytes], fernet: MultiFernet, backup_id: bytes) -> None:
        self.out, self.fernet, self.backup_id = out, fernet, backup_id
        self.frames = 0

    def write(self, kind: bytes, payload: bytes) -> None:
        plain = _FRAME_HEADER.pack(kind, self.frames, self.backup_id) + payload
        token = self.fernet.encrypt(plain)
        self.out.write(_LENGTH.pack(len(token)) + token)
        self.frames += 1


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


def _copy_frames(source: IO[bytes], writer: _FrameWriter) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
        writer.write(_DATA, chunk)
    return size, digest.hexdigest()


def backup_database(database: Database, destination: Path) -> BackupResult:
    """Write an encrypted backup of `database` to `destination` (a new file)."""
    started = time.monotonic()
    keys = _keys()
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists: give the backup a new file name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    fernet = MultiFernet([Fernet(key.encode()) for key in keys])
    backup_id = secrets.token_bytes(_ID_BYTES)
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
                writer = _FrameWriter(out, fernet, backup_id)
                if database.engine == SQLITE:
                    manifest, size, sha256 = _write_sqlite(database, Path(work), writer)
                else:
                    manifest, size, sha256 = _write_postgres(database, Path(work), writer)
                end = {"frames": writer.frames + 1, "bytes": size, "sha256": sha256}
                writer.write(_END, json.dumps(end).encode())
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
    database: Database, work: Path, writer: _FrameWriter
) -> tuple[dict[str, Any], int, str]:
    copy = work / "database.sqlite3"
    if not _sqlite_exists(database.name):
        raise BackupError(f"There is no {database.label}: nothing to back up.")
    with (
        closing(_sqlite_connect(database.name)) as source,
        closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)  # one step: a consistent copy while others go on writing
    with closing(sqlite3.connect(copy)) as snapshot:
        manifest = _manifest(database, _sqlite_summaries(snapshot))
    writer.write(_MANIFEST, json.dumps(manifest).encode())
    with copy.open("rb") as source_file:
        size, sha256 = _copy_frames(source_file, writer)
    return manifest, size, sha256


def _write_postgres(
    database: Database, work: Path, writer: _FrameWriter
) -> tuple[dict[str, Any], int, str]:
    pg_dump = postgres_tool("pg_dump")
    with _postgres_snapshot(database) as connection:
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        manifest = _manifest(database, _postgres_summaries(connection))
        writer.write(_MANIFEST, json.dumps(manifest).encode())
        command = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}"]
        with (work / "pg_dump.errors").open("w+b") as errors:
            dump = subprocess.Popen(  # noqa: S603 - a fixed program, arguments not from users
                command,
                env=_postgres_environment(database),
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


# Reading a backup


class _FrameReader:
    def __init__(self, source: IO[bytes], path: Path) -> None:
        self.source, self.path = source, path
        header = source.read(len(MAGIC) + _KEY_ID_BYTES + _ID_BYTES)
        if len(header) < len(MAGIC) or header[: len(MAGIC)] != MAGIC:
            raise BackupError(f"{path} is not a Widen backup (made by `widen backup`).")
        if len(header) != len(MAGIC) + _KEY_ID_BYTES + _ID_BYTES:
            raise BackupError(f"{path} is cut short: it is damaged. Nothing was changed.")
        key_id = header[len(MAGIC) : len(MAGIC) + _KEY_ID_BYTES]
        self.backup_id = header[len(MAGIC) + _KEY_ID_BYTES :]
        keys = _keys()
        matching = [key for key in keys if hmac.compare_digest(key_fingerprint(key), key_id)]
        if not matching:
            raise BackupError(
                f"{path} was encrypted with a key that is not in WIDEN_BACKUP_KEYS (key "
                f"fingerprint {key_id.hex()}): add that key to WIDEN_BACKUP_KEYS (after the "
                "newest) and try again. Nothing was changed."
            )
        self.fernet = MultiFernet([Fernet(key.encode()) for key in matching])
        self.frames = 0

    def _damaged(self, why: str) -> BackupError:
        return BackupError(
            f"{self.path} has been altered or damaged ({why}): it cannot be trusted and was not "
            "restored. Nothing was changed; use another backup."
        )

    def read(self) -> tuple[bytes, bytes]:
        length_bytes = self.source.read(_LENGTH.size)
        if len(length_bytes) != _LENGTH.size:
            raise self._damaged(f"it ends early, after part {self.frames}")
        (length,) = _LENGTH.unpack(length_bytes)
        if length > MAX_FRAME_BYTES:
            raise self._damaged(f"part {self.frames + 1} has an impossible length")
        token = self.source.read(length)
        if len(token) != length:
            raise self._damaged(f"it ends early, in part {self.frames + 1}")
        try:
            plain = self.fernet.decrypt(token)
        except InvalidToken as error:
            raise self._damaged(f"part {self.frames + 1} fails its check") from error
        kind, number, backup_id = _FRAME_HEADER.unpack_from(plain)
        if number != self.frames or backup_id != self.backup_id:
            raise self._damaged(f"part {self.frames + 1} is out of place")
        self.frames += 1
        return kind, plain[_FRAME_HEADER.size :]


def _open_manifest(reader: _FrameReader) -> dict[str, Any]:
    kind, payload = reader.read()
    if kind != _MANIFEST:
        raise reader._damaged("its manifest is missing")
    manifest: dict[str, Any] = json.loads(payload)
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{reader.path} is in backup format {manifest.get('format')}; this Widen reads "
            f"format {FORMAT}. Restore it with the Widen version that made it "
            f"({manifest.get('widen_version')})."
        )
    return manifest


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup at `path` (decrypted and checked)."""
    with Path(path).open("rb") as source:
        return _open_manifest(_FrameReader(source, Path(path)))


def _decrypt_to(reader: _FrameReader, out: IO[bytes]) -> None:
    digest, size = hashlib.sha256(), 0
    while True:
        kind, payload = reader.read()
        if kind == _DATA:
            digest.update(payload)
            size += len(payload)
            out.write(payload)
            continue
        if kind != _END:
            raise reader._damaged(f"part {reader.frames} is of an unknown kind")
        end = json.loads(payload)
        if end != {"frames": reader.frames, "bytes": size, "sha256": digest.hexdigest()}:
            raise reader._damaged("its contents do not add up to what it recorded")
        if reader.source.read(1):
            raise reader._damaged("it has more after its end")
        return


# Restoring


def _existing_tables(database: Database) -> list[str]:
    if database.engine == SQLITE:
        if not _sqlite_exists(database.name):
            return []
        with closing(_sqlite_connect(database.name)) as connection:
            names = connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            ).fetchall()
            return [name for (name,) in names]
    with closing(_postgres_connect(database, autocommit=True)) as connection:
        names = connection.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1"
        ).fetchall()
        return [name for (name,) in names]


def _refuse_unless_empty(database: Database, backup_path: Path) -> None:
    if database.engine == SQLITE and not database.name.startswith("file:"):
        folder = Path(database.name).resolve().parent
        if not folder.is_dir():
            raise BackupError(f"The folder {folder} does not exist. Nothing was changed.")
    tables = _existing_tables(database)
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
        reader = _FrameReader(source, path)
        manifest = _open_manifest(reader)
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
                _decrypt_to(reader, out)
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
        with closing(_sqlite_connect(database.name)) as target:
            source.backup(target)


def _restore_postgres(copy: Path, database: Database) -> None:
    _run_tool(
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
        _postgres_environment(database),
        "pg_restore",
        "It restores in one transaction, so nothing was restored.",
    )
