"""Loading official files as dataset editions: all rows or none, and never the same file twice."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from widen.core.bulk import insert_rows
from widen.reference.datasets import edition_from_file_name, spec_for
from widen.reference.models import DatasetEdition
from widen.reference.reading import DatasetError, read_source

logger = logging.getLogger(__name__)

WRITE_BATCH = 20_000
Progress = Callable[[int, str], None]


@dataclass
class LoadResult:
    edition: DatasetEdition
    already_loaded: bool

    def summary(self) -> str:
        edition = self.edition
        if self.already_loaded:
            return (
                f"{edition.file_name} was already loaded on {edition.loaded_at:%d %B %Y} as "
                f"{edition}: nothing changed."
            )
        return (
            f"Loaded {edition.row_count:,} rows of {edition} from {edition.file_name} in "
            f"{edition.load_seconds:.1f} s."
        )


def dataset_load(
    dataset: str,
    path: Path,
    *,
    edition: str = "",
    synthetic: bool = False,
    loaded_by: str = "",
    progress: Progress | None = None,
) -> LoadResult:
    """Load one official file. Raises `DatasetError` (and loads nothing) when it is not right."""
    report = progress or (lambda percent, message: None)
    spec = spec_for(dataset)
    started = time.monotonic()
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DatasetError(f"{path.name} cannot be read: {error.strerror}.") from error
    checksum = hashlib.sha256(content).hexdigest()
    earlier = DatasetEdition.objects.filter(dataset=spec.dataset, file_sha256=checksum).first()
    if earlier is not None:
        return LoadResult(edition=earlier, already_loaded=True)
    edition = edition.strip() or spec.default_edition or edition_from_file_name(path.name)
    if not edition:
        raise DatasetError(
            f"Say which edition {path.name} is with --edition (for example 'May 2022'): its "
            "name does not say."
        )
    report(5, f"Reading {path.name}")
    source = read_source(content, path.name, spec.layout)
    del content
    if source.frame.height == 0:
        raise DatasetError(f"{path.name} has a header but no rows: nothing was loaded.")
    report(25, f"Checking {source.frame.height:,} rows")
    rows, _problems = spec.build(source)
    attnames = rows.columns
    total = rows.height
    try:
        with transaction.atomic():
            record = DatasetEdition.objects.create(
                dataset=spec.dataset,
                publisher=spec.publisher,
                title=spec.title,
                edition=edition[:60],
                file_name=path.name[-255:],
                file_sha256=checksum,
                file_size=path.stat().st_size,
                row_count=source.frame.height,
                measures=spec.measures(rows),
                synthetic=synthetic,
                licence="Open Government Licence v3.0",
                attribution=spec.attribution,
                loaded_by=loaded_by[:150],
            )
            for start in range(0, total, WRITE_BATCH):
                batch = rows.slice(start, WRITE_BATCH)
                insert_rows(
                    spec.model,
                    ["edition_id", *attnames],
                    ((record.pk, *values) for values in batch.iter_rows()),
                )
                done = min(start + WRITE_BATCH, total)
                report(30 + int(65 * done / total), f"Stored {done:,} of {total:,} rows")
            record.load_seconds = round(time.monotonic() - started, 2)
            record.save(update_fields=["load_seconds"])
    except IntegrityError as error:
        raise DatasetError(
            "The same file was loaded by someone else at the same moment: nothing more was loaded."
        ) from error
    logger.info("Loaded %s rows of %s (%s)", total, record, checksum)
    report(100, "Loaded")
    return LoadResult(edition=record, already_loaded=False)


def current_edition(dataset: str, *, measure: str = "") -> DatasetEdition | None:
    """The edition used for new work: the one loaded last (with `measure`, the last carrying it)."""
    editions = DatasetEdition.objects.filter(dataset=dataset).order_by("-loaded_at", "-pk")
    if measure:
        return next((edition for edition in editions if measure in edition.measures), None)
    return editions.first()
