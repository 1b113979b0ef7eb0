"""The databases a backup is taken from or restored into: `Database` (as Django's settings or a
database address describe one), connecting to SQLite and PostgreSQL, PostgreSQL's own programs
(`pg_dump`, `pg_restore`) and the environment they run in, and which tables a database holds."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url

from widen.core.backups.errors import BackupError

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


# Connections


def sqlite_exists(name: str) -> bool:
    if name.startswith("file:"):  # Django's own URI names (the test suite's shared memory)
        return True
    path = Path(name)
    return path.is_file() and path.stat().st_size > 0


def sqlite_connect(name: str) -> sqlite3.Connection:
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


def postgres_connect(database: Database, **kwargs: Any) -> Any:
    import psycopg  # noqa: PLC0415 - only for PostgreSQL

    try:
        return psycopg.connect(**_postgres_connection_arguments(database), **kwargs)
    except psycopg.OperationalError as error:
        raise BackupError(f"Cannot connect to the {database.label}: {error}".strip()) from error


@contextmanager
def postgres_snapshot(database: Database) -> Iterator[Any]:
    """A read-only, repeatable-read transaction: one consistent view of the whole database."""
    with closing(postgres_connect(database)) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield connection
        finally:
            connection.rollback()


def postgres_environment(database: Database) -> dict[str, str]:
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


def run_tool(command: list[str], environment: dict[str, str], what: str, then: str) -> None:
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


def existing_tables(database: Database) -> list[str]:
    """Every table, view and sequence `database` holds; none when it is new and empty."""
    if database.engine == SQLITE:
        if not sqlite_exists(database.name):
            return []
        with closing(sqlite_connect(database.name)) as connection:
            names = connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            ).fetchall()
            return [name for (name,) in names]
    with closing(postgres_connect(database, autocommit=True)) as connection:
        names = connection.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1"
        ).fetchall()
        return [name for (name,) in names]
