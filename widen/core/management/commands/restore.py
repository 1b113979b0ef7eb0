"""`widen restore PATH`: a backup restored into an empty database, then checked table by table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.core.backups import BackupError, plural, restore_database
from widen.core.management.commands.backup import target_database


class Command(BaseCommand):
    help = (
        "Restore a backup made by `widen backup` into an empty database (the configured one, or "
        "--database-url), then check every table's row count and checksum against the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--database-url",
            help=(
                "Restore into this empty database instead of the configured one (DATABASE_URL), "
                "e.g. for a restore drill."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database = target_database(options["database_url"])
            result = restore_database(options["path"], database, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup made {manifest['created_at']} by Widen "
            f"{manifest['widen_version']} into the {database.label}."
        )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(
                f"Check failed: {plural(len(result.problems), 'table')} "
                f"{'differs' if len(result.problems) == 1 else 'differ'} from the backup (listed "
                f"above), after {result.seconds:.1f} seconds. Do not use this database; restore "
                "again from another backup."
            )
        self.stdout.write(
            f"Check passed: every table ({plural(result.tables, 'table')}, "
            f"{plural(result.rows, 'row')}) matches the backup's row counts and checksums. "
            f"Took {result.seconds:.1f} seconds."
        )
        self.stdout.write(
            "Next: `widen migrate` (brings the database up to this version of Widen, if it is "
            "newer), then start Widen."
        )
