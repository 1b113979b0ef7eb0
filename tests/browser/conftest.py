"""A real Widen server on a database of its own, and one headless Chromium to drive it.

The audit tables refuse UPDATE and DELETE, so the transactional test database that pytest-django
flushes between tests cannot be used here. Instead these fixtures make a fresh database (a new
PostgreSQL database on the same server when DATABASE_URL points at PostgreSQL, otherwise SQLite
in a temporary directory), load the demo partnership into it with `widen demo`, and serve it with
`widen serve`, each in a process of its own. The tests reach the data only through the browser.

Both the server and the browser belong to this package (scope "package"): Playwright's
synchronous API keeps an event loop running in the main thread, which would make Django refuse
database queries in any test that ran after these while it was still open.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.support import (
    REPOSITORY,
    Browse,
    Person,
    SignedIn,
    Site,
    run_module,
    run_widen,
)
from tests.databases import fresh_postgres_database as _fresh_postgres_database
from widen.testing.migrated_sqlite import migrated_sqlite_copy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_LEARNERS = "300"
DEMO_PASSWORD = "east-london-demo-2026"
# Who plays each part in the tests, by their usernames in the demo partnership.
DEMO_CAST = {
    "outreach": "outreach.officer",  # QMUL outreach officer
    "keyboard": "org.admin",  # UEL organisation admin, signs in by keyboard alone
    "admin": "partnership.admin",  # QMUL: sees who changed or viewed a learner
    "partner": "partner.officer",  # City: sees QMUL learners under an agreement
    "unshared": "unshared.officer",  # LSE: no agreement with QMUL
    "evaluator": "evaluator",  # sees learners pseudonymised
    "password_only": "read.only",  # Next Steps charity: never gets past the password step
    "adviser": "support.adviser",  # QMUL student support adviser: awards, records, casework
    "superuser": "admin",  # the site administrator, who uses Django's admin site
}
SERVER_START_SECONDS = 60


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"The browser tests need Chromium at {CHROMIUM} (apt-get install chromium).")


def pytest_configure(config: pytest.Config) -> None:
    # `make pytest` runs with xdist's loadgroup: keep every browser test on one worker, one server.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _checked(completed: subprocess.CompletedProcess[str], what: str) -> str:
    if completed.returncode != 0:
        raise RuntimeError(
            f"{what} failed with exit code {completed.returncode}:\n"
            f"{_tail(completed.stdout)}\n{_tail(completed.stderr)}"
        )
    return completed.stdout


def _read_people(
    environment: dict[str, str], cast: dict[str, str], password: str
) -> dict[str, Person]:
    output = _checked(
        run_module("tests.browser.facts", ["read", json.dumps(cast)], environment),
        "python -m tests.browser.facts read",
    )
    facts: dict[str, Any] = json.loads(output)
    return {name: Person.from_facts(person, password) for name, person in facts["people"].items()}


@contextmanager
def _serving(environment: dict[str, str], log_path: Path) -> Iterator[str]:
    """`widen serve` on a free port until the block ends; always stopped, even on failure."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "widen.cli", "serve", "--port", str(port), "--no-migrate"],
            cwd=REPOSITORY,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(server, base_url, log_path)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def _wait_until_healthy(server: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"widen serve stopped:\n{_tail(log_path.read_text())}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"widen serve did not answer /healthz:\n{_tail(log_path.read_text())}")


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo partnership, served on its own database for this package's tests."""
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("widen-browser")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "widen.config.settings",
        "WIDEN_ENVIRONMENT": "development",
        "WIDEN_DATA_DIR": str(data_dir),
        "WIDEN_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # Lists over 50 rows import as a background job, run by the worker `widen serve` starts.
        "WIDEN_IMPORT_BACKGROUND_ROWS": "50",
        # E-mail (booking and survey links) is written to files the tests read, as a person
        # would read their inbox.
        "WIDEN_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "WIDEN_EMAIL_FILE_PATH": str(data_dir / "outbox"),
        # Every browser test books from one address; the limit itself is tested without one.
        "WIDEN_EVENT_BOOKING_RATE": "200/h",
    }
    with ExitStack() as cleanup:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith("postgres"):
            environment["DATABASE_URL"] = cleanup.enter_context(
                _fresh_postgres_database(database_url)
            )
        else:
            environment.pop("DATABASE_URL", None)
            # A copy of a database migrated once; `widen migrate` then checks it is up to date.
            migrated_sqlite_copy(data_dir / "widen.sqlite3")
        _checked(run_widen(["migrate", "--no-input", "-v", "0"], environment), "widen migrate")
        _checked(run_widen(["demo", "--learners", DEMO_LEARNERS], environment), "widen demo")
        people = _read_people(environment, DEMO_CAST, DEMO_PASSWORD)
        base_url = cleanup.enter_context(_serving(environment, data_dir / "server.log"))
        yield Site(
            base_url=base_url, environment=environment, people=people, password=DEMO_PASSWORD
        )


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    _require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGUMENTS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="package")
def signed_in(chromium: Browser, site: Site) -> SignedIn:
    return SignedIn(chromium, site)


@pytest.fixture
def browse(chromium: Browser, site: Site, signed_in: SignedIn) -> Iterator[Browse]:
    browsing = Browse(chromium, site, signed_in)
    try:
        yield browsing
    finally:
        browsing.close()
