"""A throwaway PostgreSQL server for `make bench` when none is given.

`make bench` measures on SQLite and PostgreSQL. With no `--postgres-url` and no PostgreSQL
`DATABASE_URL`, the runner starts its own server from the Debian `postgresql` package's binaries
(initdb and pg_ctl) in a temporary directory, on a free port on 127.0.0.1, and stops it at the
end. Durability is switched off (fsync, synchronous_commit), as on a CI server: the figures
measure Widen's queries, not the disk.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"  # initdb refuses to run as root; Debian's package creates this user


class PostgresServerError(Exception):
    """PostgreSQL cannot be started here; the message says why."""


def _binaries() -> Path:
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    versions = sorted(
        DEBIAN_BINARIES.glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if not versions:
        raise PostgresServerError(
            "no PostgreSQL server given and initdb not found (apt-get install postgresql, or "
            "pass --postgres-url)"
        )
    return versions[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresServerError("running as root, and runuser is missing to drop privileges")
    return [runuser, "-u", SERVER_USER, "--", *command]


def _run(command: list[str]) -> None:
    completed = subprocess.run(  # noqa: S603
        _as_server_user(command), capture_output=True, text=True, check=False, timeout=120
    )
    if completed.returncode != 0:
        raise PostgresServerError(
            f"{Path(command[0]).name} failed: {(completed.stderr or completed.stdout).strip()}"
        )


@contextmanager
def temporary_server(workdir: Path) -> Iterator[str]:
    """Start a PostgreSQL server for this run; yield its URL (database `postgres`)."""
    binaries = _binaries()
    home = workdir / "postgresql"
    home.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, user=SERVER_USER)
        shutil.chown(home, user=SERVER_USER)
    data = home / "data"
    port = _free_port()
    _run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"])
    options = (
        f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = str(binaries / "pg_ctl")
    _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(home / "server.log"), "-w", "start"])
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"])
