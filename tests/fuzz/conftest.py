"""The bad-input campaign (marker `fuzz`): its sizes, the CI run's by default (`make fuzz`
multiplies them, WIDEN_FUZZ_SCALE), and its server errors counted for the scorecard.

It runs once per CI run, in the SQLite pass: the PostgreSQL pass skips it, as the whole suite must
stay within CI's time. (The fixed bad inputs of the other tests, NUL characters among them, run on
both databases.)"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    once = pytest.mark.skip(reason="bad-input campaign: already run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("fuzz"):
            item.add_marker(once)


SCALE = max(1, int(os.environ.get("WIDEN_FUZZ_SCALE", "1")))
# A CI run tries the same inputs every time (a failure is reproducible, never flaky); a longer
# campaign (`make fuzz`) draws new ones each time it runs.
FIXED_INPUTS = SCALE == 1


def scaled(size: int) -> int:
    """`size` times WIDEN_FUZZ_SCALE (1 unless set: the size every CI run tries)."""
    return size * SCALE


class ServerErrors:
    """The server errors (an answer of 500 or more, or an exception the page let out) met while
    a test sends its bad inputs."""

    def __init__(self) -> None:
        self.count = 0

    def answer(self, send: Callable[[], Any]) -> Any:
        """The response `send()` gets, each server error counted."""
        try:
            response = send()
        except Exception:
            self.count += 1
            raise
        if response.status_code >= 500:
            self.count += 1
        return response


@contextmanager
def counting_server_errors(record_property: Any) -> Iterator[ServerErrors]:
    """Server errors met, recorded for the scorecard ("server errors") whether the test passes or
    fails."""
    errors = ServerErrors()
    try:
        yield errors
    finally:
        record_property("server_errors", errors.count)
