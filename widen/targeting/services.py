"""Working out targeting for learners: the area profile of every learner's home postcode."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction

from widen.core.bulk import read_frame, staged_rows
from widen.learners.models import Learner
from widen.targeting.models import LearnerAreaProfile, ProfileStatus
from widen.targeting.profiles import LEARNER as LEARNER_COLUMN
from widen.targeting.profiles import PROFILE_COLUMNS, ProfileEditions, area_profiles

Progress = Callable[[int, str], None]
READ_BATCH = 100_000
DELETE_BATCH = 500


@dataclass
class ProfileRun:
    learners: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_nation: dict[str, int] = field(default_factory=dict)
    editions: ProfileEditions | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        lines = [f"Area profiles of {self.learners:,} learners:"]
        labels = dict(ProfileStatus.choices)
        lines += [
            f"  {labels.get(status, status)}: {count:,}"
            for status, count in sorted(self.by_status.items(), key=lambda item: -item[1])
        ]
        nations = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
        if self.by_nation:
            lines.append(
                "  by nation: "
                + ", ".join(
                    f"{nations.get(code, code or 'unknown')} {count:,}"
                    for code, count in sorted(self.by_nation.items(), key=lambda item: -item[1])
                )
            )
        if self.editions is not None:
            used = [
                edition
                for edition in (
                    self.editions.postcodes,
                    self.editions.wards,
                    self.editions.imd,
                    self.editions.idaci,
                    self.editions.wimd,
                    self.editions.simd,
                    self.editions.participation,
                )
                if edition is not None
            ]
            lines.append("  using: " + "; ".join(dict.fromkeys(str(edition) for edition in used)))
            lines += [f"  {note}" for note in self.editions.missing()]
        return lines


def _learner_postcodes(learner_ids: Sequence[Any] | None) -> pl.DataFrame:
    """Learner ids (as the database writes them) and home postcodes, without model instances:
    the learners to process (not anonymised, not restricted), so a restricted learner has no
    area profile until the restriction is lifted."""
    table = connection.ops.quote_name(Learner._meta.db_table)
    id_column = "CAST(id AS TEXT)" if connection.vendor == "postgresql" else "id"
    schema = {"learner_id": pl.Utf8, "postcode": pl.Utf8}
    chunks: list[pl.DataFrame] = []
    with connection.cursor() as cursor:
        if learner_ids is None:
            everyone = (
                f"SELECT {id_column}, home_postcode FROM {table} "  # noqa: S608
                "WHERE anonymised_at IS NULL AND restricted_at IS NULL"
            )
            copied = read_frame(everyone, [], schema)
            if copied is not None:
                return copied
            cursor.execute(everyone)
            while batch := cursor.fetchmany(READ_BATCH):
                chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
        else:
            keys = list(learner_ids)
            for start in range(0, len(keys), DELETE_BATCH):
                part = keys[start : start + DELETE_BATCH]
                rows = (
                    Learner.objects.processable()
                    .filter(pk__in=part)
                    .values_list("id", "home_postcode")
                )
                chunks.append(
                    pl.DataFrame(
                        [(_db_key(key), postcode) for key, postcode in rows],
                        schema=schema,
                        orient="row",
                    )
                )
    return pl.concat(chunks) if chunks else pl.DataFrame(schema=schema)


def _db_key(key: Any) -> str:
    return str(key) if connection.vendor == "postgresql" else key.hex


def area_profiles_compute(
    learner_ids: Iterable[Any] | None = None,
    *,
    editions: ProfileEditions | None = None,
    progress: Progress | None = None,
) -> ProfileRun:
    """Work out (again) the area profiles of these learners, or of every learner."""
    report = progress or (lambda percent, message: None)
    editions = editions or ProfileEditions.current()
    run = ProfileRun(editions=editions)
    started = time.perf_counter()
    report(5, "Reading learners' postcodes")
    chosen = None if learner_ids is None else list(learner_ids)
    learners = _learner_postcodes(chosen)
    run.seconds["read"] = time.perf_counter() - started
    report(30, f"Joining {learners.height:,} postcodes to the open data")
    profiles = area_profiles(learners, editions)
    run.seconds["classify"] = time.perf_counter() - started - run.seconds["read"]
    run.learners = profiles.height
    run.by_status = dict(profiles["status"].value_counts().iter_rows())
    run.by_nation = dict(profiles["nation"].value_counts().iter_rows())
    report(60, f"Storing {profiles.height:,} profiles")
    # In key order: the primary key index grows at its end instead of all over.
    stored = profiles.select(PROFILE_COLUMNS).sort(LEARNER_COLUMN)
    with (
        staged_rows(LearnerAreaProfile, stored) as rows,
        transaction.atomic(),
    ):
        if chosen is None and connection.vendor == "postgresql":
            # Everyone's profile is replaced: emptying the table is quicker than deleting each
            # row and keeps it from growing. Pages reading profiles wait the few seconds until
            # this commits.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"TRUNCATE {connection.ops.quote_name(LearnerAreaProfile._meta.db_table)}"
                )
        elif chosen is None:
            # SQLite empties a table at once for a DELETE without WHERE.
            LearnerAreaProfile.objects.all()._raw_delete(LearnerAreaProfile.objects.db)
        else:
            for start in range(0, len(chosen), DELETE_BATCH):
                LearnerAreaProfile.objects.filter(
                    learner_id__in=chosen[start : start + DELETE_BATCH]
                )._raw_delete(LearnerAreaProfile.objects.db)
        rows.insert()
    run.seconds["store"] = (
        time.perf_counter() - started - run.seconds["read"] - run.seconds["classify"]
    )
    report(100, "Done")
    return run
