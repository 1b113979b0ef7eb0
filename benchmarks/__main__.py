"""Run the benchmarks: `python -m benchmarks [--only SECTION] [--skip SECTION] [--quick]`.

Every section runs on a fresh SQLite file in a temporary directory and, when `--postgres-url` is
given or `DATABASE_URL` points at PostgreSQL, on a new database created on that server (and
dropped afterwards); with neither, on a throwaway server this run starts and stops itself.
Results are printed as a table and written to `benchmarks/results/`. A section whose checks
do not hold (an import that leaves the database half-written, a re-import that changes learners)
says so, and the run exits with status 1; timings are never checked.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.databases import POSTGRESQL, SQLITE, Target, fresh_database, is_postgres_url
from benchmarks.harness import RESULTS_DIR, Options, SectionRun, table, write_results
from benchmarks.postgres_server import PostgresServerError, temporary_server
from benchmarks.sections import SECTIONS, Section, by_name

DEFAULT_LEARNERS = 200_000
DEFAULT_REPEATS = 30
DEFAULT_WARMUP = 3
QUICK_LEARNERS = 5_000
QUICK_REPEATS = 5
QUICK_WARMUP = 1
DEFAULT_IMPORT_ROWS = 100_000
QUICK_IMPORT_ROWS = 5_000
DEFAULT_KILL_ROWS = 200_000
QUICK_KILL_ROWS = 5_000
DEFAULT_FAULTS = 20
DEFAULT_TARGETING_LEARNERS = 1_000_000
QUICK_TARGETING_LEARNERS = 20_000
DEFAULT_DEDUP_LEARNERS = 20_000
QUICK_DEDUP_LEARNERS = 2_000
SHARED_DATA_VARIABLE = "WIDEN_SHARED_DATA"


@dataclass(frozen=True)
class RunOptions(Options):
    """`Options`, and what only the targeting section reads (`benchmarks/targeting.py`)."""

    targeting_learners: int = DEFAULT_TARGETING_LEARNERS
    shared_data: Path | None = None  # the real open data; None: WIDEN_SHARED_DATA or ../shared
    dedup_learners: int = DEFAULT_DEDUP_LEARNERS  # people the `dedup` section invents


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure Widen's heavy paths on SQLite and, if available, PostgreSQL.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[section.name for section in SECTIONS],
        metavar="SECTION",
        help="run only this section (repeatable); see --list",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[section.name for section in SECTIONS],
        metavar="SECTION",
        help="leave this section out (repeatable), e.g. --skip kill",
    )
    parser.add_argument(
        "--learners",
        type=_positive,
        help=f"learners to seed (default {DEFAULT_LEARNERS:,}; {QUICK_LEARNERS:,} with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a smoke run: {QUICK_LEARNERS:,} learners and {QUICK_REPEATS} repeats",
    )
    parser.add_argument(
        "--import-rows",
        type=_positive,
        help=(
            f"rows of each pupil list the import section imports (default "
            f"{DEFAULT_IMPORT_ROWS:,}; {QUICK_IMPORT_ROWS:,} with --quick)"
        ),
    )
    parser.add_argument(
        "--kill-rows",
        type=_positive,
        help=(
            f"rows of the pupil list the kill section imports (default {DEFAULT_KILL_ROWS:,}; "
            f"{QUICK_KILL_ROWS:,} with --quick)"
        ),
    )
    parser.add_argument(
        "--faults",
        type=_positive,
        default=DEFAULT_FAULTS,
        help=f"times the kill section kills an import (default {DEFAULT_FAULTS})",
    )
    parser.add_argument(
        "--targeting-learners",
        type=_positive,
        help=(
            f"learners the targeting section classifies (default "
            f"{DEFAULT_TARGETING_LEARNERS:,}; {QUICK_TARGETING_LEARNERS:,} with --quick)"
        ),
    )
    parser.add_argument(
        "--shared-data",
        type=Path,
        help=(
            "folder of the real open data the targeting section loads (default: "
            f"{SHARED_DATA_VARIABLE}, else ../shared/data beside the repository)"
        ),
    )
    parser.add_argument(
        "--dedup-learners",
        type=_positive,
        help=(
            f"people the dedup section invents, some recorded twice (default "
            f"{DEFAULT_DEDUP_LEARNERS:,}; {QUICK_DEDUP_LEARNERS:,} with --quick)"
        ),
    )
    parser.add_argument("--repeats", type=_positive, help="timed repeats of each case")
    parser.add_argument("--warmup", type=_non_negative, help="untimed runs before timing")
    parser.add_argument(
        "--databases",
        default=f"{SQLITE},{POSTGRESQL}",
        help=(
            "comma-separated engines to run on (default: sqlite, and postgresql when a server "
            "is given)"
        ),
    )
    parser.add_argument(
        "--postgres-url",
        help="PostgreSQL server to create a throwaway database on (default: DATABASE_URL)",
    )
    parser.add_argument(
        "--sqlite-analyse",
        action="store_true",
        help="also run ANALYZE on SQLite after seeding (PostgreSQL always is)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=RESULTS_DIR,
        help="where to write the JSON results (default benchmarks/results)",
    )
    parser.add_argument("--list", action="store_true", help="list the sections and stop")
    return parser


def _positive(raw: str) -> int:
    value = int(raw.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _targets(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[Target]:
    wanted = {name.strip() for name in args.databases.split(",") if name.strip()}
    unknown = wanted - {SQLITE, POSTGRESQL}
    if unknown:
        parser.error(f"unknown database engine(s): {', '.join(sorted(unknown))}")
    server_url = args.postgres_url or os.environ.get("DATABASE_URL")
    if args.postgres_url and not is_postgres_url(args.postgres_url):
        parser.error("--postgres-url must be a postgres:// URL")
    targets: list[Target] = []
    if SQLITE in wanted:
        targets.append(Target(SQLITE))
    if POSTGRESQL in wanted:
        # No server given: the runner starts a throwaway one (see postgres_server.py).
        targets.append(Target(POSTGRESQL, server_url if is_postgres_url(server_url) else None))
    if not targets:
        parser.error("no database to run on")
    return targets


def _configure_django(workdir: Path) -> None:
    """Settings from the environment, pointed at a throwaway SQLite file, before setup."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "widen.config.settings"
    os.environ["WIDEN_ENVIRONMENT"] = "development"
    os.environ["WIDEN_DATA_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'widen.sqlite3'}"
    os.environ.setdefault("WIDEN_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _run_section(
    section: Section, targets: list[Target], options: Options, workdir: Path, results_dir: Path
) -> list[SectionRun]:
    started_at = datetime.now().astimezone()
    runs: list[SectionRun] = []
    for target in targets:
        print(f"{section.name} on {target.label}: {section.summary}", file=sys.stderr, flush=True)
        with fresh_database(target, workdir=workdir, prefix=f"widen_bench_{section.name}") as db:
            bench = SectionRun(section=section.name, options=options, database=db)
            with bench.stopwatch("whole section"):
                section.runner()(bench)
        runs.append(bench)
        print(f"\n## {section.name}: {db.vendor} {db.version}, {bench.full_scale:,} {bench.unit}")
        print(table(bench))
        print(_facts_line(bench), flush=True)
        for failure in bench.failures:
            print(f"FAILED: {failure}", flush=True)
    path = write_results(
        section=section.name,
        started_at=started_at,
        finished_at=datetime.now().astimezone(),
        options=options,
        runs=runs,
        results_dir=results_dir,
    )
    print(f"\nWrote {_shown(path)}")
    return runs


def _facts_line(bench: SectionRun) -> str:
    lines = []
    seconds = bench.facts.get("seconds", {})
    lines.append(
        "Seconds: " + ", ".join(f"{label} {value:,.1f}" for label, value in seconds.items())
    )
    counts = bench.facts.get("row_counts", {})
    if counts:
        lines.append(
            "Rows: "
            + ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in counts.items())
        )
    others = {
        name: value
        for name, value in bench.facts.items()
        if name not in {"seconds", "row_counts"} and isinstance(value, str | int | float)
    }
    lines.extend(f"{name.replace('_', ' ')}: {value}" for name, value in others.items())
    return "\n".join(lines)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list:
        for section in SECTIONS:
            print(f"{section.name:<12} {section.summary}")
        return 0
    targets = _targets(args, parser)
    options = RunOptions(
        learners=args.learners or (QUICK_LEARNERS if args.quick else DEFAULT_LEARNERS),
        repeats=args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS),
        warmup=(
            args.warmup
            if args.warmup is not None
            else QUICK_WARMUP
            if args.quick
            else DEFAULT_WARMUP
        ),
        quick=args.quick,
        analyse_sqlite=args.sqlite_analyse,
        import_rows=args.import_rows or (QUICK_IMPORT_ROWS if args.quick else DEFAULT_IMPORT_ROWS),
        kill_rows=args.kill_rows or (QUICK_KILL_ROWS if args.quick else DEFAULT_KILL_ROWS),
        faults=args.faults,
        targeting_learners=args.targeting_learners
        or (QUICK_TARGETING_LEARNERS if args.quick else DEFAULT_TARGETING_LEARNERS),
        shared_data=args.shared_data,
        dedup_learners=args.dedup_learners
        or (QUICK_DEDUP_LEARNERS if args.quick else DEFAULT_DEDUP_LEARNERS),
    )
    chosen = [by_name(name) for name in args.only] if args.only else list(SECTIONS)
    chosen = [section for section in chosen if section.name not in args.skip]
    if not chosen:
        parser.error("every section was left out")
    explicit_postgres = args.databases != parser.get_default("databases")
    with tempfile.TemporaryDirectory(prefix="widen-bench-") as workdir, ExitStack() as servers:
        started = [
            _with_server(target, Path(workdir), servers, required=explicit_postgres)
            for target in targets
        ]
        targets = [target for target in started if target is not None]
        _configure_django(Path(workdir))
        failures = [
            f"{run.section} on {run.database.label}: {failure}"
            for section in chosen
            for run in _run_section(section, targets, options, Path(workdir), args.results_dir)
            for failure in run.failures
        ]
    if failures:
        print(f"\n{len(failures)} check(s) did not hold:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0


def _with_server(
    target: Target, workdir: Path, servers: ExitStack, *, required: bool
) -> Target | None:
    """A PostgreSQL target without a server gets a throwaway one, or is skipped with a reason."""
    if target.label != POSTGRESQL or target.server_url:
        return target
    try:
        url = servers.enter_context(temporary_server(workdir))
    except PostgresServerError as error:
        if required:
            raise SystemExit(f"python -m benchmarks: cannot run on PostgreSQL: {error}") from error
        print(f"PostgreSQL skipped: {error}", file=sys.stderr, flush=True)
        return None
    print(f"Started a throwaway PostgreSQL server for this run at {url}", file=sys.stderr)
    return Target(POSTGRESQL, url)


if __name__ == "__main__":
    raise SystemExit(main())
