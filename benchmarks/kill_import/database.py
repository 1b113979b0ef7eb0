"""The kill section's database as the command and the harness reach it: copies, restores, the
servers' own integrity checks, and a fingerprint of everything an import may change."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, connections

from benchmarks.databases import connection_url
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.learners.models import ImportRun, ImportStatus, Learner

IDLE_TIMEOUT = 60.0


@dataclass
class BenchDatabase:
    """The section's database, reachable by a subprocess, and copies of it."""

    vendor: str
    name: str  # SQLite: the file's path; PostgreSQL: the database's name
    settings: dict[str, Any]

    @classmethod
    def current(cls) -> BenchDatabase:
        settings = dict(connection.settings_dict)
        return cls(vendor=connection.vendor, name=str(settings["NAME"]), settings=settings)

    @property
    def url(self) -> str:
        return connection_url(self.vendor, self.settings, name=self.name)

    def _admin(self) -> Any:
        import psycopg

        params: dict[str, Any] = {"dbname": "postgres", "autocommit": True}
        for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER")):
            if self.settings.get(setting):
                params[key] = self.settings[setting]
        if self.settings.get("PASSWORD"):
            params["password"] = self.settings["PASSWORD"]
        return psycopg.connect(**params)

    def copy(self, suffix: str) -> BenchDatabase:
        """A copy of this database as it is now (Django's connections are closed first)."""
        connections.close_all()
        if self.vendor == "sqlite":
            target = f"{self.name}.{suffix}"
            _sqlite_copy(self.name, target)
            return BenchDatabase(self.vendor, target, self.settings)
        from psycopg import sql

        target = f"{self.name}_{suffix}"
        with self._admin() as admin:
            self._disconnect_others(admin)
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(self.name)
                )
            )
        return BenchDatabase(self.vendor, target, self.settings)

    def restore(self, source: BenchDatabase) -> None:
        """Make this database a copy of `source` again."""
        connections.close_all()
        if self.vendor == "sqlite":
            _sqlite_remove(self.name)
            _sqlite_copy(source.name, self.name)
            return
        from psycopg import sql

        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(self.name))
            )
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(self.name), sql.Identifier(source.name)
                )
            )

    def drop(self) -> None:
        if self.vendor == "sqlite":
            _sqlite_remove(self.name)
            return
        from psycopg import sql

        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def _disconnect_others(self, admin: Any) -> None:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.name],
        )

    def wait_for_killed_sessions(self) -> float:
        """PostgreSQL: seconds until the killed command's server session has gone.

        The server rolls the session's transaction back when it notices the client has gone,
        which can be after the statement it is running; past `IDLE_TIMEOUT` it is terminated.
        """
        if self.vendor == "sqlite":
            return 0.0
        started = time.perf_counter()
        connections.close_all()
        with self._admin() as admin:
            while time.perf_counter() - started < IDLE_TIMEOUT:
                row = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.name]
                ).fetchone()
                if not row or row[0] == 0:
                    break
                time.sleep(0.05)
            else:
                self._disconnect_others(admin)
        return time.perf_counter() - started

    def integrity(self) -> str:
        """SQLite: its own checks of the file. PostgreSQL: amcheck on the tables' indexes."""
        if self.vendor != "sqlite":
            return _postgres_index_check()
        checker = sqlite3.connect(self.name)
        try:
            integrity = [row[0] for row in checker.execute("PRAGMA integrity_check")]
            foreign_keys = checker.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            checker.close()
        if integrity != ["ok"]:
            return "integrity_check: " + "; ".join(str(line) for line in integrity[:5])
        if foreign_keys:
            return f"foreign_key_check: {len(foreign_keys)} rows point nowhere"
        return "ok"


def _postgres_index_check() -> str:
    """Every B-tree index of the tables an import writes matches its table (amcheck).

    "n/a" when the server's user may not add the `amcheck` extension (it needs a superuser).
    """
    tables = [model._meta.db_table for model in (Learner, AuditEvent, ImportRun)]
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            cursor.execute(
                "SELECT count(bt_index_check(index => i.indexrelid, heapallindexed => true)) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam "
                "WHERE am.amname = 'btree' AND i.indrelid = ANY(%s::regclass[])",
                [tables],
            )
            row = cursor.fetchone()
    except DatabaseError as error:
        connections.close_all()
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if "amcheck" in str(error) or "permission" in str(error).lower():
            return f"n/a ({message})"
        return f"amcheck: {message}"
    finally:
        connections.close_all()
    return "ok" if row and row[0] else "amcheck: no index checked"


def _sqlite_copy(source: str, target: str) -> None:
    _sqlite_remove(target)
    origin = sqlite3.connect(source)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()


def _sqlite_remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(path + suffix).unlink(missing_ok=True)


def fingerprint() -> dict[str, Any]:
    """Every learner's every field (checksummed), audit and access counts, committed imports."""
    fields = [model_field.attname for model_field in Learner._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    for row in Learner.objects.order_by("id").values_list(*fields).iterator(chunk_size=5000):
        digest.update(repr(row).encode())
        count += 1
    return {
        "learners": count,
        "learners_sha256": digest.hexdigest(),
        "audit_events": AuditEvent.objects.count(),
        "access_log_entries": AccessLogEntry.objects.count(),
        "committed_imports": sorted(
            str(pk)
            for pk in ImportRun.objects.filter(status=ImportStatus.COMMITTED).values_list(
                "pk", flat=True
            )
        ),
    }


def sound(integrity: str) -> bool:
    return integrity == "ok" or integrity.startswith("n/a")


def differences(before: dict[str, Any], after: dict[str, Any]) -> str:
    return ", ".join(
        f"{name} {before[name]!r} → {after[name]!r}"
        if name != "learners_sha256"
        else "learner fields changed"
        for name in before
        if before[name] != after[name]
    )
