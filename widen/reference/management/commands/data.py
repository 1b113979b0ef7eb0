"""`widen data load DATASET PATH`, `widen data fetch [DATASET]`, `widen data list`: open data."""

from __future__ import annotations

import argparse
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from widen.core.management.progress import ShowsProgress
from widen.reference.datasets import SPECS
from widen.reference.models import DatasetEdition
from widen.reference.reading import DatasetError
from widen.reference.services import (
    OFFICIAL_SOURCES,
    LoadResult,
    current_edition,
    dataset_fetch,
    dataset_load,
    official_urls,
)

UNUSABLE = 2


class Command(ShowsProgress):
    help = (
        "Load official open data (postcodes, deprivation, POLAR4/TUNDRA, GIAS), fetch the "
        "official editions, and list what is loaded."
    )

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
        fetch = actions.add_parser(
            "fetch",
            help="download the official editions and load them (needs the internet)",
        )
        fetch.add_argument(
            "datasets",
            nargs="*",
            metavar="DATASET",
            help=f"datasets to fetch (default: {', '.join(OFFICIAL_SOURCES)})",
        )
        fetch.add_argument("--url", default="", help="fetch this address (one dataset only)")
        fetch.add_argument(
            "--mirror",
            default="",
            help="fetch the official file names from this address instead (a local copy)",
        )
        fetch.add_argument("--edition", default="", help="e.g. 'May 2022' (else from the name)")
        actions.add_parser("list", help="list the loaded editions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        if options["action"] == "fetch":
            self._fetch(options)
            return
        try:
            result = dataset_load(
                options["dataset"],
                options["path"],
                edition=options["edition"],
                synthetic=options["synthetic"],
                loaded_by="cli",
                progress=self.progress,
            )
        except DatasetError as error:
            raise CommandError(str(error), returncode=UNUSABLE) from error
        self.stdout.write(result.summary())

    def _fetch(self, options: dict[str, Any]) -> None:
        datasets = options["datasets"] or list(OFFICIAL_SOURCES)
        unknown = [name for name in datasets if name not in SPECS]
        if unknown:
            raise CommandError(
                f"Unknown dataset {unknown[0]!r}; the datasets are: {', '.join(SPECS)}.",
                returncode=UNUSABLE,
            )
        if options["url"] and len(datasets) != 1:
            raise CommandError("--url fetches one file: name one dataset.", returncode=UNUSABLE)
        directory = Path(settings.DATA_DIR) / "downloads"
        failed = 0
        for dataset in datasets:
            try:
                urls = (
                    [options["url"]]
                    if options["url"]
                    else official_urls(dataset, mirror=options["mirror"])
                )
                for url in urls:
                    result = self._fetch_one(dataset, url, directory, options)
                    self.stdout.write(result.summary())
            except DatasetError as error:
                failed += 1
                self.stderr.write(f"{dataset}: {error}")
        if failed:
            raise CommandError(
                f"{failed} of {len(datasets)} datasets could not be fetched.", returncode=UNUSABLE
            )

    def _fetch_one(
        self, dataset: str, url: str, directory: Path, options: dict[str, Any]
    ) -> LoadResult:
        def fetch(address: str) -> LoadResult:
            return dataset_fetch(
                dataset,
                address,
                directory=directory,
                edition=options["edition"],
                loaded_by="cli",
                progress=self.progress,
            )

        try:
            return fetch(url)
        except DatasetError as error:
            # GIAS publishes each day's file during the day: yesterday's is the latest until then.
            if dataset != "gias" or options["url"] or " answered 404 " not in error.message:
                raise
            yesterday = timezone.localdate() - timedelta(days=1)
            (earlier,) = official_urls(dataset, mirror=options["mirror"], today=yesterday)
            return fetch(earlier)

    def _list(self) -> None:
        editions = DatasetEdition.objects.order_by("dataset", "-loaded_at")
        if not editions:
            self.stdout.write("No open data is loaded. Load it with `widen data load`.")
            return
        # Two loads of one edition (say "May 2022" from two different files) differ in their
        # file, checksum, rows or load time: every line shows them all, and which is in use.
        in_use = {
            current.pk
            for current in (current_edition(dataset) for dataset in {e.dataset for e in editions})
            if current is not None
        }
        self.stdout.write(
            f"{'Id':>4}  {'Dataset':12} {'Edition':20} {'Rows':>10}  {'Loaded (UTC)':16}  "
            f"{'SHA-256':12}  {'In use':6}  File"
        )
        for edition in editions:
            self.stdout.write(
                f"{edition.pk:>4}  {edition.dataset:12} {edition.edition:20} "
                f"{edition.row_count:>10,}  "
                f"{timezone.localtime(edition.loaded_at, UTC):%Y-%m-%d %H:%M}  "
                f"{edition.file_sha256[:12]:12}  {'yes' if edition.pk in in_use else '':6}  "
                f"{edition.file_name}"
                + ("  (synthetic: not official)" if edition.synthetic else "")
            )
