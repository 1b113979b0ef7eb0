"""A provider's students as one Polars frame: the columns a scheme's criteria read, and their home
areas (`StudentAreaProfile`), worked out again only where the postcode or the data changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import IntegerField, QuerySet, TextField
from django.db.models.functions import Cast

from widen.core.bulk import staged_rows
from widen.organisations.models import Organisation
from widen.reference.models import DatasetEdition
from widen.students.models import Declaration, Student
from widen.support.criteria import CHOICE_FACTS, YES_NO_FACTS
from widen.support.models import StudentAreaProfile
from widen.targeting.profiles import BAND_COLUMNS, ProfileEditions, area_profiles
from widen.targeting.rule_sets.frames import EDITION_LABELS, query_frame

DELETE_BATCH = 5_000
PROFILE_COLUMNS = (
    "lsoa",
    *BAND_COLUMNS,
    "deprivation_edition_id",
    "idaci_edition_id",
    "participation_edition_id",
)
# What `area_profiles` works out that a student's profile keeps.
STORED_PROFILE_COLUMNS = ("postcode", "status", "lsoa", "msoa", "ward", *PROFILE_COLUMNS[1:])


def current_students(organisation: Organisation | Any) -> QuerySet[Student]:
    """The provider's students whose records are in use (not anonymised)."""
    return Student.objects.filter(organisation=organisation, anonymised_at__isnull=True)


def editions_key(editions: ProfileEditions) -> str:
    """The editions a profile is worked out with, as one short text ("postcodes:3,imd:5,…")."""
    return ",".join(
        f"{name}:{edition.pk if edition is not None else '-'}"
        for name, edition in sorted(vars(editions).items())
    )


def area_profiles_refresh(organisation: Organisation | Any) -> int:
    """Work out the home areas of the provider's students whose home postcode, or the editions
    loaded, changed since theirs was worked out (or who have none yet); returns how many."""
    editions = ProfileEditions.current()
    key = editions_key(editions)
    students = query_frame(
        current_students(organisation)
        .annotate(student_key=Cast("id", output_field=TextField()))
        .values_list("student_key", "home_postcode"),
        ["student_id", "postcode"],
    ).with_columns(pl.col("student_id").cast(pl.Utf8), pl.col("postcode").cast(pl.Utf8))
    stored = query_frame(
        StudentAreaProfile.objects.filter(student__organisation=organisation)
        .annotate(student_key=Cast("student_id", output_field=TextField()))
        .values_list("student_key", "postcode", "editions"),
        ["student_id", "stored_postcode", "editions"],
    ).with_columns(
        pl.col(name).cast(pl.Utf8) for name in ("student_id", "stored_postcode", "editions")
    )
    stale = students.join(stored, on="student_id", how="left").filter(
        pl.col("stored_postcode").is_null()
        | (pl.col("stored_postcode") != pl.col("postcode").fill_null("").str.strip_chars())
        | (pl.col("editions") != key)
    )
    if stale.is_empty():
        return 0
    profiles = (
        area_profiles(
            stale.select(pl.col("student_id").alias("learner_id"), pl.col("postcode")), editions
        )
        .rename({"learner_id": "student_id"})
        .select("student_id", *STORED_PROFILE_COLUMNS)
        .sort("student_id")
    )
    keys = stale.join(stored, on="student_id", how="semi")["student_id"].to_list()
    with (
        staged_rows(StudentAreaProfile, profiles, constants={"editions": key}) as rows,
        transaction.atomic(),
    ):
        for start in range(0, len(keys), DELETE_BATCH):
            old = StudentAreaProfile.objects.filter(
                student_id__in=keys[start : start + DELETE_BATCH]
            )
            old._raw_delete(old.db)
        rows.insert()
    return profiles.height


def _declared_sources(organisation: Organisation | Any, facts: list[str]) -> pl.DataFrame:
    """For each student and yes/no fact they declared yes: when and how it was last recorded
    ("declared 2026-09-21, enrolment form"), as the column `<fact>_source`."""
    rows = query_frame(
        Declaration.objects.filter(
            student__in=current_students(organisation), characteristic__in=facts, value="yes"
        )
        .annotate(
            student_key=Cast("student_id", output_field=TextField()),
            recorded=Cast("created_at", output_field=TextField()),
        )
        .values_list("student_key", "characteristic", "recorded", "source"),
        ["student_id", "characteristic", "recorded", "source"],
    ).with_columns(
        pl.col(name).cast(pl.Utf8)
        for name in ("student_id", "characteristic", "recorded", "source")
    )
    latest = (
        rows.sort("recorded")
        .group_by("student_id", "characteristic")
        .agg(pl.col("recorded").last(), pl.col("source").last())
        .with_columns(
            text=pl.format("declared {}, {}", pl.col("recorded").str.slice(0, 10), pl.col("source"))
        )
    )
    wide = latest.pivot(on="characteristic", index="student_id", values="text")
    return wide.rename(
        {fact: f"{fact}_source" for fact in facts if fact in wide.columns}
    ).with_columns(
        pl.lit(None, pl.Utf8).alias(f"{fact}_source") for fact in facts if fact not in wide.columns
    )


def student_frame(
    organisation: Organisation | Any,
    *,
    columns: set[str] | None = None,
    student_ids: Iterable[Any] | None = None,
    within: QuerySet[Student] | None = None,
) -> pl.DataFrame:
    """For the provider's current students (those in `within`, if given): their id, course and the
    `columns` a scheme's criteria read (every column when None)."""

    def needed(name: str) -> bool:
        return columns is None or name in columns

    students = current_students(organisation)
    if student_ids is not None:
        students = students.filter(pk__in=list(student_ids))
    if within is not None:
        students = students.filter(pk__in=within.values("pk"))
    facts = [name for name in YES_NO_FACTS if needed(name)]
    choices = [name for name in CHOICE_FACTS if needed(name)]
    frame = query_frame(
        students.annotate(
            student_key=Cast("id", output_field=TextField()),
            **{f"{name}_number": Cast(name, output_field=IntegerField()) for name in facts},
        ).values_list("student_key", "course", *(f"{name}_number" for name in facts), *choices),
        ["student_id", "course", *facts, *choices],
    ).with_columns(
        *(pl.col(name).cast(pl.Utf8) for name in ("student_id", "course", *choices)),
        *(pl.col(name).cast(pl.Int64).cast(pl.Boolean) for name in facts),
    )
    sourced = [name for name in YES_NO_FACTS if needed(f"{name}_source")]
    if sourced:
        frame = frame.join(_declared_sources(organisation, sourced), on="student_id", how="left")
    profile_names = [
        name
        for name in PROFILE_COLUMNS
        if needed(name)
        or any(needed(label) for label, source in EDITION_LABELS.items() if source == name)
    ]
    if not profile_names:
        return frame
    area = query_frame(
        StudentAreaProfile.objects.filter(student__in=students)
        .annotate(
            student_key=Cast("student_id", output_field=TextField()),
            target_ward_number=Cast("uni_connect_target_ward", output_field=IntegerField()),
        )
        .values_list(
            "student_key",
            *(
                "target_ward_number" if name == "uni_connect_target_ward" else name
                for name in profile_names
            ),
        ),
        ["student_id", *profile_names],
    ).with_columns(
        pl.col("student_id").cast(pl.Utf8),
        *(
            pl.col(name).cast(pl.Int64)
            for name in profile_names
            if name.endswith(("_decile", "_quintile", "_edition_id"))
        ),
        *(pl.col(name).cast(pl.Utf8) for name in profile_names if name == "lsoa"),
        *(
            pl.col(name).cast(pl.Int64).cast(pl.Boolean)
            for name in profile_names
            if name == "uni_connect_target_ward"
        ),
    )
    frame = frame.join(area, on="student_id", how="left")
    labelled = {
        label: source for label, source in EDITION_LABELS.items() if source in frame.columns
    }
    if labelled:
        ids = pl.concat([frame[source] for source in labelled.values()]).drop_nulls().unique()
        editions = {
            edition.pk: str(edition.edition)
            for edition in DatasetEdition.objects.filter(pk__in=ids.to_list())
        }
        frame = frame.with_columns(
            pl.col(source).replace_strict(editions, default=None, return_dtype=pl.Utf8).alias(label)
            for label, source in labelled.items()
        )
    return frame
