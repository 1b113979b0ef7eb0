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

import random
import tempfile
from pathlib import Path
from typing import Any

from django.db import connections

from benchmarks import seeding
from benchmarks.harness import SectionRun
from benchmarks.kill_import.command import CliOutcome, command_environment, run_cli
from benchmarks.kill_import.database import BenchDatabase, fingerprint, sound
from benchmarks.kill_import.faults import COMMIT_END_FAULTS, COMMIT_END_FROM, kill_faults
from benchmarks.pupil_files import HEADINGS, pupil_file, pupils
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_start,
)
from widen.learners.models import ImportRun, ImportStatus
from widen.organisations.models import Organisation
from widen.testing.pupil_lists import csv_bytes, table_cells

SEED = 17
PUPIL_SEED = 3
EXISTING = 1_000  # pupils held before the import (at most a tenth of the file)
OLD_POSTCODE = "E1 6AN"
SCHOOL_URN = "170017"
TRIALS = 2

BENCHMARK = system_actor("the pupil list import benchmark")


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
        environment = command_environment(database, folder, rows, len(content))
        arguments = ["import", "learners", str(path), "--organisation", str(school.urn)]
        before = fingerprint()
        bench.facts["fingerprint_before"] = before
        pristine = database.copy("pristine")
        try:
            duration, tail = _trial(bench, database, arguments, environment, rows)
            with bench.stopwatch(f"{faults} faults"):
                survived, at_commit = kill_faults(
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
    school = seeding.school("Kill Bench School", SCHOOL_URN)
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
    bench.record_rows(
        case,
        rows,
        outcome.seconds,
        details={
            "seconds_to_commit_start": outcome.seconds_at(5),
            "seconds_to_commit_end": outcome.seconds_at(100),
            "exit_status": outcome.returncode,
            "report": outcome.stdout.strip().splitlines(),
        },
    )


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
        or not sound(integrity)
    ):
        bench.failures.append(f"the re-run after the kills did not complete: {summary}")
