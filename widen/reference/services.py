"""Loading official files as dataset editions: all rows or none, and never the same file twice."""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from widen.core.bulk import insert_rows
from widen.reference.datasets import edition_from_file_name, spec_for
from widen.reference.frames import write_snapshot
from widen.reference.models import DatasetEdition
from widen.reference.reading import DatasetError, read_source

logger = logging.getLogger(__name__)

WRITE_BATCH = 20_000
Progress = Callable[[int, str], None]


@dataclass
class LoadResult:
    edition: DatasetEdition
    already_loaded: bool
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        edition = self.edition
        if self.already_loaded:
            return (
                f"{edition.file_name} was already loaded on {edition.loaded_at:%d %B %Y} as "
                f"{edition}: nothing changed."
            )
        return "\n".join(
            [
                f"Loaded {edition.row_count:,} rows of {edition} from {edition.file_name} in "
                f"{edition.load_seconds:.1f} s.",
                *self.warnings,
            ]
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
    rows, warnings = spec.build(source)
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
            transaction.on_commit(partial(_keep_snapshot, record, rows))
    except IntegrityError as error:
        raise DatasetError(
            "The same file was loaded by someone else at the same moment: nothing more was loaded."
        ) from error
    # Rows of the file, as `widen data list` and the demo show them; a file giving several
    # measures per row (IoD2019: IMD and IDACI) stores one value per measure.
    stored = f", stored as {total:,} values" if total != record.row_count else ""
    logger.info("Loaded %s rows of %s%s (%s)", f"{record.row_count:,}", record, stored, checksum)
    report(100, "Loaded")
    return LoadResult(edition=record, already_loaded=False, warnings=warnings)


def _keep_snapshot(edition: DatasetEdition, rows: Any) -> None:
    try:
        write_snapshot(edition, rows)
    except OSError:  # it is rebuilt from the database when first needed
        logger.exception("Could not keep the Parquet snapshot of %s", edition)


def current_edition(dataset: str, *, measure: str = "") -> DatasetEdition | None:
    """The edition used for new work: the one loaded last (with `measure`, the last carrying it)."""
    editions = DatasetEdition.objects.filter(dataset=dataset).order_by("-loaded_at", "-pk")
    if measure:
        return next((edition for edition in editions if measure in edition.measures), None)
    return editions.first()


# --- Fetching the official editions ------------------------------------------------------------

# Where each publisher keeps its current edition. The ONS postcode directory, WIMD and the OfS
# postcode look-up move with every release (and the OfS one sits behind a web page), so those are
# fetched from a URL the operator gives.
OFFICIAL_SOURCES: dict[str, tuple[str, ...]] = {
    "iod2019": (
        "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/"
        "attachment_data/file/833970/File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx",
        "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/"
        "attachment_data/file/833974/File_3_-_IoD2019_Supplementary_Indices_-_IDACI_and_IDAOPI.xlsx",
    ),
    "simd2020": (
        "https://www.gov.scot/binaries/content/documents/govscot/publications/statistics/2020/01/"
        "scottish-index-of-multiple-deprivation-2020-ranks-and-domain-ranks/documents/"
        "scottish-index-of-multiple-deprivation-2020-ranks-and-domain-ranks/"
        "scottish-index-of-multiple-deprivation-2020-ranks-and-domain-ranks/govscot%3Adocument/"
        "SIMD%2B2020v2%2B-%2Branks.xlsx",
    ),
    "gias": (
        "https://ea-edubase-api-prod.azurewebsites.net/edubase/downloads/public/"
        "edubasealldata{yyyymmdd}.csv",
    ),
    "codepoint": (
        "https://api.os.uk/downloads/v1/products/CodePointOpen/downloads?area=GB&format=CSV"
        "&redirect",
    ),
}
MAX_DOWNLOAD_BYTES = 4 * 1024**3
DOWNLOAD_CHUNK = 1024 * 1024


def official_urls(dataset: str, *, mirror: str = "", today: date | None = None) -> list[str]:
    """The URLs of a dataset's official files (on `mirror`, the same file names there)."""
    spec_for(dataset)
    templates = OFFICIAL_SOURCES.get(dataset)
    if not templates:
        raise DatasetError(
            f"{dataset} has no fixed download address: download the current edition from its "
            f"publisher and give its address with --url, or load the file with `widen data load "
            f"{dataset} PATH`."
        )
    day = today or timezone.localdate()
    urls = [template.format(yyyymmdd=f"{day:%Y%m%d}") for template in templates]
    if mirror:
        names = [urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] for url in urls]
        urls = [f"{mirror.rstrip('/')}/{urllib.parse.unquote(name)}" for name in names]
    return urls


def dataset_fetch(
    dataset: str,
    url: str,
    *,
    directory: Path,
    edition: str = "",
    loaded_by: str = "",
    progress: Progress | None = None,
) -> LoadResult:
    """Download one official file over HTTP(S) and load it (the file is deleted afterwards)."""
    report = progress or (lambda percent, message: None)
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DatasetError(f"Only http and https addresses can be fetched (not '{scheme}:').")
    directory.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "Widen open-data loader"})  # noqa: S310 - scheme checked above
    report(0, f"Downloading {url}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - scheme checked above
            final = urllib.parse.urlsplit(response.geturl())
            name = urllib.parse.unquote(final.path.rsplit("/", 1)[-1]) or f"{dataset}.download"
            name = re.sub(r"[^A-Za-z0-9._+-]", "_", name)[-120:]
            expected = int(response.headers.get("Content-Length") or 0)
            if expected > MAX_DOWNLOAD_BYTES:
                raise DatasetError(f"{name} is {expected / 1024**3:.1f} GB: too large to fetch.")
            with tempfile.TemporaryDirectory(dir=directory) as workdir:
                path = Path(workdir) / name
                received = 0
                with path.open("wb") as target:
                    while chunk := response.read(DOWNLOAD_CHUNK):
                        received += len(chunk)
                        if received > MAX_DOWNLOAD_BYTES:
                            raise DatasetError(f"{name} is larger than 4 GB: too large to fetch.")
                        target.write(chunk)
                        if expected:
                            report(int(20 * received / expected), f"Downloaded {received:,} bytes")
                if expected and received != expected:
                    raise DatasetError(
                        f"The download of {name} stopped after {received:,} of {expected:,} "
                        "bytes: nothing was loaded. Try again."
                    )
                return dataset_load(
                    dataset, path, edition=edition, loaded_by=loaded_by, progress=progress
                )
    except urllib.error.HTTPError as error:
        raise DatasetError(
            f"{url} answered {error.code} {error.reason}: nothing was loaded."
        ) from error
    except http.client.HTTPException as error:  # the connection dropped mid-download
        raise DatasetError(
            f"The download from {url} stopped before the end ({type(error).__name__}): nothing "
            "was loaded. Try again."
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DatasetError(
            f"{url} could not be reached ({reason}): is this machine online? Nothing was loaded."
        ) from error
