"""`widen import_purge`: forget uploaded files once their imports can no longer be rolled back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from widen.core.uploads import staged_uploads_purge


class Command(BaseCommand):
    help = (
        "Delete the stored files of uploads (pupil lists, registers, scale items) older than the "
        "rollback period; their records stay (run it daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for kind, purged in staged_uploads_purge().items():
            self.stdout.write(f"Forgot the files of {purged} {kind}.")
