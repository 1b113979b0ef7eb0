"""The kills: random moments of a whole import, then a few aimed at the end of its commit; each
followed by the database's checks."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from django.db import connections

from benchmarks.harness import SectionRun
from benchmarks.kill_import.command import Kill, run_cli
from benchmarks.kill_import.database import BenchDatabase, differences, fingerprint, sound
from widen.learners.models import ImportRun

WINDOW = (0.02, 0.97)  # kill moments, as fractions of a whole import's duration
COMMIT_END_FAULTS = 3  # kills aimed at the end of the commit, besides the random ones
COMMIT_END_FROM = 80  # the commit's progress report from which those are timed
RETRIES = 5


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


def kill_faults(
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
        if record["unchanged"] and outcome.killed and sound(integrity):
            phases[record["phase"]] += 1
            records.append(record)
            when = kill.describe()
            if kill.after_percent is not None:
                when += f", {outcome.seconds:.2f} s after the start"
            bench.say(f"fault {label}: killed {when} ({record['phase']}): database as it was")
            return None
        if not record["unchanged"] and sound(integrity) and import_is_whole(before, after):
            # Killed after the commit (or not at all): the import is whole, not half-written.
            # Not a fault: restore the database and kill earlier.
            late_kills += 1
            bench.say(f"fault {label}: the import had finished before the kill; again, earlier")
            database.restore(pristine)
            return Kill(kill.seconds / 2, kill.after_percent)
        record["differences"] = differences(before, after)
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


def import_is_whole(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """The file's import committed as a whole: one more committed import, with all its rows."""
    new = set(after["committed_imports"]) - set(before["committed_imports"])
    if len(new) != 1:
        return False
    run = ImportRun.objects.get(pk=new.pop())
    return after["learners"] - before["learners"] == run.rows_created and run.rows_rejected == 0
