"""Eligibility rule sets: defined by partnership admins, versioned, worked out for every learner.

Working out a rule set is one Polars pass over the partnership's learners (their area profiles,
recorded facts, year groups and schools) and one batch write of the results, never a Python loop
per learner. Before a change is saved, `rule_set_preview` says how many learners each school
would gain or lose.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import IntegerField, Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from widen.accounts.models import ROLE_CAPABILITIES, User
from widen.accounts.selectors import holds_role_in_partnership
from widen.core.academic_years import AcademicYear
from widen.core.bulk import read_frame, staged_rows
from widen.core.exceptions import ApplicationError
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import (
    DataCategory,
    DataSharingAgreement,
    Organisation,
    Partnership,
    SpecialCategoryCondition,
)
from widen.reference.models import DatasetEdition, Establishment
from widen.targeting.criteria import (
    describe_definition,
    evaluate,
    parse_definition,
    uses_special_category,
)
from widen.targeting.hooks import eligibility_changed
from widen.targeting.models import (
    LearnerAreaProfile,
    LearnerEligibility,
    RuleSet,
    RuleSetVersion,
)

MANAGING_ROLES = [role for role, powers in ROLE_CAPABILITIES.items() if powers.manages_partnership]
# Conditions under which special category data may decide something about one learner. Equality
# of opportunity monitoring (DPA 2018 Sch 1 para 8) and research (para 4) may not (SECURITY 30).
DECIDING_CONDITIONS = frozenset(
    {
        SpecialCategoryCondition.EXPLICIT_CONSENT,
        SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY,
        SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_SAFEGUARDING,
    }
)
SPECIAL_CATEGORY_REFUSAL = (
    "Care experience, disability and ethnicity can be used only by a rule set that states its "
    "purpose and works under a data-sharing agreement in force that shares special category data "
    "for decisions about individual learners (explicit consent, statutory purposes or "
    "safeguarding). An equality-of-opportunity (para 8) or research condition cannot feed "
    "decisions about individuals."
)

PRESETS: dict[str, dict[str, Any]] = {
    "uni_connect": {
        "name": "Uni Connect target learner",
        "purpose": "Uni Connect: learners in Years 9 to 13 at state-funded schools who live in "
        "Uni Connect target wards.",
        "definition": {
            "any": [
                {
                    "all": [
                        {"criterion": "uni_connect_target_ward"},
                        {"criterion": "year_group", "values": [9, 10, 11, 12, 13]},
                        {"criterion": "state_funded_school"},
                    ]
                }
            ]
        },
    },
    "progression": {
        "name": "Progression programme: POLAR4 Q1-2, IMD Q1-2, FSM or care experienced",
        "purpose": "Places on the progression programme for learners from areas of low HE "
        "participation or high deprivation, on free school meals, or care experienced.",
        "definition": {
            "any": [
                {"all": [{"criterion": "polar4_quintile", "values": [1, 2]}]},
                {"all": [{"criterion": "imd_quintile", "values": [1, 2]}]},
                {"all": [{"criterion": "free_school_meals"}]},
                {"all": [{"criterion": "care_experienced"}]},
            ]
        },
    },
    "eorr": {
        "name": "OfS EORR risk groups (from recorded data)",
        "purpose": "The Equality of Opportunity Risk Register groups Widen can see in recorded "
        "data: low-participation and deprived areas (TUNDRA Q1, POLAR4 Q1, IMD Q1), free school "
        "meals, care experience, disability, estrangement and caring responsibilities.",
        "definition": {
            "any": [
                {"all": [{"criterion": "tundra_lsoa_quintile", "values": [1]}]},
                {"all": [{"criterion": "polar4_quintile", "values": [1]}]},
                {"all": [{"criterion": "imd_quintile", "values": [1]}]},
                {"all": [{"criterion": "free_school_meals"}]},
                {"all": [{"criterion": "ever_6_free_school_meals"}]},
                {"all": [{"criterion": "care_experienced"}]},
                {"all": [{"criterion": "disability"}]},
                {"all": [{"criterion": "estranged"}]},
                {"all": [{"criterion": "young_carer"}]},
            ]
        },
    },
}


# --- Who may -----------------------------------------------------------------------------------


def may_manage_rule_sets(actor: Any, partnership: Partnership) -> bool:
    return holds_role_in_partnership(actor, partnership, MANAGING_ROLES)


def _check_lawful(
    partnership: Partnership,
    definition: Any,
    purpose: str,
    agreement: DataSharingAgreement | None,
) -> bool:
    """Whether the definition uses special category data; refuses it where that is not lawful."""
    special = uses_special_category(definition)
    if not special:
        return False
    today = timezone.localdate()
    if (
        not purpose.strip()
        or agreement is None
        or agreement.partnership_id != partnership.pk
        or not agreement.shares_special_category
        or agreement.special_category_condition not in DECIDING_CONDITIONS
        or not DataSharingAgreement.objects.in_force(today).filter(pk=agreement.pk).exists()
    ):
        raise ApplicationError(SPECIAL_CATEGORY_REFUSAL, field="definition")
    return True


# --- Writing -----------------------------------------------------------------------------------


@transaction.atomic
def rule_set_create(
    *,
    actor: User | None,
    partnership: Partnership,
    name: str,
    definition: Mapping[str, Any],
    purpose: str = "",
    agreement: DataSharingAgreement | None = None,
    preset: str = "",
) -> RuleSet:
    if actor is not None and not may_manage_rule_sets(actor, partnership):
        raise ApplicationError("Only the partnership's admins may define rule sets.")
    name = " ".join(name.split())[:120]
    if not name:
        raise ApplicationError("Give the rule set a name.", field="name")
    if RuleSet.objects.filter(partnership=partnership, name__iexact=name).exists():
        raise ApplicationError(f"There is already a rule set called '{name}'.", field="name")
    special = _check_lawful(partnership, definition, purpose, agreement)
    rule_set = RuleSet.objects.create(
        partnership=partnership, name=name, purpose=purpose, agreement=agreement, preset=preset
    )
    RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition=dict(definition),
        description=describe_definition(definition),
        uses_special_category=special,
        created_by=actor,
    )
    return rule_set


@transaction.atomic
def rule_set_update(
    *,
    actor: User | None,
    rule_set: RuleSet,
    definition: Mapping[str, Any],
    purpose: str | None = None,
    agreement: DataSharingAgreement | None | str = "unchanged",
) -> RuleSetVersion:
    """Save a new version (earlier versions, and results worked out with them, stay)."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if actor is not None and not may_manage_rule_sets(actor, rule_set.partnership):
        raise ApplicationError("Only the partnership's admins may change rule sets.")
    if purpose is not None:
        rule_set.purpose = purpose
    if not isinstance(agreement, str):
        rule_set.agreement = agreement
    special = _check_lawful(rule_set.partnership, definition, rule_set.purpose, rule_set.agreement)
    rule_set.save()
    number = (rule_set.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=number,
        definition=dict(definition),
        description=describe_definition(definition),
        uses_special_category=special,
        created_by=actor,
    )


def rule_set_presets_add(
    *, actor: User | None, partnership: Partnership, agreement: DataSharingAgreement | None = None
) -> tuple[list[RuleSet], list[str]]:
    """Add the shipped presets the partnership does not have yet; say why any was left out."""
    added, left_out = [], []
    for key, preset in PRESETS.items():
        if RuleSet.objects.filter(partnership=partnership, preset=key).exists():
            continue
        try:
            added.append(
                rule_set_create(
                    actor=actor,
                    partnership=partnership,
                    name=preset["name"],
                    definition=preset["definition"],
                    purpose=preset["purpose"],
                    agreement=agreement,
                    preset=key,
                )
            )
        except ApplicationError as error:
            left_out.append(f"{preset['name']}: {error.message}")
    return added, left_out


# --- Working out eligibility ---------------------------------------------------------------


@dataclass
class EligibilityRun:
    rule_set: RuleSet
    version: RuleSetVersion
    learners: int = 0
    eligible: int = 0
    written: int = 0  # results stored anew (the rest were as stored)
    removed: int = 0  # results of learners the partnership no longer holds
    by_school: dict[str, tuple[int, int]] = field(default_factory=dict)  # school → (eligible, all)

    def summary(self) -> str:
        return (
            f"{self.rule_set} (version {self.version.number}): {self.eligible:,} of "
            f"{self.learners:,} learners eligible"
        )


DELETE_BATCH = 5_000
BOOLEAN_FACTS = (
    "free_school_meals",
    "ever_6_free_school_meals",
    "young_carer",
    "estranged",
    "first_in_family",
    "care_experienced",
    "disability",
)
FACT_COLUMNS = (*BOOLEAN_FACTS, "ethnicity")
PROFILE_COLUMNS = tuple(
    (name, name)
    for name in (
        "lsoa",
        "imd_decile",
        "imd_quintile",
        "idaci_decile",
        "idaci_quintile",
        "wimd_decile",
        "simd_decile",
        "polar4_quintile",
        "tundra_lsoa_quintile",
        "tundra_msoa_quintile",
        "uni_connect_target_ward",
        "deprivation_edition_id",
        "idaci_edition_id",
        "participation_edition_id",
    )
)


def _read_frame(query: Any, names: list[str]) -> pl.DataFrame:
    """The rows of a values_list query, read in batches straight into Polars."""
    sql, params = query.query.sql_with_params()
    copied = read_frame(sql, params, _empty_learners(names).schema)
    if copied is not None:
        return copied
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(50_000):
            chunks.append(pl.DataFrame(batch, schema=names, orient="row", infer_schema_length=None))
    if not chunks:
        return _empty_learners(names)
    return pl.concat(chunks, how="vertical_relaxed")


def _empty_learners(names: list[str]) -> pl.DataFrame:
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


def columns_needed(*definitions: Any) -> set[str]:
    """The learners' frame columns the definitions' criteria and explanations read."""
    needed: set[str] = set()
    for definition in definitions:
        for group in parse_definition(definition):
            for condition in group:
                criterion = condition.criterion
                needed.add(criterion.column)
                if criterion.edition_column:
                    needed.add(criterion.edition_column)
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
    learners = Learner.objects.filter(organisation__in=members)
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
    facts = _read_frame(
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
        area = _read_frame(
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
        funded[_db_key(urns[establishment.urn])] = establishment.state_funded
    return funded


def eligibility_frame(version: RuleSetVersion, learners: pl.DataFrame) -> pl.DataFrame:
    groups = parse_definition(version.definition)
    return (
        evaluate(learners.lazy(), groups)
        .select("learner_id", "school_id", "eligible", "explanation")
        .collect()
    )


def _db_key(key: uuid.UUID) -> str:
    """A key as the learners' query reads it: the database's own text of the UUID."""
    return str(key) if connection.vendor == "postgresql" else key.hex


def eligibility_compute(
    rule_set: RuleSet, *, learner_ids: Iterable[Any] | None = None
) -> EligibilityRun:
    """Work out the rule set's current version for the partnership's learners, and store it."""
    version = rule_set.current_version
    if version is None:
        raise ApplicationError(f"{rule_set} has no version to work out.")
    if version.uses_special_category:
        _check_lawful(
            rule_set.partnership, version.definition, rule_set.purpose, rule_set.agreement
        )
    chosen = None if learner_ids is None else [str(key) for key in learner_ids]
    learners = partnership_learner_frame(
        rule_set.partnership, chosen, columns=columns_needed(version.definition)
    )
    results = eligibility_frame(version, learners).with_columns(
        version_id=pl.lit(version.pk, dtype=pl.Int64)
    )
    stored = _stored_results(rule_set, chosen)
    # Only what changed is written: a learner whose result, reason and version are as stored is
    # left alone, so working a rule set out again after a small change writes little.
    compared = ["learner_id", "eligible", "explanation", "version_id"]
    changed = results.select(compared).join(stored, on=compared, how="anti")
    gone = stored.join(results, on="learner_id", how="anti")
    replaced = changed.join(stored, on="learner_id", how="semi")
    whole = stored.height > 0 and replaced.height + gone.height > stored.height // 2
    # In key order: the key's index grows at its end instead of all over.
    written = (
        (results if whole else changed)
        .select("learner_id", "eligible", "explanation")
        .sort("learner_id")
    )
    constants = {"rule_set_id": rule_set.pk, "version_id": version.pk}
    with (
        staged_rows(LearnerEligibility, written, constants=constants) as rows,
        transaction.atomic(),
    ):
        if whole:
            stale = LearnerEligibility.objects.filter(rule_set=rule_set)
            if chosen is not None:
                stale = stale.filter(learner_id__in=chosen)
            stale._raw_delete(stale.db)
        else:
            keys = pl.concat([replaced["learner_id"], gone["learner_id"]]).to_list()
            for start in range(0, len(keys), DELETE_BATCH):
                stale = LearnerEligibility.objects.filter(
                    rule_set=rule_set, learner_id__in=keys[start : start + DELETE_BATCH]
                )
                stale._raw_delete(stale.db)
        rows.insert()
        if written.height or gone.height:
            eligibility_changed(rule_set.pk)
    run = EligibilityRun(rule_set=rule_set, version=version)
    run.learners = results.height
    run.eligible = int(results["eligible"].sum())
    run.written = written.height
    run.removed = gone.height
    return run


def _stored_results(rule_set: RuleSet, learner_ids: list[str] | None) -> pl.DataFrame:
    """The rule set's stored results (of these learners), keys as the learners' query reads
    them."""
    results = LearnerEligibility.objects.filter(rule_set=rule_set)
    if learner_ids is not None:
        results = results.filter(learner_id__in=learner_ids)
    frame = _read_frame(
        results.annotate(
            learner_key=Cast("learner_id", output_field=TextField()),
            eligible_number=Cast("eligible", output_field=IntegerField()),
        ).values_list("learner_key", "eligible_number", "explanation", "version_id"),
        ["learner_id", "eligible", "explanation", "version_id"],
    )
    if frame.is_empty():
        return pl.DataFrame(
            schema={
                "learner_id": pl.Utf8,
                "eligible": pl.Boolean,
                "explanation": pl.Utf8,
                "version_id": pl.Int64,
            }
        )
    return frame.with_columns(
        pl.col("learner_id").cast(pl.Utf8),
        pl.col("eligible").cast(pl.Boolean),
        pl.col("explanation").cast(pl.Utf8),
        pl.col("version_id").cast(pl.Int64),
    )


@dataclass
class SchoolChange:
    school: str
    learners: int
    eligible_now: int
    eligible_after: int

    @property
    def gained(self) -> int:
        return max(self.eligible_after - self.eligible_now, 0)

    @property
    def lost(self) -> int:
        return max(self.eligible_now - self.eligible_after, 0)


@dataclass
class Preview:
    description: str
    learners: int
    gain: int
    lose: int
    schools: list[SchoolChange]


def rule_set_preview(
    rule_set: RuleSet, definition: Mapping[str, Any], *, actor: User | None = None
) -> Preview:
    """How many learners, school by school, would gain or lose eligibility if this were saved.

    With `actor`, only the learners `actor` may see count, with their special category data
    when either definition reads it: a count never tells a person about learners they may not
    see."""
    special = uses_special_category(definition)
    if special:
        _check_lawful(rule_set.partnership, definition, rule_set.purpose, rule_set.agreement)
    current = rule_set.current_version
    within = None
    if actor is not None:
        reads_special = special or (current is not None and current.uses_special_category)
        within = learner_policy.visible_query(
            actor, needing=DataCategory.SPECIAL_CATEGORY if reads_special else None
        )
    learners = partnership_learner_frame(
        rule_set.partnership,
        columns=columns_needed(definition, *([current.definition] if current else [])),
        within=within,
    )
    after = evaluate(learners.lazy(), parse_definition(definition)).select(
        "learner_id", "school_id", pl.col("eligible").alias("after")
    )
    if current is not None:
        before = evaluate(learners.lazy(), parse_definition(current.definition)).select(
            "learner_id", pl.col("eligible").alias("before")
        )
    else:
        before = learners.lazy().select("learner_id", pl.lit(False).alias("before"))
    changes = after.join(before, on="learner_id").collect()
    gain = int((changes["after"] & ~changes["before"]).sum())
    lose = int((~changes["after"] & changes["before"]).sum())
    by_school = (
        changes.group_by("school_id")
        .agg(
            pl.len().alias("learners"),
            pl.col("before").sum().alias("before"),
            pl.col("after").sum().alias("after"),
            (pl.col("after") & ~pl.col("before")).sum().alias("gained"),
            (~pl.col("after") & pl.col("before")).sum().alias("lost"),
        )
        .filter((pl.col("gained") > 0) | (pl.col("lost") > 0))
    )
    names = dict(
        Organisation.objects.filter(
            pk__in=by_school["school_id"].drop_nulls().to_list()
        ).values_list("pk", "name")
    )
    schools = sorted(
        (
            SchoolChange(
                school=names.get(_uuid_or_none(row["school_id"]), "No school recorded"),
                learners=row["learners"],
                eligible_now=row["before"],
                eligible_after=row["after"],
            )
            for row in by_school.iter_rows(named=True)
        ),
        key=lambda change: (-(change.gained + change.lost), change.school),
    )
    return Preview(
        description=describe_definition(definition),
        learners=changes.height,
        gain=gain,
        lose=lose,
        schools=schools,
    )


def _uuid_or_none(value: Any) -> Any:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
