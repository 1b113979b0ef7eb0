"""Timing, results and reporting shared by every benchmark section.

Sections time callables with `SectionRun.time`, count their queries with
`SectionRun.count_queries` and record each case with `SectionRun.record`. The runner prints one
table per section and database and writes the whole section to JSON.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.measure import per_second

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Options:
    """What the person running the benchmarks asked for."""

    learners: int
    repeats: int
    warmup: int
    quick: bool
    analyse_sqlite: bool = False
    reference_learners: int = 1_000
    import_rows: int = 100_000  # rows of each pupil list the `import` section imports
    kill_rows: int = 200_000  # rows of the pupil list the `kill` section imports
    faults: int = 20  # times the `kill` section kills an import

    @property
    def reference_scale(self) -> int | None:
        """The smaller scale every case is also measured at, if it is smaller than the run's."""
        return self.reference_learners if self.reference_learners < self.learners else None


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples of one callable, in milliseconds."""

    samples_ms: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def min_ms(self) -> float:
        return min(self.samples_ms)

    def as_json(self) -> dict[str, Any]:
        return {
            "median_ms": round(self.median_ms, 3),
            "p95_ms": round(self.p95_ms, 3),
            "min_ms": round(self.min_ms, 3),
            "repeats": len(self.samples_ms),
        }


@dataclass(frozen=True)
class Measurement:
    """One case at one scale, with the baseline it is compared with."""

    case: str
    scale: int
    timing: Timing
    queries: int | None = None
    baseline: Timing | None = None
    baseline_label: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio_to_baseline(self) -> float | None:
        if self.baseline is None or self.baseline.median_ms <= 0:
            return None
        return self.timing.median_ms / self.baseline.median_ms


@dataclass(frozen=True)
class DatabaseInfo:
    label: str
    vendor: str
    version: str
    name: str


@dataclass
class SectionRun:
    """One section on one database: its options, facts about the data, and its measurements."""

    section: str
    options: Options
    database: DatabaseInfo
    facts: dict[str, Any] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    # What the section's full scale counts and how many: learners seeded unless the section says.
    unit: str = "learners"
    scale: int | None = None
    baseline_heading: str = "bare query ms"
    ratio_heading: str = "vs bare"
    # Checks that did not hold (not timings): printed, in the JSON, and the run exits 1.
    failures: list[str] = field(default_factory=list)

    @property
    def full_scale(self) -> int:
        return self.options.learners if self.scale is None else self.scale

    def count_rows(self, **models: Any) -> None:
        """Record, as a fact, how many rows each model's table holds (`learners=Learner`)."""
        self.facts["row_counts"] = {name: model.objects.count() for name, model in models.items()}

    def time(
        self,
        call: Callable[[], object],
        *,
        repeats: int | None = None,
        warmup: int | None = None,
    ) -> Timing:
        """Run `call` `warmup` times untimed, then `repeats` times timed."""
        for _ in range(self.options.warmup if warmup is None else warmup):
            call()
        gc.collect()
        samples: list[float] = []
        for _ in range(self.options.repeats if repeats is None else repeats):
            started = time.perf_counter_ns()
            call()
            samples.append((time.perf_counter_ns() - started) / 1_000_000)
        return Timing(tuple(samples))

    def count_queries(self, call: Callable[[], object]) -> int:
        """How many SQL statements one run of `call` sends to the default database."""
        from django.db import connection  # imported once Django is set up

        # Counted as they are sent: Django's own query log keeps only the last 9,000.
        sent = 0

        def counting(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
            nonlocal sent
            sent += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            call()
        return sent

    def record(self, measurement: Measurement) -> None:
        self.measurements.append(measurement)

    def record_rows(
        self,
        case: str,
        rows: int,
        seconds: float,
        *,
        queries: int | None = None,
        baseline: Timing | None = None,
        baseline_label: str = "",
        details: dict[str, Any] | None = None,
    ) -> Measurement:
        """Record one timed run over `rows` rows, at scale `rows`, with the rows and the rows per
        second in its details before `details`."""
        measurement = Measurement(
            case=case,
            scale=rows,
            timing=Timing((seconds * 1000,)),
            queries=queries,
            baseline=baseline,
            baseline_label=baseline_label,
            details={"rows": rows, "rows_per_second": per_second(rows, seconds), **(details or {})},
        )
        self.record(measurement)
        return measurement

    def compare(
        self,
        case: str,
        call: Callable[[], object],
        *,
        baseline: Callable[[], object],
        baseline_label: str,
        repeats: int | None = None,
        warmup: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> Measurement:
        """Time `call`, count its queries, time `baseline` the same way; record the case at the
        section's full scale."""
        measurement = Measurement(
            case=case,
            scale=self.full_scale,
            timing=self.time(call, repeats=repeats, warmup=warmup),
            queries=self.count_queries(call),
            baseline=self.time(baseline, repeats=repeats, warmup=warmup),
            baseline_label=baseline_label,
            details=details or {},
        )
        self.record(measurement)
        return measurement

    def say(self, message: str) -> None:
        """Progress for the person waiting, on standard error so the table stays clean."""
        print(f"  [{self.database.label}] {message}", file=sys.stderr, flush=True)

    @contextmanager
    def stopwatch(self, label: str) -> Iterator[None]:
        """Record how long the block took under `facts["seconds"][label]`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            seconds = self.facts.setdefault("seconds", {})
            seconds[label] = round(time.perf_counter() - started, 2)

    def reference_for(self, measurement: Measurement) -> Measurement | None:
        """The same case measured at the reference (smaller) scale, if it was."""
        scale = self.options.reference_scale
        if scale is None or measurement.scale == scale:
            return None
        for other in self.measurements:
            if other.case == measurement.case and other.scale == scale:
                return other
        return None

    def as_json(self) -> dict[str, Any]:
        cases = []
        for measurement in self.measurements:
            reference = self.reference_for(measurement)
            cases.append(
                {
                    "case": measurement.case,
                    "scale": measurement.scale,
                    "queries": measurement.queries,
                    **measurement.timing.as_json(),
                    "baseline": (
                        {"label": measurement.baseline_label, **measurement.baseline.as_json()}
                        if measurement.baseline is not None
                        else None
                    ),
                    "ratio_to_baseline": _rounded(measurement.ratio_to_baseline),
                    "reference_scale": reference.scale if reference else None,
                    "ratio_to_reference_scale": (
                        _rounded(measurement.timing.median_ms / reference.timing.median_ms)
                        if reference and reference.timing.median_ms > 0
                        else None
                    ),
                    "details": measurement.details,
                }
            )
        return {
            "database": {
                "label": self.database.label,
                "vendor": self.database.vendor,
                "version": self.database.version,
            },
            "scale": self.full_scale,
            "unit": self.unit,
            "facts": self.facts,
            "failures": self.failures,
            "cases": cases,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _format_ms(value: float) -> str:
    return f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


def _format_ratio(value: float | None) -> str:
    return "–" if value is None else f"×{value:.1f}"


def table(run: SectionRun) -> str:
    """The run's measurements at full scale, with their baselines and reference-scale ratios."""
    headers = ["case", "queries", "median ms", "p95 ms", "min ms"]
    baselines = any(measurement.baseline is not None for measurement in run.measurements)
    if baselines:
        headers += [run.baseline_heading, run.ratio_heading]
    reference_scale = run.options.reference_scale
    if not any(measurement.scale == reference_scale for measurement in run.measurements):
        reference_scale = None  # the section measured nothing at the reference scale
    if reference_scale is not None:
        headers += [f"at {reference_scale:,} ms", f"vs {reference_scale:,}"]
    throughput = any("rows_per_second" in m.details for m in run.measurements)
    if throughput:
        headers.append("rows/s")
    answers = any("requests_per_second" in m.details for m in run.measurements)
    if answers:
        headers.append("requests/s")
    rows: list[list[str]] = []
    for measurement in run.measurements:
        if measurement.scale != run.full_scale:
            continue
        row = [
            measurement.case,
            "–" if measurement.queries is None else str(measurement.queries),
            _format_ms(measurement.timing.median_ms),
            _format_ms(measurement.timing.p95_ms),
            _format_ms(measurement.timing.min_ms),
        ]
        if baselines:
            row += [
                "–" if measurement.baseline is None else _format_ms(measurement.baseline.median_ms),
                _format_ratio(measurement.ratio_to_baseline),
            ]
        if reference_scale is not None:
            reference = run.reference_for(measurement)
            row += [
                "–" if reference is None else _format_ms(reference.timing.median_ms),
                _format_ratio(
                    measurement.timing.median_ms / reference.timing.median_ms
                    if reference and reference.timing.median_ms > 0
                    else None
                ),
            ]
        if throughput:
            per_second = measurement.details.get("rows_per_second")
            row.append("–" if per_second is None else f"{per_second:,.0f}")
        if answers:
            per_second = measurement.details.get("requests_per_second")
            row.append("–" if per_second is None else f"{per_second:,.1f}")
        rows.append(row)
    widths = [max(len(line[i]) for line in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0])]
            + [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def machine_info() -> dict[str, Any]:
    """Enough about the machine and the code to compare runs made on different days."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _processor_name(),
        "cpu_count": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
    }
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:  # pragma: no cover - Django is a dependency
        pass
    return info


def _processor_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text(errors="replace").splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    return platform.processor()


def _memory_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return None
    for text in meminfo.read_text().splitlines():
        if text.startswith("MemTotal:"):
            return round(int(text.split()[1]) / 1024 / 1024, 1)
    return None


def _git(*args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip()


def write_results(
    *,
    section: str,
    started_at: datetime,
    finished_at: datetime,
    options: Options,
    runs: list[SectionRun],
    results_dir: Path = RESULTS_DIR,
) -> Path:
    """Write one section's runs (one per database) to `results/<timestamp>-<section>.json`."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{started_at.strftime('%Y%m%dT%H%M%S')}-{section}.json"
    document = {
        "section": section,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": finished_at.isoformat(timespec="seconds"),
        "options": {
            "learners": options.learners,
            "reference_learners": options.reference_scale,
            "repeats": options.repeats,
            "warmup": options.warmup,
            "quick": options.quick,
            "analyse_sqlite": options.analyse_sqlite,
            "import_rows": options.import_rows,
            "kill_rows": options.kill_rows,
            "faults": options.faults,
        },
        "machine": machine_info(),
        "runs": [run.as_json() for run in runs],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path
