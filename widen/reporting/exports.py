"""The monitoring export: one row per learner per activity attended, for the partnership's returns
(documented column by column in docs/howto/monitoring-export.md).

Only learners the person may see. Each learner is named only when the person may see that
learner's identity; otherwise the row carries the learner's pseudonym alone (the same HMAC
pseudonym evaluators see). A target flag worked out from special category data is given only to
those who may see that learner's special category data. Every learner exported is written to the
access log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from widen.audit.services import LearnerView
from widen.core.academic_years import AcademicYear
from widen.learners.permissions import learner_policy
from widen.learners.selectors import learner_pseudonym
from widen.organisations.models import DataCategory, Partnership
from widen.reference.models import DatasetEdition
from widen.reporting.models import LearnerActivityEngagement
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet, RuleSetVersion

IDENTITY_COLUMNS = ["first_name", "last_name", "date_of_birth", "upn"]
NOT_SHOWN = "not shown"
BATCH = 2_000

AREA_COLUMNS = [
    ("imd_decile", "imd_decile", "deprivation_edition_id"),
    ("idaci_decile", "idaci_decile", "idaci_edition_id"),
    ("polar4_quintile", "polar4_quintile", "participation_edition_id"),
    ("tundra_msoa_quintile", "tundra_msoa_quintile", "participation_edition_id"),
    ("uni_connect_target_ward", "uni_connect_target_ward", "ward_edition_id"),
]


@dataclass
class MonitoringExport:
    header: list[str]
    rows: list[list[Any]]
    views: dict[Any, LearnerView] = field(default_factory=dict)


def _edition_name(edition: DatasetEdition | None) -> str:
    return "" if edition is None else str(edition)


def _flag(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def monitoring_export(*, actor: Any, partnership: Partnership) -> MonitoringExport:
    """The export's header and rows, and for the access log what was seen of each learner."""
    scopes = learner_policy.scopes(actor)
    names_anyone = any(DataCategory.IDENTITY in scope.categories for scope in scopes)
    visible = learner_policy.visible_to(actor)
    rule_sets = list(RuleSet.objects.filter(partnership=partnership).order_by("name"))
    editions = {edition.pk: edition for edition in DatasetEdition.objects.all()}
    versions = {
        version.pk: version
        for version in RuleSetVersion.objects.filter(rule_set__in=rule_sets).only(
            "pk", "number", "uses_special_category"
        )
    }
    header = [
        "learner_pseudonym",
        *(IDENTITY_COLUMNS if names_anyone else []),
        "learner_held_by",
        "school",
        "school_urn",
        "year_group",
        "activity",
        "activity_type",
        "activity_sub_type",
        "delivering_partner",
        "contact_hours",
        "sessions_attended",
        "first_attended",
        "last_attended",
        *(column for name, _, _ in AREA_COLUMNS for column in (name, f"{name}_edition")),
        *(
            column
            for rule_set in rule_sets
            for column in (f"target: {rule_set.name}", f"target: {rule_set.name} (version)")
        ),
    ]
    export = MonitoringExport(header=header, rows=[])
    year = AcademicYear.current()
    engagement = (
        LearnerActivityEngagement.objects.filter(
            partnership=partnership, learner__in=visible.values("pk")
        )
        .select_related(
            "learner__organisation",
            "learner__school",
            "activity__sub_type",
            "activity_type",
            "delivered_by",
        )
        .order_by("learner_id", "activity__name", "activity_id")
    )
    for chunk in _chunks(engagement):
        learner_ids = list({row.learner_id for row in chunk})
        profiles = {
            profile.learner_id: profile
            for profile in LearnerAreaProfile.objects.filter(learner_id__in=learner_ids)
        }
        results: dict[tuple[Any, Any], LearnerEligibility] = {
            (result.rule_set_id, result.learner_id): result
            for result in LearnerEligibility.objects.filter(
                rule_set__in=rule_sets, learner_id__in=learner_ids
            ).only("rule_set_id", "learner_id", "version_id", "eligible")
        }
        for row in chunk:
            learner = row.learner
            access = learner_policy.access_from_scopes(scopes, learner)
            if access is None:  # pragma: no cover - the query keeps only learners they see
                continue
            named = not access.pseudonymised
            categories = {DataCategory.CHARACTERISTICS} | (
                {DataCategory.IDENTITY} if named else set()
            )
            identity = (
                [
                    learner.first_name,
                    learner.last_name,
                    learner.date_of_birth.isoformat(),
                    learner.upn,
                ]
                if named
                else [NOT_SHOWN] * len(IDENTITY_COLUMNS)
            )
            profile = profiles.get(learner.pk)
            area: list[Any] = []
            for _, attribute, edition_attribute in AREA_COLUMNS:
                if profile is None:
                    area += ["", ""]
                    continue
                area += [
                    _flag(getattr(profile, attribute)),
                    _edition_name(editions.get(getattr(profile, edition_attribute))),
                ]
            targets: list[Any] = []
            for rule_set in rule_sets:
                result = results.get((rule_set.pk, learner.pk))
                version = versions.get(result.version_id) if result else None
                if result is None or version is None:
                    targets += ["not worked out", ""]
                elif version.uses_special_category and not access.sees_special_category:
                    targets += [NOT_SHOWN, version.number]
                else:
                    if version.uses_special_category:
                        categories.add(DataCategory.SPECIAL_CATEGORY)
                    targets += [_flag(result.eligible), version.number]
            export.rows.append(
                [
                    learner_pseudonym(learner.pk),
                    *(identity if names_anyone else []),
                    learner.organisation.name,
                    learner.school.name if learner.school else "",
                    learner.school.urn if learner.school else "",
                    learner.year_group_label(year),
                    row.activity.name,
                    row.activity_type.name,
                    row.activity.sub_type.name,
                    row.delivered_by.name,
                    f"{row.hours.normalize():f}",
                    row.sessions,
                    row.first_attended.isoformat(),
                    row.last_attended.isoformat(),
                    *area,
                    *targets,
                ]
            )
            seen = export.views.get(learner.pk)
            export.views[learner.pk] = LearnerView(
                learner_id=learner.pk,
                data_categories=sorted(categories | set(seen.data_categories if seen else ())),
                actor_organisation_id=access.actor_organisation_id,
                data_sharing_agreement_id=access.data_sharing_agreement_id,
            )
    return export


def _chunks(rows: Any) -> Iterator[list[LearnerActivityEngagement]]:
    chunk: list[LearnerActivityEngagement] = []
    for row in rows.iterator(chunk_size=BATCH):
        chunk.append(row)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
