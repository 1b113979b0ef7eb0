from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.notifications.support import TEMPLATES_DIR, FlakyBackend


@pytest.fixture(autouse=True)
def _test_templates(settings: Any) -> None:
    """The notifications these tests send are written in tests/notifications/templates."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES_DIR]}]


@pytest.fixture
def flaky_mail(settings: Any) -> Iterator[type[FlakyBackend]]:
    settings.EMAIL_BACKEND = "tests.notifications.support.FlakyBackend"
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0
