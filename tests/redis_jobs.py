"""A background job for tests/test_shared_cache.py: it leaves a note in the shared cache."""

from __future__ import annotations

import os

from django.core.cache import cache
from django_tasks import task


@task()
def note_leave(key: str, text: str) -> int:
    """Write `text` under `key`; return the process that ran it."""
    cache.set(key, text, 300)
    return os.getpid()
