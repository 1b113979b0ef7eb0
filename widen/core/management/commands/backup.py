"""`widen backup PATH`: one encrypted file holding a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from widen.core.backups import BackupError, Database, backup_database, plural, size_label


def target_database(url: str | None) -> Database:
    """The database `--database-url` names, or else the one Widen is configured with."""
    if url:
        return Database.from_url(url)
    return Database.from_settings(connections["default"].settings_dict)


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database (SQLite's online backup, or pg_dump on "
        "PostgreSQL) with a manifest of every table's rows and checksum, to a new file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The new backup file to write.")
        parser.add_argument(
            "--database-url",
            help="Back up this database instead of the configured one (DATABASE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database = target_database(options["database_url"])
            result = backup_database(database, options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = result.manifest["tables"]
        rows = sum(table["rows"] for table in tables.values())
        self.stdout.write(
            f"Backed up the {database.label} ({plural(len(tables), 'table')}, "
            f"{plural(rows, 'row')}) to {result.path}: {size_label(result.size)}, encrypted, in "
            f"{result.seconds:.1f} seconds."
        )
