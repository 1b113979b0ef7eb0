from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "widen.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules  # noqa: PLC0415

        autodiscover_modules("navigation")  # each app's pages in the main navigation
        from widen.core.cache import database_caches_create  # noqa: PLC0415

        # `migrate` (so `widen demo`, `widen serve` and the test database) makes the cache table.
        post_migrate.connect(database_caches_create, sender=self, dispatch_uid="widen-cache-table")
