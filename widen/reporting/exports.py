"""The monitoring export: one row per learner per activity attended, for the partnership's returns
(documented column by column in docs/howto/monitoring-export.md).

Only learners the person may see. Each learner is named only when the person may see that
learner's identity; otherwise the row carries the learner's pseudonym alone (the same HMAC
pseudonym evaluators see), and for someone who sees no learner's identity the identity columns
are left out of the file (`widen.core.downloads`). A target flag worked out from special
category data is given only to those who may see that learner's special category data. Every
learner exported is written to the access log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from widen.activities.models import Activity
from widen.audit.services import LearnerView
from widen.core.academic_years import AcademicYear
from widen.core.downloads import Column
from widen.learners.models import Learner, processable_condition
from widen.learners.permissions import learner_policy
from widen.learners.selectors import learner_pseudonym
from widen.organisations.models import DataCategory, Organisation, Partnership
from widen.programmes.models import ActivityType
from widen.reference.models import DatasetEdition
from widen.reporting.models import LearnerActivityEngagement
from widen.reporting.permissions import EXPORT_MONITORING, reporting_policy
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet, RuleSetVersion

IDENTITY_COLUMNS = ["first_name", "last_name", "date_of_birth", "upn"]
NOT_SHOWN = "not shown"
NOT_MONITORED = "not monitored"
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
    """The export's columns (the identity columns marked, so a download leaves them out for
    someone who sees no learner's identity), its rows, and what each learner's rows showed."""

    columns: list[Column]
    rows: list[list[Any]]
    views: dict[Any, LearnerView] = field(default_factory=dict)
    identities: bool = False

    @property
    def header(self) -> list[str]:
        """The headings the file holds."""
        return [column.heading for column in self.columns if self.identities or not column.identity]


def _edition_name(edition: DatasetEdition | None) -> str:
    return "" if edition is None else str(edition)


def _flag(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def monitoring_export(*, actor: Any, partnership: Partnership) -> MonitoringExport:
    """The export's header and rows, and for the access log what was seen of each learner
    (`NotFound` for a partnership whose figures `actor` does not see)."""
    reporting_policy.require(actor, EXPORT_MONITORING, partnership)
    scopes = learner_policy.scopes(actor)
    names_anyone = any(DataCategory.IDENTITY in scope.categories for scope in scopes)
    # An export of individuals: a restricted or anonymised learner is left out of it.
    visible = learner_policy.visible_to(actor).filter(processable_condition())
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
        *IDENTITY_COLUMNS,
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
    export = MonitoringExport(
        columns=[Column(name, identity=name in IDENTITY_COLUMNS) for name in header],
        rows=[],
        identities=names_anyone,
    )
    year = AcademicYear.current()
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    urns = dict(Organisation.objects.exclude(urn="").values_list("pk", "urn"))
    activities = {
        pk: (name, sub_type)
        for pk, name, sub_type in Activity.objects.filter(partnership=partnership).values_list(
            "pk", "name", "sub_type__name"
        )
    }
    types = dict(ActivityType.objects.values_list("pk", "name"))
    engagement = (
        LearnerActivityEngagement.objects.filter(
            partnership=partnership, learner__in=visible.values("pk")
        )
        .order_by("learner_id", "activity_id")
        .values_list(
            "learner_id",
            "activity_id",
            "activity_type_id",
            "delivered_by_id",
            "hours",
            "sessions",
            "first_attended",
            "last_attended",
            "learner__organisation_id",
            "learner__school_id",
            "learner__first_name",
            "learner__last_name",
            "learner__date_of_birth",
            "learner__upn",
            "learner__objects_to_equality_monitoring",
        )
    )
    for chunk in _chunks(engagement):
        learner_ids = list(dict.fromkeys(row[0] for row in chunk))
        profiles = {
            profile.learner_id: profile
            for profile in LearnerAreaProfile.objects.filter(learner_id__in=learner_ids)
        }
        results = {
            (rule_set_id, learner_id): (eligible, version_id)
            for rule_set_id, learner_id, eligible, version_id in LearnerEligibility.objects.filter(
                rule_set__in=rule_sets, learner_id__in=learner_ids
            ).values_list("rule_set_id", "learner_id", "eligible", "version_id")
        }
        learner_cells: dict[Any, tuple[list[Any], list[Any]]] = {}
        for row in chunk:
            (
                learner_id,
                activity_id,
                type_id,
                partner_id,
                hours,
                sessions,
                first,
                last,
                holder_id,
                school_id,
                first_name,
                last_name,
                born,
                upn,
                objects,
            ) = row
            cells = learner_cells.get(learner_id)
            if cells is None:
                learner = Learner(
                    id=learner_id,
                    organisation_id=holder_id,
                    school_id=school_id,
                    date_of_birth=born,
                )
                access = learner_policy.access_from_scopes(scopes, learner)
                if access is None:  # pragma: no cover - the query keeps only learners they see
                    continue
                cells = _learner_cells(
                    learner,
                    access,
                    identity=[first_name, last_name, born.isoformat(), upn],
                    held_by=organisations.get(holder_id, ""),
                    school=(organisations.get(school_id, ""), urns.get(school_id, "")),
                    year_group=learner.year_group_label(year),
                    profile=profiles.get(learner_id),
                    editions=editions,
                    targets=[
                        (results.get((rule_set.pk, learner_id)), rule_set) for rule_set in rule_sets
                    ],
                    versions=versions,
                    export=export,
                    monitored=not objects,
                )
                learner_cells[learner_id] = cells
            before, after = cells
            activity_name, sub_type = activities.get(activity_id, ("", ""))
            export.rows.append(
                [
                    *before,
                    activity_name,
                    types.get(type_id, ""),
                    sub_type,
                    organisations.get(partner_id, ""),
                    f"{hours.normalize():f}",
                    sessions,
                    first.isoformat(),
                    last.isoformat(),
                    *after,
                ]
            )
    return export


def _learner_cells(
    learner: Learner,
    access: Any,
    *,
    identity: list[Any],
    held_by: str,
    school: tuple[str, str],
    year_group: str,
    profile: LearnerAreaProfile | None,
    editions: dict[Any, DatasetEdition],
    targets: list[tuple[tuple[bool, Any] | None, RuleSet]],
    versions: dict[Any, RuleSetVersion],
    export: MonitoringExport,
    monitored: bool = True,
) -> tuple[list[Any], list[Any]]:
    """The cells of a learner's rows before and after the activity's, worked out once per
    learner, and what the access log records of them."""
    named = not access.pseudonymised
    categories = {DataCategory.CHARACTERISTICS} | ({DataCategory.IDENTITY} if named else set())
    before = [
        learner_pseudonym(learner.pk),
        *(identity if named else [NOT_SHOWN] * len(IDENTITY_COLUMNS)),
        held_by,
        *school,
        year_group,
    ]
    after: list[Any] = []
    for _, attribute, edition_attribute in AREA_COLUMNS:
        if profile is None:
            after += ["", ""]
            continue
        after += [
            _flag(getattr(profile, attribute)),
            _edition_name(editions.get(getattr(profile, edition_attribute))),
        ]
    for result, _rule_set in targets:
        version = versions.get(result[1]) if result else None
        if not monitored:
            # The learner objected to equality monitoring: the target groups are not said.
            after += [NOT_MONITORED, ""]
        elif result is None or version is None:
            after += ["not worked out", ""]
        elif version.uses_special_category and not access.sees_special_category:
            after += [NOT_SHOWN, version.number]
        else:
            if version.uses_special_category:
                categories.add(DataCategory.SPECIAL_CATEGORY)
            after += [_flag(result[0]), version.number]
    export.views[learner.pk] = LearnerView(
        learner_id=learner.pk,
        data_categories=sorted(categories),
        actor_organisation_id=access.actor_organisation_id,
        data_sharing_agreement_id=access.data_sharing_agreement_id,
    )
    return before, after


def _chunks(rows: Any) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in chunks of about BATCH, never splitting one learner's rows between two."""
    chunk: list[tuple[Any, ...]] = []
    for row in rows.iterator(chunk_size=BATCH):
        if len(chunk) >= BATCH and row[0] != chunk[-1][0]:
            yield chunk
            chunk = []
        chunk.append(row)
    if chunk:
        yield chunk
