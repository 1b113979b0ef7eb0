"""The partnership's learners as one Polars frame: the columns a rule set's criteria read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import IntegerField, Q, TextField
from django.db.models.functions import Cast

from widen.core.academic_years import AcademicYear
from widen.core.bulk import read_frame
from widen.learners.models import FILTERABLE_CHARACTERISTICS, Learner
from widen.organisations.models import Organisation, Partnership
from widen.reference.models import DatasetEdition, Establishment
from widen.targeting.criteria import CRITERIA, Criterion, parse_definition
from widen.targeting.models import LearnerAreaProfile
from widen.targeting.profiles import BAND_COLUMNS

BOOLEAN_FACTS = tuple(FILTERABLE_CHARACTERISTICS)  # the learner's yes/no facts
FACT_COLUMNS = (*BOOLEAN_FACTS, "ethnicity")
PROFILE_COLUMNS = tuple(
    (name, name)
    for name in (
        "lsoa",
        *BAND_COLUMNS,
        "deprivation_edition_id",
        "idaci_edition_id",
        "participation_edition_id",
    )
)


def query_frame(query: Any, names: list[str]) -> pl.DataFrame:
    """The rows of a values_list query, read in batches straight into Polars."""
    sql, params = query.query.sql_with_params()
    copied = read_frame(sql, params, empty_frame(names).schema)
    if copied is not None:
        return copied
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(50_000):
            chunks.append(pl.DataFrame(batch, schema=names, orient="row", infer_schema_length=None))
    if not chunks:
        return empty_frame(names)
    return pl.concat(chunks, how="vertical_relaxed")


def empty_frame(names: list[str]) -> pl.DataFrame:
    kinds: dict[str, Any] = {
        "date_of_birth": pl.Date,
        "eligible": pl.Int64,
        "version_id": pl.Int64,
        **dict.fromkeys(BOOLEAN_FACTS, pl.Int64),
        "uni_connect_target_ward": pl.Int64,
        **{
            name: pl.Int64
            for name, _ in PROFILE_COLUMNS
            if name.endswith(("_decile", "_quintile", "_edition_id"))
        },
    }
    return pl.DataFrame(schema={name: kinds.get(name, pl.Utf8) for name in names})


EDITION_LABELS = {
    "imd_edition_label": "deprivation_edition_id",
    "idaci_edition_label": "idaci_edition_id",
    "participation_edition_label": "participation_edition_id",
}
IMD_AND_IDACI = ("imd_decile", "imd_quintile", "idaci_decile", "idaci_quintile")


def columns_needed(*definitions: Any, criteria: Mapping[str, Criterion] = CRITERIA) -> set[str]:
    """The learners' (or, with other `criteria`, students') frame columns the definitions'
    criteria and explanations read."""
    needed: set[str] = set()
    for definition in definitions:
        for group in parse_definition(definition, criteria=criteria):
            for condition in group:
                criterion = condition.criterion
                needed.add(criterion.column)
                if criterion.edition_column:
                    needed.add(criterion.edition_column)
                if criterion.source_column:
                    needed.add(criterion.source_column)
                if criterion.key in IMD_AND_IDACI:
                    needed.add("lsoa")  # "IMD decile 1 (LSOA E01000001, IoD2019)"
    return needed


def partnership_learner_frame(
    partnership: Partnership,
    learner_ids: Iterable[Any] | None = None,
    *,
    columns: set[str] | None = None,
    within: Q | None = None,
) -> pl.DataFrame:
    """For the learners held by the partnership's members (and meeting `within`, if given):
    their id, school and the `columns` criteria read (every column when None). Reading only
    those is most of the speed of a rule set over a million learners."""

    def needed(name: str) -> bool:
        return columns is None or name in columns

    members = list(partnership.members.values_list("pk", flat=True))
    # A restricted or anonymised learner is not worked out (working out again drops their result).
    learners = Learner.objects.processable().filter(organisation__in=members)
    if learner_ids is not None:
        learners = learners.filter(pk__in=list(learner_ids))
    if within is not None:
        learners = learners.filter(within)
    # Two plain scans read straight into Polars (no model instance per learner) and joined
    # there: a database join of a million learners to their profiles is slower than both.
    # Yes/no and date columns are read through CAST: the database driver then hands over plain
    # numbers and text instead of calling a converter for every value.
    facts_read = [name for name in FACT_COLUMNS if needed(name)]
    with_birth = needed("year_group") or needed("date_of_birth")
    facts = query_frame(
        learners.annotate(
            learner_key=Cast("id", output_field=TextField()),
            school_key=Cast("school_id", output_field=TextField()),
            birth_text=Cast("date_of_birth", output_field=TextField()),
            **{f"{name}_number": Cast(name, output_field=IntegerField()) for name in BOOLEAN_FACTS},
        ).values_list(
            "learner_key",
            "school_key",
            *(["birth_text"] if with_birth else []),
            *(f"{name}_number" if name in BOOLEAN_FACTS else name for name in facts_read),
        ),
        ["learner_id", "school_id", *(["date_of_birth"] if with_birth else []), *facts_read],
    )
    profile_names = [
        name
        for name, _ in PROFILE_COLUMNS
        if needed(name)
        or any(needed(label) for label, source in EDITION_LABELS.items() if source == name)
    ]
    frame = facts
    if profile_names:
        profiles = LearnerAreaProfile.objects.all()
        if learner_ids is not None:
            profiles = profiles.filter(learner_id__in=list(learner_ids))
        area = query_frame(
            profiles.annotate(
                learner_key=Cast("learner_id", output_field=TextField()),
                target_ward_number=Cast("uni_connect_target_ward", output_field=IntegerField()),
            ).values_list(
                "learner_key",
                *(
                    "target_ward_number" if name == "uni_connect_target_ward" else name
                    for name in profile_names
                ),
            ),
            ["learner_id", *profile_names],
        )
        frame = facts.join(area, on="learner_id", how="left")
    if with_birth and frame.schema["date_of_birth"] == pl.Utf8:
        frame = frame.with_columns(pl.col("date_of_birth").str.slice(0, 10).str.to_date())
    frame = frame.with_columns(
        pl.col(name).cast(pl.Boolean)
        for name in (*BOOLEAN_FACTS, "uni_connect_target_ward")
        if name in frame.columns
    ).with_columns(
        pl.col(name).cast(pl.Int64)
        for name in profile_names
        if name.endswith(("_decile", "_quintile", "_edition_id"))
    )
    derived: dict[str, pl.Expr] = {}
    if with_birth:
        start_year = AcademicYear.current().start_year
        cohort = pl.col("date_of_birth").dt.year() - (pl.col("date_of_birth").dt.month() < 9).cast(
            pl.Int32
        )
        derived["year_group"] = (pl.lit(start_year) - cohort - 5).cast(pl.Int64)
    labelled = {
        label: source for label, source in EDITION_LABELS.items() if source in frame.columns
    }
    if labelled:
        editions = {
            edition.pk: str(edition.edition)
            for edition in DatasetEdition.objects.filter(
                pk__in=pl.concat([frame[source] for source in labelled.values()])
                .drop_nulls()
                .unique()
                .to_list()
            )
        }
        for label, source in labelled.items():
            derived[label] = pl.col(source).replace_strict(
                editions, default=None, return_dtype=pl.Utf8
            )
    if needed("state_funded"):
        schools = _state_funded_schools(frame["school_id"].drop_nulls().unique().to_list())
        derived["state_funded"] = pl.col("school_id").replace_strict(
            schools, default=None, return_dtype=pl.Boolean
        )
    return frame.with_columns(**derived)


def _state_funded_schools(school_ids: list[str]) -> dict[str, bool | None]:
    """Whether each school is state-funded, from the latest GIAS edition that lists its URN."""
    urns = dict(Organisation.objects.filter(pk__in=school_ids).values_list("urn", "pk"))
    funded: dict[str, bool | None] = {}
    for establishment in Establishment.objects.filter(urn__in=[u for u in urns if u]).order_by(
        "edition__loaded_at"
    ):
        funded[db_key(urns[establishment.urn])] = establishment.state_funded
    return funded


def db_key(key: uuid.UUID) -> str:
    """A key as the learners' query reads it: the database's own text of the UUID."""
    return str(key) if connection.vendor == "postgresql" else key.hex
