"""Support schemes: setting one up, its eligibility rules (each change a new version), and working
out who is eligible. Every write goes through here, for someone the scheme policy allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import IntegerField, Max, TextField
from django.db.models.functions import Cast

from widen.accounts.capabilities import is_person, require_actor
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.bulk import staged_rows
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.unique_names import unique_name
from widen.organisations.models import Organisation
from widen.support.criteria import STUDENT_CRITERIA
from widen.support.frames import PROFILE_COLUMNS, area_profiles_refresh, student_frame
from widen.support.models import Scheme, SchemeRuleVersion, StudentEligibility
from widen.support.permissions import MANAGE, may_manage_schemes, scheme_policy
from widen.targeting.criteria import describe_definition, evaluate, parse_definition
from widen.targeting.criteria import uses_special_category as reads_special_category
from widen.targeting.rule_sets.frames import EDITION_LABELS, columns_needed, query_frame
from widen.targeting.rule_sets.lawful import DECIDING_CONDITIONS

DELETE_BATCH = 5_000
SPECIAL_CATEGORY_REFUSAL = (
    "Care experience and disability can decide who a scheme is for only when the scheme states "
    "its purpose and a condition for special category data that allows decisions about "
    "individual students (explicit consent, statutory purposes or safeguarding). An "
    "equality-of-opportunity (para 8) or research condition cannot feed decisions about "
    "individuals."
)


def uses_special_category(definition: Any) -> bool:
    return reads_special_category(definition, criteria=STUDENT_CRITERIA)


def check_scheme_lawful(definition: Any, *, purpose: str, condition: str) -> bool:
    """Whether the definition uses special category data; refuses it where that is not lawful
    (the scheme is the provider's own processing of its students' data: no agreement is
    needed, but a stated purpose and an Article 9 condition that may decide are)."""
    special = uses_special_category(definition)
    if special and (not purpose.strip() or condition not in DECIDING_CONDITIONS):
        raise ApplicationError(SPECIAL_CATEGORY_REFUSAL, field="definition")
    return special


def require_manager(actor: Any, scheme: Scheme) -> Scheme:
    """The scheme as saved, if `actor` manages it; otherwise `NotFound`."""
    return scheme_policy.get(actor, scheme.pk, action=MANAGE)


def _version_create(scheme: Scheme, definition: Mapping[str, Any], actor: Any) -> SchemeRuleVersion:
    special = check_scheme_lawful(
        definition, purpose=scheme.purpose, condition=scheme.special_category_condition
    )
    number = (scheme.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return SchemeRuleVersion.objects.create(
        scheme=scheme,
        number=number,
        definition=dict(definition),
        description=describe_definition(definition, criteria=STUDENT_CRITERIA),
        uses_special_category=special,
        created_by=actor if is_person(actor) else None,
    )


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    definition: Mapping[str, Any],
    purpose: str = "",
    special_category_condition: str = "",
    period_starts: date | None = None,
    period_ends: date | None = None,
    is_active: bool = True,
) -> Scheme:
    """A new scheme of the provider's, with its first eligibility rules (version 1); an inactive
    one invites nobody and no student may ask to join it until it is made active."""
    require_actor(actor)
    if not may_manage_schemes(actor, organisation):
        raise NotFound
    if period_starts and period_ends and period_ends < period_starts:
        raise ApplicationError(
            "Membership must end on or after the day it starts.", field="period_ends"
        )
    scheme = Scheme.objects.create(
        organisation=organisation,
        name=unique_name(name, Scheme.objects.filter(organisation=organisation), "scheme", 120),
        purpose=purpose,
        special_category_condition=special_category_condition,
        period_starts=period_starts,
        period_ends=period_ends,
        is_active=is_active,
    )
    _version_create(scheme, definition, actor)
    return scheme


@transaction.atomic
def scheme_rule_set(
    *,
    actor: Any,
    scheme: Scheme,
    definition: Mapping[str, Any],
    purpose: str | None = None,
    special_category_condition: str | None = None,
) -> SchemeRuleVersion:
    """Save new eligibility rules as the scheme's next version (earlier versions stay, and so do
    the results worked out with them until the scheme is worked out again)."""
    require_actor(actor)
    scheme = Scheme.objects.select_for_update().get(pk=require_manager(actor, scheme).pk)
    changed: list[str] = []
    if purpose is not None and purpose != scheme.purpose:
        scheme.purpose, changed = purpose, [*changed, "purpose"]
    if (
        special_category_condition is not None
        and special_category_condition != scheme.special_category_condition
    ):
        scheme.special_category_condition = special_category_condition
        changed.append("special_category_condition")
    version = _version_create(scheme, definition, actor)
    if changed:
        scheme.save(update_fields=[*changed, "updated_at"])
    return version


@dataclass
class SchemeRun:
    scheme: Scheme
    version: SchemeRuleVersion
    students: int = 0
    eligible: int = 0
    written: int = 0  # results stored anew (the rest were as stored)
    removed: int = 0  # results of students no longer the provider's (or anonymised)
    areas: int = 0  # home areas worked out again

    def summary(self) -> str:
        return (
            f"{self.scheme} (version {self.version.number}): {self.eligible:,} of "
            f"{self.students:,} students eligible"
        )


def reads_areas(columns: set[str]) -> bool:
    return bool(columns & {*PROFILE_COLUMNS, *EDITION_LABELS})


def scheme_results(definition: Any, students: pl.DataFrame) -> pl.DataFrame:
    """`eligible` and `explanation` for every student of the frame under `definition`."""
    groups = parse_definition(definition, criteria=STUDENT_CRITERIA)
    return (
        evaluate(students.lazy(), groups).select("student_id", "eligible", "explanation").collect()
    )


def scheme_eligibility_compute(scheme: Scheme, *, actor: Any) -> SchemeRun:
    """Work out the scheme's current version for every current student of its provider, in one
    Polars pass, and store only what changed (a second run with nothing new writes nothing)."""
    require_actor(actor)
    scheme = require_manager(actor, scheme)
    version = scheme.current_version
    if version is None:
        raise ApplicationError(f"{scheme} has no eligibility rules to work out.")
    check_scheme_lawful(
        version.definition, purpose=scheme.purpose, condition=scheme.special_category_condition
    )
    columns = columns_needed(version.definition, criteria=STUDENT_CRITERIA)
    run = SchemeRun(scheme=scheme, version=version)
    if reads_areas(columns):
        run.areas = area_profiles_refresh(scheme.organisation_id)
    students = student_frame(scheme.organisation_id, columns=columns)
    results = scheme_results(version.definition, students).with_columns(
        version_id=pl.lit(version.pk, dtype=pl.Int64)
    )
    stored = _stored_results(scheme)
    compared = ["student_id", "eligible", "explanation", "version_id"]
    changed = results.select(compared).join(stored, on=compared, how="anti")
    gone = stored.join(results, on="student_id", how="anti")
    written = changed.select("student_id", "eligible", "explanation").sort("student_id")
    # Every student written is cleared first, not only those read as stored: a manager working
    # the scheme out at the same moment may have stored them since (nothing stored: one sweep).
    keys = pl.concat([written["student_id"], gone["student_id"]]).to_list()
    constants = {"scheme_id": scheme.pk, "version_id": version.pk}
    with (
        staged_rows(StudentEligibility, written, constants=constants) as rows,
        transaction.atomic(),
    ):
        # One working-out of a scheme at a time (PostgreSQL; SQLite writes one at a time anyway).
        list(Scheme.objects.select_for_update().filter(pk=scheme.pk).values_list("pk"))
        if stored.is_empty():
            cleared = StudentEligibility.objects.filter(scheme=scheme)
            cleared._raw_delete(cleared.db)
            keys = []
        for start in range(0, len(keys), DELETE_BATCH):
            stale = StudentEligibility.objects.filter(
                scheme=scheme, student_id__in=keys[start : start + DELETE_BATCH]
            )
            stale._raw_delete(stale.db)
        rows.insert()
        if written.height or gone.height:
            audit_event_record(
                action=AuditAction.UPDATE,
                object_type="support.scheme",
                object_id=scheme.pk,
                learner_id=None,
                organisation_id=scheme.organisation_id,
                changed_fields=["eligibility"],
            )
    run.students = results.height
    run.eligible = int(results["eligible"].sum())
    run.written = written.height
    run.removed = gone.height
    return run


def _stored_results(scheme: Scheme) -> pl.DataFrame:
    frame = query_frame(
        StudentEligibility.objects.filter(scheme=scheme)
        .annotate(
            student_key=Cast("student_id", output_field=TextField()),
            eligible_number=Cast("eligible", output_field=IntegerField()),
        )
        .values_list("student_key", "eligible_number", "explanation", "version_id"),
        ["student_id", "eligible", "explanation", "version_id"],
    )
    return frame.with_columns(
        pl.col("student_id").cast(pl.Utf8),
        pl.col("eligible").cast(pl.Int64).cast(pl.Boolean),
        pl.col("explanation").cast(pl.Utf8),
        pl.col("version_id").cast(pl.Int64),
    )
