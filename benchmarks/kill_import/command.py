"""`widen import learners` run as a separate process, killed with SIGKILL when asked, its
progress reports read as they come."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from benchmarks.kill_import.database import BenchDatabase

PROGRESS = re.compile(r"^\s*(\d+)% ")


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


def command_environment(
    database: BenchDatabase, folder: Path, rows: int, size: int
) -> dict[str, str]:
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
