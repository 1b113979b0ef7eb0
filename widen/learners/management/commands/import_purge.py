"""`widen import_purge`: forget uploaded pupil lists once they can no longer be rolled back."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from widen.learners.imports.kinds import import_kinds
from widen.learners.imports.services import import_runs_purge


class Command(BaseCommand):
    help = "Delete the stored files of imports older than the rollback period (run it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = import_runs_purge()
        self.stdout.write(f"Forgot the files of {purged} imports.")
        for kind in import_kinds():
            if kind.purge is not None:
                self.stdout.write(f"Forgot the files of {kind.purge()} {kind.uploads}.")
