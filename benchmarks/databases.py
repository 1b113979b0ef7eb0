"""Throwaway databases for benchmark runs: a new SQLite file, or a new PostgreSQL database.

The runner points Django at a SQLite file in a temporary directory before `django.setup()`.
`fresh_database` then repoints Django's default connection at a new, migrated database for each
section and removes that database afterwards, so a benchmark never touches real data.
"""

from __future__ import annotations

import copy
import functools
import secrets
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url

from benchmarks.harness import DatabaseInfo

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
POSTGRESQL_ENGINE = "django.db.backends.postgresql"


@dataclass(frozen=True)
class Target:
    """A database engine to run on; for PostgreSQL, the server to create databases on."""

    label: str
    server_url: str | None = None


def is_postgres_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        return dj_database_url.parse(url)["ENGINE"] == POSTGRESQL_ENGINE
    except ValueError:
        return False


@functools.cache
def _sqlite_template() -> dict[str, Any]:
    """The project's own SQLite settings (WAL, busy timeout...), as loaded at start-up."""
    from django.conf import settings  # imported once Django is set up

    return dict(copy.deepcopy(settings.DATABASES["default"]))


def _use(config: dict[str, Any]) -> None:
    """Point Django's default connection at `config`, closing the current one."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    with suppress(AttributeError):
        del connections["default"]
    configured = connections.configure_settings({"default": copy.deepcopy(config)})["default"]
    settings.DATABASES["default"] = configured
    connections.settings["default"] = configured


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _migrated_sqlite(path: Path, template: dict[str, Any]) -> None:
    """Make `path` a migrated SQLite database: a copy of one migrated once (migrating takes
    longer than most sections), migrated here the first time."""
    from widen.testing.migrated_sqlite import migrated_sqlite_copy

    def migrate(building: Path) -> None:
        _use({**template, "NAME": str(building)})
        try:
            _migrate()
        finally:
            _use(template)

    migrated_sqlite_copy(path, migrate)


def _libpq(config: Mapping[str, object], dbname: str) -> dict[str, Any]:
    params: dict[str, Any] = {"dbname": dbname}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER")):
        if config.get(setting):
            params[key] = config[setting]
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return params


@contextmanager
def fresh_database(target: Target, *, workdir: Path, prefix: str) -> Iterator[DatabaseInfo]:
    """A new, migrated database for one section; removed afterwards."""
    template = _sqlite_template()
    suffix = secrets.token_hex(4)
    if target.label == SQLITE:
        path = workdir / f"{prefix}-{suffix}.sqlite3"
        _migrated_sqlite(path, template)
        _use({**template, "NAME": str(path)})
        try:
            yield DatabaseInfo(
                label=SQLITE, vendor="sqlite", version=sqlite3.sqlite_version, name=path.name
            )
        finally:
            _use(template)
            for leftover in workdir.glob(f"{path.name}*"):
                leftover.unlink()
        return

    import psycopg
    from psycopg import sql

    server: dict[str, Any] = dict(dj_database_url.parse(target.server_url or "", conn_max_age=60))
    maintenance_db = str(server.get("NAME") or "postgres")
    name = f"{prefix}_{suffix}".replace("-", "_")
    with psycopg.connect(**_libpq(server, maintenance_db), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        _use({**server, "NAME": name})
        _migrate()
        yield DatabaseInfo(
            label=POSTGRESQL, vendor="postgresql", version=_postgres_version(), name=name
        )
    finally:
        _use(template)
        with psycopg.connect(**_libpq(server, maintenance_db), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else "unknown"


def analyse(*, sqlite: bool = False) -> str:
    """Refresh the planner's statistics after a bulk load; say what was done.

    PostgreSQL's autovacuum would do this shortly after a bulk load, so it is always done there.
    Nothing runs `ANALYZE` on SQLite in Widen, so by default the benchmark leaves it without.
    """
    from django.db import connection

    if connection.vendor == "postgresql" or sqlite:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return "ANALYZE after each bulk load"
    return "none (as Django leaves SQLite)"


def connection_url(vendor: str, settings: Mapping[str, Any], *, name: str | None = None) -> str:
    """The URL another process (a `widen` command, a server) reaches a database with: the one
    `settings` (Django's connection settings) name, or database `name` on the same server."""
    name = str(settings["NAME"]) if name is None else name
    if vendor == SQLITE:
        return f"sqlite:///{Path(name).resolve()}"
    user = quote(str(settings.get("USER") or ""), safe="")
    password = settings.get("PASSWORD")
    credentials = f"{user}:{quote(str(password), safe='')}" if password else user
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{name}"
