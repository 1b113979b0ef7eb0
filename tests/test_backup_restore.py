"""`widen backup` and `widen restore`: the restore drill, on whichever database the suite runs.

The drill works on databases of its own, not the test database: a backup must see committed
rows (pg_dump reads from its own connection), and the audit tables refuse the deletes that would
undo a committed test. So: the test database's migrated schema is copied (by a backup and a
restore) into a new source database, the test world and a canary learner are written into it,
that source is backed up, and the backup is restored into new, empty databases.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.test import override_settings

from tests.databases import fresh_postgres_database
from tests.test_deploy_settings import refusal_to_start
from widen.core.backups import (
    POSTGRESQL,
    Database,
    backup_database,
    compare,
    read_manifest,
    restore_database,
    table_summaries,
)
from widen.core.backups.frames import MAGIC, FrameReader, FrameWriter, key_fingerprint
from widen.learners.models import Learner
from widen.testing.delivery import alpha_pupil
from widen.testing.world import build_world

# The tests' own transactions stay on the test database; the drill's databases are its own. One
# test worker runs them all, so the drill's source and backup are made once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("backups")]

CANARY_FIRST = "Zephyrine"
CANARY_LAST = "Quillfeather-Canary"


def _test_database() -> Database:
    return Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)


@contextmanager
def _empty_database(tmp_path: Path) -> Iterator[str]:
    """The address of a new database with nothing in it, of the suite's own engine."""
    if _test_database().engine == POSTGRESQL:
        with fresh_postgres_database(os.environ["DATABASE_URL"], prefix="widen_restore") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / f'restored-{secrets.token_hex(4)}.sqlite3'}"


@contextmanager
def _default_database(database: Database) -> Iterator[None]:
    """Django's default connection pointed at `database` for a while, so that the same builders
    the test world uses write into it (and commit)."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict["NAME"] = database.name
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    original = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original
        ContentType.objects.clear_cache()


def _sql(url: str, query: str) -> list[tuple[Any, ...]]:
    """`query` run in the database at `url` with a connection of its own (not the backup's
    code), committed; the rows it answers."""
    if url.startswith("postgres"):
        import psycopg  # noqa: PLC0415

        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(query)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection, connection:
        cursor = connection.execute(query)
        return [tuple(row) for row in cursor.fetchall()]


def _learner_names(url: str) -> list[tuple[Any, ...]]:
    """Every learner's first and last name in the database at `url`."""
    table = Learner._meta.db_table
    first = Learner._meta.get_field("first_name").column
    last = Learner._meta.get_field("last_name").column
    return _sql(url, f'SELECT "{first}", "{last}" FROM "{table}" ORDER BY 1, 2')  # noqa: S608


@dataclass(frozen=True)
class Drill:
    source_url: str
    source: Database
    backup: Path
    learners: list[tuple[Any, ...]]


@pytest.fixture(scope="module")
def drill(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Drill]:
    """A source database holding the test world and a canary learner, and its backup."""
    work = tmp_path_factory.mktemp("backups")
    with ExitStack() as stack:
        source_url = stack.enter_context(_empty_database(work))
        source = Database.from_url(source_url)
        with django_db_blocker.unblock():
            schema = work / "schema.widen"
            backup_database(_test_database(), schema)
            restore_database(schema, source)
            with _default_database(source):
                world = build_world()
                alpha_pupil(world, CANARY_FIRST, last_name=CANARY_LAST)
            backup = work / "drill.widen"
            backup_database(source, backup)
        yield Drill(
            source_url=source_url, source=source, backup=backup, learners=_learner_names(source_url)
        )


def test_a_backup_restores_into_an_empty_database_with_every_row_and_checksum(
    drill: Drill, tmp_path: Path, capsys: pytest.CaptureFixture[str], record_property: Any
) -> None:
    with _empty_database(tmp_path) as url:
        started = time.monotonic()
        call_command("restore", str(drill.backup), database_url=url)
        seconds = time.monotonic() - started
        target = Database.from_url(url)
        said = capsys.readouterr().out
        assert "Check passed: every table" in said
        assert _learner_names(url) == drill.learners
        assert (CANARY_FIRST, CANARY_LAST) in _learner_names(url)
        restored = table_summaries(target)
        assert restored == table_summaries(drill.source)
        assert compare(read_manifest(drill.backup), restored) == []
        assert read_manifest(drill.backup)["tables"][Learner._meta.db_table]["rows"] == len(
            drill.learners
        )
    # The scorecard prints it, on SQLite and on PostgreSQL (CI runs both).
    record_property("restore_drill_milliseconds", round(seconds * 1000))


def test_the_backup_file_holds_no_readable_personal_data(drill: Drill) -> None:
    content = drill.backup.read_bytes()
    assert (CANARY_FIRST, CANARY_LAST) in drill.learners
    # Long values only: a short name such as "Bea" turns up in any ciphertext by chance.
    assert CANARY_FIRST.encode() not in content
    assert CANARY_LAST.encode() not in content
    assert "Quillfeather".encode("utf-16-le") not in content
    assert Learner._meta.db_table.encode() not in content  # the manifest is encrypted too
    assert oct(drill.backup.stat().st_mode & 0o777) == oct(0o600)


def test_the_manifest_records_version_engine_time_and_every_table(drill: Drill) -> None:
    manifest = read_manifest(drill.backup)
    assert manifest["engine"] == drill.source.engine
    assert manifest["widen_version"]
    assert manifest["created_at"].endswith("+00:00")
    assert set(manifest["tables"]) == set(table_summaries(drill.source))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:2000] + bytes([data[2000] ^ 1]) + data[2001:], "fails its check"),
        (lambda data: data[: len(data) - 200], "ends early"),
        (lambda data: data + b"more", "more after its end"),
    ],
    ids=["a byte changed", "cut short", "something added"],
)
def test_an_altered_backup_is_refused_and_nothing_is_restored(
    drill: Drill, tmp_path: Path, damage: Any, message: str
) -> None:
    altered = tmp_path / "altered.widen"
    altered.write_bytes(damage(drill.backup.read_bytes()))
    with _empty_database(tmp_path) as url:
        with pytest.raises(CommandError, match="altered or damaged") as refusal:
            call_command("restore", str(altered), database_url=url)
        assert message in str(refusal.value)
        assert table_summaries(Database.from_url(url)) == {}


def test_a_backup_under_a_key_not_configured_is_refused(drill: Drill, tmp_path: Path) -> None:
    other_key = Fernet.generate_key().decode()
    with _empty_database(tmp_path) as url, override_settings(BACKUP_ENCRYPTION_KEYS=[other_key]):
        with pytest.raises(CommandError, match="not in WIDEN_BACKUP_KEYS"):
            call_command("restore", str(drill.backup), database_url=url)
        assert table_summaries(Database.from_url(url)) == {}


def test_after_a_new_key_is_put_first_old_backups_still_restore(
    drill: Drill, tmp_path: Path
) -> None:
    keys = [Fernet.generate_key().decode(), *settings.BACKUP_ENCRYPTION_KEYS]
    with _empty_database(tmp_path) as url, override_settings(BACKUP_ENCRYPTION_KEYS=keys):
        result = restore_database(drill.backup, Database.from_url(url))
        assert result.problems == []
        assert (CANARY_FIRST, CANARY_LAST) in _learner_names(url)


def test_restoring_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(
    drill: Drill,
) -> None:
    before = table_summaries(drill.source)
    with pytest.raises(CommandError, match="is not empty") as refusal:
        call_command("restore", str(drill.backup), database_url=drill.source_url)
    assert "nothing was changed" in str(refusal.value)
    assert table_summaries(drill.source) == before
    # The configured database too (here the test database, which is migrated).
    tables, learners = connection.introspection.table_names(), Learner.objects.count()
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(drill.backup))
    assert (connection.introspection.table_names(), Learner.objects.count()) == (tables, learners)


def test_the_check_after_a_restore_names_each_table_that_differs(
    drill: Drill, tmp_path: Path
) -> None:
    with _empty_database(tmp_path) as url:
        target = Database.from_url(url)
        assert restore_database(drill.backup, target).problems == []
        table = Learner._meta.db_table
        first = Learner._meta.get_field("first_name").column
        _sql(
            url,
            f'UPDATE "{table}" SET "{first}" = \'Changed\' '  # noqa: S608
            f"WHERE \"{first}\" = '{CANARY_FIRST}'",
        )
        problems = compare(read_manifest(drill.backup), table_summaries(target))
        assert problems == [f"{table}: the same number of rows, but their contents differ"]


def _with_manifest_changed(backup: Path, changed: Path, change: Any) -> None:
    """A copy of `backup`, under the same key, whose manifest `change` has altered: a backup that
    does not hold what it says."""
    keys = settings.BACKUP_ENCRYPTION_KEYS
    fernet = MultiFernet([Fernet(key.encode()) for key in keys])
    with backup.open("rb") as source, changed.open("wb") as out:
        reader = FrameReader(source, backup)
        out.write(MAGIC + key_fingerprint(keys[0]) + reader.backup_id)
        writer = FrameWriter(out, fernet, reader.backup_id)
        kind, payload = reader.read()
        manifest = json.loads(payload)
        change(manifest)
        writer.write(kind, json.dumps(manifest).encode())
        while True:
            kind, payload = reader.read()
            if kind == b"E":
                payload = json.dumps({**json.loads(payload), "frames": writer.frames + 1}).encode()
            writer.write(kind, payload)
            if kind == b"E":
                break


def test_a_restore_that_does_not_match_its_manifest_fails_its_check(
    drill: Drill, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = Learner._meta.db_table

    def one_learner_more(manifest: dict[str, Any]) -> None:
        manifest["tables"][table]["rows"] += 1

    changed = tmp_path / "changed.widen"
    _with_manifest_changed(drill.backup, changed, one_learner_more)
    with _empty_database(tmp_path) as url:
        with pytest.raises(CommandError, match="Check failed: 1 table differs"):
            call_command("restore", str(changed), database_url=url)
        said = capsys.readouterr().err
        assert (
            f"{table}: {len(drill.learners)} rows, the backup had {len(drill.learners) + 1}" in said
        )


def test_a_backup_is_never_written_over_an_existing_file(drill: Drill) -> None:
    before = drill.backup.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(drill.backup), database_url=drill.source_url)
    assert drill.backup.read_bytes() == before


def test_without_a_key_backup_refuses_and_says_how_to_make_one(tmp_path: Path) -> None:
    with override_settings(BACKUP_ENCRYPTION_KEYS=[]), pytest.raises(CommandError) as refusal:
        call_command("backup", str(tmp_path / "unkeyed.widen"))
    assert "Set WIDEN_BACKUP_KEYS" in str(refusal.value)
    assert "Fernet.generate_key()" in str(refusal.value)
    assert list(tmp_path.iterdir()) == []


def test_widen_refuses_to_start_with_a_backup_key_that_is_not_a_fernet_key(
    tmp_path: Path,
) -> None:
    assert "WIDEN_BACKUP_KEYS must be a Fernet key" in refusal_to_start(
        tmp_path, WIDEN_BACKUP_KEYS="not-a-key"
    )
