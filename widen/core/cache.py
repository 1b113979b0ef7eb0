"""Caches every server process and machine shares: the database by default, Redis when configured.

Rate limits count with the cache's `incr`. Django's database cache reads and writes back, so two
processes counting at once could both write the same number; here the row is locked first, so
every request is counted wherever it was served.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache, with an increment that loses no count between processes."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        with transaction.atomic(using=database):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self.cache_model_class._meta.db_table)
                with connection.cursor() as cursor:
                    # Locks the counter's row until this transaction ends (SQLite's write lock,
                    # taken when the transaction begins, does the same there).
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 - the table is ours
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)


def database_caches_create(using: str = "default", **_: Any) -> None:
    """Create the table of each database cache (after `migrate`, so every set-up path has it)."""
    from django.core.management import call_command  # noqa: PLC0415

    if any(isinstance(caches[alias], DatabaseCache) for alias in caches):
        call_command("createcachetable", database=using, verbosity=0)
