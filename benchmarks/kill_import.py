"""SECURITY 17: an import killed at any moment leaves the database as it was; a re-run completes.

On the section's database (a SQLite file, or a PostgreSQL database on the run's server) the
harness adds a school and imports 1,000 of its pupils with an old postcode, so that the file to
import both adds learners and changes some. It writes a SIMS CSV of 200,000 pupils (`--kill-rows`)
and records a fingerprint of what an import may change: every learner's every field (a checksum
over the table in id order), the number of audit events and access log entries, and the committed
imports. Then:

1. it runs the real command, `widen import learners FILE --organisation URN`, to completion on a
   copy of the database, to learn how long an import takes and when its commit starts;
2. `--faults` times (20), it starts the command on the database and sends it SIGKILL at a random
   moment within that duration (one moment in each of 20 equal slices, in random order), then
   checks the database: `PRAGMA integrity_check` and `foreign_key_check` on SQLite, and the
   fingerprint, which must equal the one before. Started imports (`ImportRun` rows with status
   "checked") may remain: they are the record of an upload, not learners. A kill that comes after
   the commit finished (the import is whole) does not count: the database is restored from a
   copy and that fault is tried again, earlier. On PostgreSQL the harness waits for the killed
   command's server session to end, and checks the tables' indexes with `amcheck`;
3. three more kills are aimed at the commit's short last stretch (updating the learners held,
   recording the run, SQL COMMIT), which random moments seldom hit: a random moment within its
   duration after the command's "80%" progress report;
4. it runs the command once more to completion and checks it added and changed every learner.

It prints "faults survived: N/20"; a fault the database did not survive is a failure of the run.
Timings are reported, never checked.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.db import DatabaseError, connection, connections

from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.pupil_files import HEADINGS, pupil_file, pupils
from widen.accounts.capabilities import system_actor
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core import request_context
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_start,
)
from widen.learners.models import ImportRun, ImportStatus, Learner
from widen.organisations.models import Organisation, OrganisationType
from widen.testing.pupil_lists import csv_bytes, table_cells

SEED = 17
PUPIL_SEED = 3
EXISTING = 1_000  # pupils held before the import (at most a tenth of the file)
OLD_POSTCODE = "E1 6AN"
SCHOOL_URN = "170017"
WINDOW = (0.02, 0.97)  # kill moments, as fractions of a whole import's duration
COMMIT_END_FAULTS = 3  # kills aimed at the end of the commit, besides the random ones
COMMIT_END_FROM = 80  # the commit's progress report from which those are timed
RETRIES = 5
TRIALS = 2
PROGRESS = re.compile(r"^\s*(\d+)% ")
IDLE_TIMEOUT = 60.0

BENCHMARK = system_actor("the pupil list import benchmark")


# --- The database, as the command and the harness reach it ------------------------------------


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
        if self.vendor == "sqlite":
            return f"sqlite:///{Path(self.name).resolve()}"
        user = quote(str(self.settings.get("USER") or ""), safe="")
        password = self.settings.get("PASSWORD")
        credentials = f"{user}:{quote(str(password), safe='')}" if password else user
        host = self.settings.get("HOST") or "localhost"
        port = f":{self.settings['PORT']}" if self.settings.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{self.name}"

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


# --- What an import may change ----------------------------------------------------------------


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


def _sound(integrity: str) -> bool:
    return integrity == "ok" or integrity.startswith("n/a")


def _differences(before: dict[str, Any], after: dict[str, Any]) -> str:
    return ", ".join(
        f"{name} {before[name]!r} → {after[name]!r}"
        if name != "learners_sha256"
        else "learner fields changed"
        for name in before
        if before[name] != after[name]
    )


# --- The command ------------------------------------------------------------------------------


@dataclass
class CliOutcome:
    seconds: float
    returncode: int
    killed: bool
    progress: list[tuple[float, int]] = field(default_factory=list)  # (seconds, percent)
    stdout: str = ""
    stderr: str = ""

    @property
    def last_percent(self) -> int | None:
        return self.progress[-1][1] if self.progress else None

    def seconds_at(self, percent: int) -> float | None:
        return next((moment for moment, seen in self.progress if seen >= percent), None)

    def phase(self) -> str:
        percent = self.last_percent
        if percent is None:
            return "before the commit (start-up, reading, checking)"
        if percent < 20:
            return "in the commit: checking again"
        if percent < 80:
            return "in the commit: adding learners"
        if percent < 100:
            return "in the commit: updating learners, recording the run"
        return "after the commit"


def _command() -> list[str]:
    script = Path(sys.executable).parent / "widen"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "widen.cli"]


def _environment(database: BenchDatabase, folder: Path, rows: int, size: int) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WIDEN_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "widen.config.settings",
            "WIDEN_ENVIRONMENT": "development",
            "WIDEN_DATA_DIR": str(folder),
            "DATABASE_URL": database.url,
            "WIDEN_LOG_LEVEL": "WARNING",
            "WIDEN_IMPORT_MAX_ROWS": str(max(rows + 10, 250_000)),
            "WIDEN_IMPORT_MAX_MEGABYTES": str(max(40, 2 * size // 1_048_576 + 1)),
        }
    )
    return environment


@dataclass(frozen=True)
class Kill:
    """When to send SIGKILL: `seconds` after the start, or after a progress report."""

    seconds: float
    after_percent: int | None = None

    def describe(self) -> str:
        if self.after_percent is None:
            return f"at {self.seconds:.2f} s"
        return f"{self.seconds:.3f} s after the {self.after_percent}% report"


def run_cli(arguments: list[str], environment: dict[str, str], *, kill: Kill | None) -> CliOutcome:
    """Run `widen ARGUMENTS`; with `kill`, send it SIGKILL then."""
    started = time.perf_counter()
    reached = threading.Event()
    process = subprocess.Popen(
        [*_command(), *arguments],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    progress: list[tuple[float, int]] = []
    errors: list[str] = []
    output: list[str] = []

    def read_errors(stream: IO[str]) -> None:
        for line in stream:
            errors.append(line)
            match = PROGRESS.match(line)
            if match:
                progress.append((time.perf_counter() - started, int(match.group(1))))
                if (
                    kill
                    and kill.after_percent is not None
                    and progress[-1][1] >= kill.after_percent
                ):
                    reached.set()

    def read_output(stream: IO[str]) -> None:
        output.extend(stream)

    assert process.stdout is not None
    assert process.stderr is not None
    readers = [
        threading.Thread(target=read_errors, args=(process.stderr,), daemon=True),
        threading.Thread(target=read_output, args=(process.stdout,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    killed = False
    try:
        if kill is not None and kill.after_percent is not None:
            while not reached.is_set() and process.poll() is None:
                reached.wait(0.002)
        process.wait(timeout=None if kill is None else kill.seconds)
    except subprocess.TimeoutExpired:
        process.kill()  # SIGKILL: no clean-up, no rollback by the process itself
        killed = True
        process.wait()
    except BaseException:  # the benchmark itself was interrupted: leave no import running
        process.kill()
        process.wait()
        raise
    seconds = time.perf_counter() - started
    for reader in readers:
        reader.join(timeout=10)
    return CliOutcome(
        seconds=seconds,
        returncode=process.returncode,
        killed=killed,
        progress=progress,
        stdout="".join(output),
        stderr="".join(errors),
    )


# --- The section ------------------------------------------------------------------------------


def run(bench: SectionRun) -> None:
    rows = bench.options.kill_rows
    faults = bench.options.faults
    bench.scale = rows
    bench.unit = "rows"
    rng = random.Random(SEED)
    existing = min(EXISTING, max(1, rows // 10))
    database = BenchDatabase.current()
    with tempfile.TemporaryDirectory(prefix="widen-kill-") as folder_name:
        folder = Path(folder_name)
        with bench.stopwatch("seed a school and its pupils held"):
            school = _seed(rows, existing)
        with bench.stopwatch("write the pupil list"):
            content = pupil_file("csv", rows, PUPIL_SEED)
            path = folder / f"pupils-{rows}.csv"
            path.write_bytes(content)
        environment = _environment(database, folder, rows, len(content))
        arguments = ["import", "learners", str(path), "--organisation", str(school.urn)]
        before = fingerprint()
        bench.facts["fingerprint_before"] = before
        pristine = database.copy("pristine")
        try:
            duration, tail = _trial(bench, database, arguments, environment, rows)
            with bench.stopwatch(f"{faults} faults"):
                survived, at_commit = _faults(
                    bench, database, pristine, arguments, environment, (duration, tail), before, rng
                )
            _final(bench, database, arguments, environment, before, rows, existing)
        finally:
            connections.close_all()
            pristine.drop()
    bench.facts["faults_survived"] = f"{survived}/{faults}"
    bench.facts["kills_at_the_end_of_the_commit_survived"] = f"{at_commit}/{COMMIT_END_FAULTS}"
    bench.say(f"faults survived: {survived}/{faults}")


def _seed(rows: int, existing: int) -> Organisation:
    """A school holding `existing` of the file's pupils, with an old postcode to be updated."""
    with request_context.bind(source="system"):
        school = Organisation.objects.create(
            name="Kill Bench School",
            organisation_type=OrganisationType.SCHOOL,
            urn=SCHOOL_URN,
            phase="Secondary",
            local_authority="Newham",
            postcode="E15 1AA",
        )
    held = [
        {**pupil, "home_postcode": OLD_POSTCODE} for pupil in pupils(rows, PUPIL_SEED)[:existing]
    ]
    content = csv_bytes(table_cells(held, HEADINGS))
    with request_context.bind(source="cli"):
        run = learner_import_start(
            actor=BENCHMARK, organisation=school, school=None, file_name="held.csv", content=content
        )
        learner_import_check(run, actor=BENCHMARK)
        learner_import_commit(run=run, actor=BENCHMARK)
    return school


def _trial(
    bench: SectionRun,
    database: BenchDatabase,
    arguments: list[str],
    environment: dict[str, str],
    rows: int,
) -> tuple[float, float]:
    """Whole imports on copies: seconds from the command's start to the end of its commit, and
    from the commit's last progress report before the end (80%) to the end.

    Twice, as the first command of a run also warms the disk cache and Python's bytecode: the
    shorter durations are the windows the kills are drawn from.
    """
    durations: list[float] = []
    tails: list[float] = []
    for attempt in range(TRIALS):
        bench.say(f"a whole import of {rows:,} rows on a copy of the database ({attempt + 1})")
        trial_database = database.copy("trial")
        try:
            trial = run_cli(
                arguments, {**environment, "DATABASE_URL": trial_database.url}, kill=None
            )
        finally:
            connections.close_all()
            trial_database.drop()
        if trial.returncode != 0:
            raise RuntimeError(
                f"widen import learners failed on the copy (exit {trial.returncode}):\n"
                + (trial.stdout + trial.stderr)[-3000:]
            )
        durations.append(trial.seconds_at(100) or trial.seconds)
        tails.append((trial.seconds_at(100) or 0.0) - (trial.seconds_at(COMMIT_END_FROM) or 0.0))
        if attempt == TRIALS - 1:
            _record_cli(bench, "cli: whole import (on a copy)", trial, rows)
    bench.facts["whole_import_seconds_on_copies"] = [round(value, 2) for value in durations]
    return min(durations), max(min(tails), 0.0)


def _record_cli(bench: SectionRun, case: str, outcome: CliOutcome, rows: int) -> None:
    commit_starts = outcome.seconds_at(5)
    commit_ends = outcome.seconds_at(100)
    bench.record(
        Measurement(
            case=case,
            scale=rows,
            timing=Timing((outcome.seconds * 1000,)),
            details={
                "rows": rows,
                "rows_per_second": round(rows / outcome.seconds, 1),
                "seconds_to_commit_start": commit_starts,
                "seconds_to_commit_end": commit_ends,
                "exit_status": outcome.returncode,
                "report": outcome.stdout.strip().splitlines(),
            },
        )
    )


def _kill_fractions(count: int, rng: random.Random) -> list[float]:
    """One random moment in each of `count` equal slices of the window, in random order.

    As fractions of a whole import's duration, which a fault that finds the import finished
    shortens.
    """
    low, high = WINDOW
    width = (high - low) / count
    fractions = [low + width * (index + rng.random()) for index in range(count)]
    rng.shuffle(fractions)
    return fractions


def _faults(
    bench: SectionRun,
    database: BenchDatabase,
    pristine: BenchDatabase,
    arguments: list[str],
    environment: dict[str, str],
    windows: tuple[float, float],
    before: dict[str, Any],
    rng: random.Random,
) -> tuple[int, int]:
    """The random kills, then a few aimed at the end of the commit; how many each survived."""
    duration, tail = windows
    survived = at_commit = 0
    phases: Counter[str] = Counter()
    records: list[dict[str, Any]] = []
    late_kills = 0

    def fault(label: str, kill: Kill) -> Kill | None:
        """One kill and its checks: None when done, else an earlier kill to try again."""
        nonlocal late_kills
        connections.close_all()
        outcome = run_cli(arguments, environment, kill=kill)
        waited = database.wait_for_killed_sessions()
        integrity = database.integrity()
        after = fingerprint()
        record: dict[str, Any] = {
            "fault": label,
            "kill": kill.describe(),
            "killed_at_seconds": round(outcome.seconds, 3),
            "killed": outcome.killed,
            "phase": outcome.phase() if outcome.killed else "finished before the kill",
            "last_progress_percent": outcome.last_percent,
            "integrity": integrity,
            "unchanged": after == before,
            "seconds_until_server_session_ended": round(waited, 3),
        }
        if record["unchanged"] and outcome.killed and _sound(integrity):
            phases[record["phase"]] += 1
            records.append(record)
            when = kill.describe()
            if kill.after_percent is not None:
                when += f", {outcome.seconds:.2f} s after the start"
            bench.say(f"fault {label}: killed {when} ({record['phase']}): database as it was")
            return None
        if not record["unchanged"] and _sound(integrity) and _import_is_whole(before, after):
            # Killed after the commit (or not at all): the import is whole, not half-written.
            # Not a fault: restore the database and kill earlier.
            late_kills += 1
            bench.say(f"fault {label}: the import had finished before the kill; again, earlier")
            database.restore(pristine)
            return Kill(kill.seconds / 2, kill.after_percent)
        record["differences"] = _differences(before, after)
        record["exit_status"] = outcome.returncode
        record["stderr"] = outcome.stderr[-2000:]
        records.append(record)
        bench.failures.append(
            f"fault {label}: killed {kill.describe()} ({record['phase']}, exit "
            f"{outcome.returncode}): integrity {integrity}; "
            f"{record['differences'] or 'no difference'}"
        )
        bench.say(f"fault {label}: FAILED: {bench.failures[-1]}")
        database.restore(pristine)
        return None

    def attempts(label: str, kill: Kill) -> bool:
        """The fault, tried again earlier while the import finishes first; True if survived."""
        failures = len(bench.failures)
        next_kill: Kill | None = kill
        for _ in range(RETRIES + 1):
            if next_kill is None:
                break
            next_kill = fault(label, next_kill)
        if next_kill is not None:
            bench.failures.append(f"fault {label}: the import always finished before the kill")
        return len(bench.failures) == failures

    for number, fraction in enumerate(_kill_fractions(bench.options.faults, rng), 1):
        survived += attempts(str(number), Kill(fraction * duration))
    for number in range(1, COMMIT_END_FAULTS + 1):
        # From the last progress report before the end ("Updating learners already held") to
        # the end: updating the learners held, recording the run, and SQL COMMIT.
        kill = Kill(rng.uniform(0.0, tail), after_percent=COMMIT_END_FROM)
        at_commit += attempts(f"commit end {number}", kill)
    bench.facts["kill_phases"] = "; ".join(
        f"{phase} {count}" for phase, count in sorted(phases.items())
    )
    bench.facts["kill_phase_counts"] = dict(phases)
    bench.facts["kills_after_the_commit_tried_again"] = late_kills
    bench.facts["faults"] = records
    bench.facts["kill_window_seconds"] = [round(fraction * duration, 2) for fraction in WINDOW]
    bench.facts["kill_window"] = (
        f"{WINDOW[0] * duration:.2f} s to {WINDOW[1] * duration:.2f} s after the command starts "
        f"(a whole import's commit ends at {duration:.2f} s); {COMMIT_END_FAULTS} more within "
        f"{tail:.2f} s of the commit's {COMMIT_END_FROM}% report"
    )
    return survived, at_commit


def _import_is_whole(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """The file's import committed as a whole: one more committed import, with all its rows."""
    new = set(after["committed_imports"]) - set(before["committed_imports"])
    if len(new) != 1:
        return False
    run = ImportRun.objects.get(pk=new.pop())
    return after["learners"] - before["learners"] == run.rows_created and run.rows_rejected == 0


def _final(
    bench: SectionRun,
    database: BenchDatabase,
    arguments: list[str],
    environment: dict[str, str],
    before: dict[str, Any],
    rows: int,
    existing: int,
) -> None:
    bench.say("the import once more, to the end")
    connections.close_all()
    outcome = run_cli(arguments, environment, kill=None)
    _record_cli(bench, "cli: re-run after the kills", outcome, rows)
    integrity = database.integrity()
    after = fingerprint()
    new_runs = ImportRun.objects.filter(status=ImportStatus.COMMITTED).exclude(
        pk__in=before["committed_imports"]
    )
    committed = new_runs.first()
    created = committed.rows_created if committed else 0
    updated = committed.rows_updated if committed else 0
    summary = (
        f"exit {outcome.returncode}; created {created:,} (expected {rows - existing:,}), "
        f"updated {updated:,} (expected {existing:,}); learners {before['learners']:,} → "
        f"{after['learners']:,}; integrity {integrity}"
    )
    bench.facts["re_run"] = summary
    if (
        outcome.returncode != 0
        or new_runs.count() != 1
        or created != rows - existing
        or updated != existing
        or after["learners"] != before["learners"] + rows - existing
        or not _sound(integrity)
    ):
        bench.failures.append(f"the re-run after the kills did not complete: {summary}")
