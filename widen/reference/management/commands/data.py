"""`widen data load DATASET PATH` and `widen data list`: official open data, edition by edition."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.reference.datasets import SPECS
from widen.reference.models import DatasetEdition
from widen.reference.reading import DatasetError
from widen.reference.services import dataset_load

UNUSABLE = 2


class Command(BaseCommand):
    help = "Load official open data (postcodes, deprivation, POLAR4/TUNDRA, GIAS) and list it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser(
            "load",
            help="load one official file as a dataset edition",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            description="Datasets:\n"
            + "\n".join(f"  {name:10} {spec.title}" for name, spec in SPECS.items()),
        )
        load.add_argument("dataset", choices=list(SPECS), metavar="DATASET")
        load.add_argument("path", type=Path, metavar="PATH")
        load.add_argument("--edition", default="", help="e.g. 'May 2022' (else from the name)")
        load.add_argument(
            "--synthetic",
            action="store_true",
            help="the file holds invented values in the official layout (for testing)",
        )
        actions.add_parser("list", help="list the loaded editions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        try:
            result = dataset_load(
                options["dataset"],
                options["path"],
                edition=options["edition"],
                synthetic=options["synthetic"],
                loaded_by="cli",
                progress=self._progress,
            )
        except DatasetError as error:
            raise CommandError(str(error), returncode=UNUSABLE) from error
        self.stdout.write(result.summary())

    def _progress(self, percent: int, message: str) -> None:
        if sys.stderr.isatty():
            self.stderr.write(f"\r{percent:3d}% {message:<60}", ending="")
            if percent == 100:
                self.stderr.write("")
        else:
            self.stderr.write(f"{percent:3d}% {message}")

    def _list(self) -> None:
        editions = DatasetEdition.objects.order_by("dataset", "-loaded_at")
        if not editions:
            self.stdout.write("No open data is loaded. Load it with `widen data load`.")
            return
        for edition in editions:
            self.stdout.write(
                f"{edition.dataset:10} {edition.edition:20} {edition.row_count:>10,} rows  "
                f"{edition.loaded_at:%Y-%m-%d}  {edition.file_name}"
                + ("  (synthetic: not official)" if edition.synthetic else "")
            )
