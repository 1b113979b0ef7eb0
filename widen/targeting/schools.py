"""School targeting: which schools and colleges hold the learners a rule set is for, and which
likely target schools nearby the partnership does not reach yet.

Counts only (never a learner), for the partnerships the person belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from widen.accounts.capabilities import is_system, require_actor
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Organisation, OrganisationType, Partnership
from widen.reference.models import Dataset, Establishment
from widen.reference.services import current_edition
from widen.targeting.models import LearnerEligibility, RuleSet

# GIAS phases that teach some of Years 9 to 13.
TARGET_PHASES = ("Secondary", "All-through", "16 plus")
SORTS = {
    "share": "Share eligible",
    "eligible": "Eligible learners",
    "fsm": "% FSM (GIAS)",
    "name": "Name",
}


@dataclass
class SchoolRow:
    name: str
    urn: str
    local_authority: str
    phase: str
    learners: int
    eligible: int
    percentage_fsm: Decimal | None
    pupils: int | None
    reached: bool
    organisation_id: Any = None  # None: a school GIAS lists that is not in Widen
    easting: int | None = None  # GIAS grid reference, British National Grid (metres)
    northing: int | None = None

    @property
    def share(self) -> float | None:
        return self.eligible / self.learners if self.learners else None

    @property
    def share_text(self) -> str:
        return f"{self.share:.0%}" if self.share is not None else "–"


def percentage_fsm_by_urn(
    schools: Iterable[tuple[str, Decimal | None]],
) -> dict[str, Decimal | None]:
    """Each school's % FSM by URN: the current GIAS edition's school census figure, else the one
    recorded on the school itself (also from GIAS), else None. `schools`: (URN, recorded %)."""
    recorded = {urn: fsm for urn, fsm in schools if urn}
    gias = current_edition(Dataset.GIAS)
    published: dict[str, Decimal | None] = {}
    if gias is not None and recorded:
        published = dict(
            Establishment.objects.filter(edition=gias, urn__in=sorted(recorded)).values_list(
                "urn", "percentage_fsm"
            )
        )
    return {
        urn: published[urn] if published.get(urn) is not None else fsm
        for urn, fsm in recorded.items()
    }


def school_targeting(
    partnership: Partnership,
    rule_set: RuleSet | None,
    *,
    sort: str = "share",
    actor: Any,
) -> list[SchoolRow]:
    """Every school with the partnership's learners, then the target schools it does not reach.

    A school's learners and eligible learners count only the learners `actor` may see, with
    their special category data when the rule set reads it: a count never tells a person about
    learners they may not see (whether a school is reached counts every learner the partnership
    holds; the system counts everyone)."""
    require_actor(actor)
    members = partnership.members.all()
    held = Learner.objects.filter(organisation__in=members)
    reached_schools = set(held.exclude(school=None).values_list("school_id", flat=True).distinct())
    # Counting learners towards targeting processes them: restricted and anonymised ones are not.
    counted = held.processable()
    if not is_system(actor):
        special = rule_set is not None and (
            rule_set.versions.filter(uses_special_category=True).exists()
        )
        counted = counted.filter(
            learner_policy.visible_query(
                actor, needing=DataCategory.SPECIAL_CATEGORY if special else None
            )
        )
    learners = dict(
        counted.exclude(school=None)
        .values("school_id")
        .annotate(count=Count("pk"))
        .values_list("school_id", "count")
    )
    schools = Organisation.objects.filter(organisation_type=OrganisationType.SCHOOL).filter(
        Q(pk__in=members) | Q(pk__in=list(reached_schools))
    )
    eligible: dict[Any, int] = {}
    if rule_set is not None:
        eligible = dict(
            LearnerEligibility.objects.filter(
                rule_set=rule_set, eligible=True, learner__in=counted.values("pk")
            )
            .values_list("learner__school_id")
            .annotate(count=Count("learner"))
            .values_list("learner__school_id", "count")
        )
    gias = current_edition(Dataset.GIAS)
    establishments: dict[str, Establishment] = {}
    if gias is not None:
        establishments = {
            establishment.urn: establishment
            for establishment in Establishment.objects.filter(edition=gias)
        }
    rows = []
    reached_urns = set()
    for school in schools:
        record = establishments.get(school.urn)
        reached_urns.add(school.urn)
        rows.append(
            SchoolRow(
                name=school.name,
                urn=school.urn,
                local_authority=school.local_authority
                or (record.local_authority if record else ""),
                phase=school.phase or (record.phase if record else ""),
                learners=learners.get(school.pk, 0),
                eligible=eligible.get(school.pk, 0),
                percentage_fsm=(
                    record.percentage_fsm
                    if record and record.percentage_fsm is not None
                    else school.percentage_fsm
                ),
                pupils=record.number_of_pupils if record else None,
                reached=school.pk in reached_schools,
                organisation_id=school.pk,
                easting=record.easting if record else None,
                northing=record.northing if record else None,
            )
        )
    authorities = {row.local_authority for row in rows if row.local_authority}
    for establishment in establishments.values():
        if (
            establishment.urn in reached_urns
            or establishment.local_authority not in authorities
            or establishment.phase not in TARGET_PHASES
            or establishment.state_funded is False
            or establishment.status not in ("", "Open")
        ):
            continue
        rows.append(
            SchoolRow(
                name=establishment.name,
                urn=establishment.urn,
                local_authority=establishment.local_authority,
                phase=establishment.phase,
                learners=0,
                eligible=0,
                percentage_fsm=establishment.percentage_fsm,
                pupils=establishment.number_of_pupils,
                reached=False,
                easting=establishment.easting,
                northing=establishment.northing,
            )
        )
    return _sorted(rows, sort)


def _sorted(rows: list[SchoolRow], sort: str) -> list[SchoolRow]:
    def fsm(row: SchoolRow) -> float:
        return -float(row.percentage_fsm) if row.percentage_fsm is not None else 1.0

    keys = {
        "share": lambda row: (-(row.share or -1), fsm(row), row.name),
        "eligible": lambda row: (-row.eligible, fsm(row), row.name),
        "fsm": lambda row: (fsm(row), row.name),
        "name": lambda row: (row.name.casefold(),),
    }
    return sorted(rows, key=keys.get(sort, keys["share"]))


def school_targeting_table(rows: list[SchoolRow], rule_set: RuleSet | None) -> list[list[Any]]:
    """The table as rows of cells, with a header, for the CSV download."""
    header = [
        "School or college",
        "URN",
        "Local authority",
        "Phase",
        "Learners",
        f"Eligible ({rule_set})" if rule_set else "Eligible",
        "Share eligible",
        "% FSM (GIAS)",
        "Pupils (GIAS)",
        "Reached",
    ]
    return [
        header,
        *(
            [
                row.name,
                row.urn,
                row.local_authority,
                row.phase,
                row.learners,
                row.eligible,
                row.share_text,
                "" if row.percentage_fsm is None else str(row.percentage_fsm),
                "" if row.pupils is None else row.pupils,
                "yes" if row.reached else "no",
            ]
            for row in rows
        ),
    ]
