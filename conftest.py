"""Fixtures shared by every test: a small partnership world and signed-in clients."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import freezegun
import pytest
from django.core.cache import caches
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import User
from widen.testing.world import World, build_world

# pytest's and xdist's own timing keep real time under frozen clocks, so
# --durations and the per-test timings they report stay meaningful.
freezegun.configure(extend_ignore_list=["_pytest", "xdist"])


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Rate limits count requests in the default cache: every test starts with none counted."""
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def signed_in_client(user: User, *, verified: bool = True) -> Client:
    """A client whose session has passed the password step and, if `verified`, MFA."""
    client = Client()
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[..., Client]:
    return signed_in_client


def api_call(token: str, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    """`path` called as a partner's system would: the token as a bearer and `body`, if any, as
    JSON."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return Client().generic(method, path, headers=headers, **extra)
    return Client().generic(
        method, path, json.dumps(body), content_type="application/json", headers=headers, **extra
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """What the PostgreSQL pass does not repeat of the SQLite pass:

    * tests marked `own_sqlite` make SQLite databases of their own whatever DATABASE_URL says
      (the benchmark smoke runs);
    * the browser journeys and page checks (tests/browser): Chromium drives the same pages on
      either database, and every query those pages make is also run on PostgreSQL by the page
      and API tests (Django's test client) of each app.
    """
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    repeat = pytest.mark.skip(reason="runs on SQLite of its own: already run in the SQLite pass")
    in_the_browser = pytest.mark.skip(reason="a browser journey: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("own_sqlite"):
            item.add_marker(repeat)
        elif item.nodeid.startswith("tests/browser/"):
            item.add_marker(in_the_browser)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the security scorecard figures the tests recorded (SECURITY, "Scorecard")."""
    totals: dict[str, int] = {}
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for key, value in getattr(report, "user_properties", []):
                if isinstance(value, int):
                    totals[f"{key} {outcome}"] = totals.get(f"{key} {outcome}", 0) + value
    if not totals:
        return
    terminalreporter.section("security scorecard")
    for key, value in sorted(totals.items()):
        terminalreporter.write_line(f"{key.replace('_', ' ')}: {value}")
