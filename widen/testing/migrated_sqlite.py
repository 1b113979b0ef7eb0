"""A migrated SQLite database, made once and copied: for tests and benchmarks that each start on a
new database, where migrating from nothing takes longer than the work they check.

The copy is kept under `var/migrated-databases/` in the working copy, named by a fingerprint of
every migration file and the Django and SQLite releases, so any change to a migration makes a new
one. Several processes may make it at once; each writes its own file and moves it into place, so
none ever reads a half-made database.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "migrated-databases"
WIDEN = ROOT / "widen"


def migrations_fingerprint() -> str:
    """Changes whenever a migration file, Django or SQLite does (Django's own apps' migrations
    change only with its release)."""
    digest = hashlib.sha256(f"{django.get_version()} {sqlite3.sqlite_version}".encode())
    for migration in sorted(WIDEN.glob("*/migrations/*.py")):
        digest.update(migration.relative_to(WIDEN).as_posix().encode())
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:16]


def migrate_in_a_new_process(path: Path) -> None:
    """Migrate the SQLite database at `path` with `widen migrate`, in development settings."""
    with tempfile.TemporaryDirectory(prefix="widen-migrate-") as data_dir:
        environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "widen.config.settings",
            "WIDEN_ENVIRONMENT": "development",
            "WIDEN_DATA_DIR": data_dir,
            "DATABASE_URL": f"sqlite:///{path}",
        }
        completed = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "widen.cli", "migrate", "--no-input", "-v", "0"],
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"widen migrate failed:\n{completed.stderr[-3000:]}")


def migrated_sqlite_copy(
    destination: Path, migrate: Callable[[Path], None] = migrate_in_a_new_process
) -> None:
    """Make `destination` a migrated SQLite database (a copy of the kept one, made with
    `migrate` first when there is none for these migrations)."""
    kept = CACHE / f"migrated-{migrations_fingerprint()}.sqlite3"
    if not kept.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        building = kept.with_name(f"{kept.stem}-{secrets.token_hex(4)}.building")
        try:
            migrate(building)
            # One self-contained file, the write-ahead log folded in; each copy goes back to WAL
            # when Widen first connects to it.
            with closing(sqlite3.connect(building)) as built:
                built.execute("PRAGMA journal_mode=DELETE")
            os.replace(building, kept)
        finally:
            for leftover in CACHE.glob(f"{building.name}*"):
                leftover.unlink()
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, destination)
