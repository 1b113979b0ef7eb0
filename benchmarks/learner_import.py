"""Importing pupil lists: a SIMS export of 100,000 pupils as CSV and as XLSX, into a school.

Each format is imported into its own school (organisation), in the section's database, through
the services `widen import learners` and the upload page use, as the command line does (no
actor, source "cli"):

* `read + validate + match`: `learner_import_start` and `learner_import_check`, the preview,
  timed a few times, against the bare baseline: Polars reading the same bytes and running the
  equivalent checks as column expressions (`benchmarks/bare_polars.py`);
* `commit`: `learner_import_commit` of a fresh preview of the same file: one transaction with every
  learner and its audit row; the details split it into its stages (the commit checks the file
  again first) and say how much of it was spent in the database driver;
* `end to end`: start, check and commit of that same import, against the aim of 100,000 rows in
  under 10 seconds on SQLite (printed, never asserted);
* `re-import`: the same pupils in a file with other bytes (rows reversed; for CSV, a blank line at
  the end) imported straight after: it must create and update nothing. If the check finds
  something to change, it is committed (as the command would) and the run reports a failure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial

from django.test.utils import override_settings

from benchmarks import bare_polars
from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.measure import Aim, metered, per_second, timed
from benchmarks.pupil_files import FORMATS, file_name, pupil_file
from benchmarks.seeding import school
from widen.accounts.capabilities import system_actor
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.learners.imports.services import (
    ImportReport,
    forget_read_files,
    learner_import_check,
    learner_import_commit,
    learner_import_start,
)
from widen.learners.models import ImportRun, Learner
from widen.organisations.models import Organisation

AIM_ROWS = 100_000
AIM_SECONDS = 10.0
AIM_DATABASE = "sqlite"
AIM = Aim.on("SQLite", scale=AIM_ROWS, seconds=AIM_SECONDS, unit="rows", flag="--import-rows")
SEEDS = {"csv": 1, "xlsx": 2}  # different pupils in each format's school
PREVIEW_REPEATS = 3
BASELINE_REPEATS = 5

BENCHMARK = system_actor("the pupil list import benchmark")


@dataclass
class Stamps:
    """The commit's progress reports, with the moment each arrived."""

    started: float = field(default_factory=time.perf_counter)
    reports: list[tuple[float, int]] = field(default_factory=list)

    def __call__(self, percent: int, message: str) -> None:
        self.reports.append((time.perf_counter(), percent))

    def at(self, percent: int) -> float | None:
        """When the first report at or past `percent` arrived."""
        return next((moment for moment, seen in self.reports if seen >= percent), None)

    def stages(self) -> dict[str, float]:
        """Seconds per stage of `learner_import_commit`, from its progress reports."""
        marks = [
            ("check the file again", self.started, self.at(20)),
            ("add new learners (with audit rows)", self.at(20), self.at(80)),
            ("update learners held, record the run, COMMIT", self.at(80), self.at(100)),
        ]
        return {
            label: round(end - start, 3)
            for label, start, end in marks
            if start is not None and end is not None
        }


def run(bench: SectionRun) -> None:
    rows = bench.options.import_rows
    bench.scale = rows
    bench.unit = "rows"
    bench.baseline_heading = "bare Polars ms"
    with bench.stopwatch("make the pupil lists (cached across databases)"):
        for file_format in FORMATS:
            for reordered in (False, True):
                pupil_file(file_format, rows, SEEDS[file_format], reordered=reordered)
    bench.facts["xlsx_baseline_reader"] = bare_polars.xlsx_reader()
    bench.facts["file_bytes"] = {
        file_format: len(pupil_file(file_format, rows, SEEDS[file_format]))
        for file_format in FORMATS
    }
    limits = override_settings(
        WIDEN_IMPORT_MAX_ROWS=max(rows + 10, 250_000),
        WIDEN_IMPORT_MAX_BYTES=max(40 * 1024 * 1024, 2 * max(bench.facts["file_bytes"].values())),
    )
    with limits, request_context.bind(source="cli"):
        for number, file_format in enumerate(FORMATS):
            school = _school(number)
            with bench.stopwatch(f"{file_format}: measure"):
                _measure_format(bench, file_format, school, rows)
    bench.count_rows(learners=Learner, audit_events=AuditEvent, import_runs=ImportRun)


def _school(number: int) -> Organisation:
    return school(f"Import Bench School {number + 1}", f"{190_001 + number}")


def _preview(school: Organisation, name: str, content: bytes) -> tuple[ImportRun, ImportReport]:
    run = learner_import_start(
        actor=BENCHMARK, organisation=school, school=None, file_name=name, content=content
    )
    return run, learner_import_check(run, actor=BENCHMARK)


def _measure_format(bench: SectionRun, file_format: str, school: Organisation, rows: int) -> None:
    seed = SEEDS[file_format]
    content = pupil_file(file_format, rows, seed)
    again = pupil_file(file_format, rows, seed, reordered=True)
    name = file_name(file_format, rows)

    bench.say(f"{file_format}: bare Polars read + checks of {rows:,} rows")
    baseline = bench.time(
        lambda: bare_polars.read_and_check(content, file_format),
        repeats=min(BASELINE_REPEATS, bench.options.repeats),
        warmup=min(1, bench.options.warmup),
    )
    bench_label = (
        "polars.read_csv + vectorised checks"
        if file_format == "csv"
        else "calamine read into Polars + vectorised checks"
    )

    bench.say(f"{file_format}: read + validate + match (start + check)")
    for _ in range(min(1, bench.options.warmup)):
        forget_read_files()
        _preview(school, name, content)
    samples: list[float] = []
    starts: list[float] = []
    checks: list[float] = []
    for _ in range(min(PREVIEW_REPEATS, bench.options.repeats)):
        forget_read_files()  # each preview reads the upload afresh, as a first upload does
        with metered() as preview_sql:
            start_seconds, started_run = timed(
                lambda: learner_import_start(
                    actor=BENCHMARK,
                    organisation=school,
                    school=None,
                    file_name=name,
                    content=content,
                )
            )
            check_seconds, report = timed(
                partial(learner_import_check, started_run, actor=BENCHMARK)
            )
        starts.append(start_seconds)
        checks.append(check_seconds)
        samples.append((start_seconds + check_seconds) * 1000)
    preview = Timing(tuple(samples))
    bench.record(
        Measurement(
            case=f"{file_format}: read + validate + match",
            scale=rows,
            timing=preview,
            queries=preview_sql.statements,
            baseline=baseline,
            baseline_label=bench_label,
            details={
                "rows": rows,
                "rows_per_second": per_second(rows, preview.median_ms / 1000),
                "start_seconds": [round(value, 3) for value in starts],
                "check_seconds": [round(value, 3) for value in checks],
                "rows_to_create": report.rows_to_create,
                "rows_rejected": len(report.rejected_rows),
            },
        )
    )

    bench.say(f"{file_format}: import end to end (start, check, commit)")
    learners_before = Learner.objects.count()
    forget_read_files()
    with metered() as end_to_end_sql:
        start_seconds, started_run = timed(
            lambda: learner_import_start(
                actor=BENCHMARK, organisation=school, school=None, file_name=name, content=content
            )
        )
        check_seconds, report = timed(lambda: learner_import_check(started_run, actor=BENCHMARK))
        stamps = Stamps()
        with metered() as commit_sql:
            commit_seconds, committed = timed(
                lambda: learner_import_commit(run=started_run, actor=BENCHMARK, progress=stamps)
            )
    total_seconds = start_seconds + check_seconds + commit_seconds
    created = committed.run.rows_created
    if created != rows or committed.run.rows_rejected:
        bench.failures.append(
            f"{file_format}: importing {rows:,} valid new pupils created {created:,} learners "
            f"and rejected {committed.run.rows_rejected:,} rows"
        )
    if Learner.objects.count() - learners_before != created:
        bench.failures.append(f"{file_format}: the learner count does not match rows_created")
    bench.record_rows(
        f"{file_format}: commit",
        rows,
        commit_seconds,
        queries=commit_sql.statements,
        details={
            "rows_created": created,
            "rows_updated": committed.run.rows_updated,
            "stages_seconds": stamps.stages(),
            "seconds_in_database_driver": round(commit_sql.seconds, 3),
            "seconds_in_python": round(commit_seconds - commit_sql.seconds, 3),
        },
    )
    bench.record_rows(
        f"{file_format}: end to end",
        rows,
        total_seconds,
        queries=end_to_end_sql.statements,
        baseline=baseline,
        baseline_label=bench_label,
        details={
            "start_seconds": round(start_seconds, 3),
            "check_seconds": round(check_seconds, 3),
            "commit_seconds": round(commit_seconds, 3),
        },
    )
    bench.facts[f"end_to_end_{file_format}"] = _aim(bench.database.label, rows, total_seconds)
    commit_stages = ", ".join(
        f"{label} {seconds:.1f} s" for label, seconds in stamps.stages().items()
    )
    bench.facts[f"commit_{file_format}"] = (
        f"{commit_seconds:.1f} s: {commit_stages}; {commit_sql.seconds:.1f} s of it in the "
        f"database driver ({commit_sql.statements:,} statements)"
    )

    bench.say(f"{file_format}: re-import of the same rows in another order")
    _reimport(bench, file_format, school, rows, again)


def _reimport(
    bench: SectionRun, file_format: str, school: Organisation, rows: int, again: bytes
) -> None:
    learners_before = Learner.objects.count()
    audit_before = AuditEvent.objects.count()
    name = file_name(file_format, rows, reordered=True)
    with metered() as sql:
        preview_seconds, (started_run, report) = timed(lambda: _preview(school, name, again))
        commit_seconds = 0.0
        if report.rows_to_create or report.rows_to_update:  # as `widen import learners` does
            commit_seconds, _ = timed(
                lambda: learner_import_commit(run=started_run, actor=BENCHMARK)
            )
    seconds = preview_seconds + commit_seconds
    learners_after = Learner.objects.count()
    audit_after = AuditEvent.objects.count()
    unchanged = (
        report.rows_to_create == 0
        and report.rows_to_update == 0
        and learners_after == learners_before
        and audit_after == audit_before
    )
    summary = (
        f"created {report.rows_to_create:,}, updated {report.rows_to_update:,}, unchanged "
        f"{report.rows_unchanged:,}, rejected {len(report.rejected_rows):,}; learners "
        f"{learners_before:,} → {learners_after:,}, audit events {audit_before:,} → "
        f"{audit_after:,}: " + ("changed nothing" if unchanged else "CHANGED LEARNERS")
    )
    bench.facts[f"reimport_{file_format}"] = summary
    if not unchanged or report.rows_unchanged != rows:
        bench.failures.append(f"{file_format}: re-importing the same pupils: {summary}")
    bench.record_rows(
        f"{file_format}: re-import, same rows reversed",
        rows,
        seconds,
        queries=sql.statements,
        details={
            "rows_to_create": report.rows_to_create,
            "rows_to_update": report.rows_to_update,
            "rows_unchanged": report.rows_unchanged,
            "rows_rejected": len(report.rejected_rows),
            "committed": commit_seconds > 0,
            "learners_before": learners_before,
            "learners_after": learners_after,
            "audit_events_before": audit_before,
            "audit_events_after": audit_after,
        },
    )


def _aim(database: str, rows: int, seconds: float) -> str:
    """The end-to-end figure, and whether it meets the aim (never asserted)."""
    rate = rows / seconds if seconds > 0 else 0.0
    figure = f"{rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)"
    if database != AIM_DATABASE:
        return f"{figure}; the aim ({AIM_ROWS:,} rows in under {AIM_SECONDS:.0f} s) is for SQLite"
    return AIM.verdict(figure, scale=rows, seconds=seconds)
