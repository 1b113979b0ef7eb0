"""`widen serve` and `make demo` on a port already in use: said plainly, before anything claims to
serve, with how to choose another port."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.browser.support import run_module
from widen.core.serving import port_taken_message
from widen.organisations.models import Partnership

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_port_in_use_is_named_with_how_to_choose_another(busy_port: int) -> None:
    message = port_taken_message("127.0.0.1", busy_port)
    assert message is not None
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in message
    assert f"--port {busy_port + 1}" in message
    assert f"make demo PORT={busy_port + 1}" in message
    assert port_taken_message("127.0.0.1", free_port()) is None


def test_serve_on_a_busy_port_exits_with_the_message_and_no_traceback(
    busy_port: int, tmp_path: Path
) -> None:
    environment = {**os.environ, "WIDEN_DATA_DIR": str(tmp_path)}
    environment.pop("DATABASE_URL", None)
    finished = run_module(
        "widen.cli", ["serve", "--port", str(busy_port), "--no-worker"], environment, timeout=120
    )
    assert finished.returncode == 1
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in finished.stderr
    assert "make demo PORT=" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert "serving" not in finished.stdout


@pytest.mark.django_db
def test_the_demo_checks_its_port_before_building(busy_port: int) -> None:
    out = StringIO()
    with pytest.raises(CommandError, match=f"Port {busy_port} on 127.0.0.1 is already in use"):
        call_command("demo", learners=5, port=busy_port, stdout=out)
    assert not Partnership.objects.exists()
    assert "Sign in" not in out.getvalue()


def test_make_demo_serves_on_the_port_asked_for() -> None:
    planned = subprocess.run(
        ["make", "--dry-run", "demo", "PORT=8123"],  # noqa: S607 - make from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert ".venv/bin/widen demo --port 8123" in planned
    assert ".venv/bin/widen serve --port 8123" in planned
