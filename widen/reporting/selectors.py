"""Every read the dashboard makes: counts only, from the summaries, for a partnership the person
belongs to. A handful of queries whatever the number of learners or attendance records.

Counts of fewer than `SMALL_COUNT` learners (other than none) are shown as "fewer than 5", and
the hours and rates that go with them are not shown, so that no one can pick out a few learners.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from widen.core.academic_years import AcademicYear
from widen.core.small_numbers import SMALL_COUNT as SMALL_COUNT  # the dashboard shows it
from widen.core.small_numbers import SUPPRESSED as SUPPRESSED
from widen.core.small_numbers import complementary_suppression, count_text, suppressed
from widen.organisations.models import Organisation, OrganisationType, Partnership
from widen.programmes.models import ActivityType, Programme
from widen.reference.models import Dataset, Establishment
from widen.reference.services import current_edition
from widen.reporting.models import (
    Dimension,
    ProgrammeCount,
    ReachCount,
    TargetCount,
    TargetDimension,
)
from widen.reporting.permissions import reporting_policy
from widen.reporting.summaries import programme_counts_current, target_counts_current
from widen.targeting.models import RuleSet
from widen.targeting.schools import TARGET_PHASES, percentage_fsm_by_urn

NO_SCHOOL = "No school recorded"


def hours_text(hours: Decimal) -> str:
    text = f"{hours.quantize(Decimal('0.01')).normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


@dataclass(frozen=True)
class ReachRow:
    """One line of a dashboard table: learners engaged, their hours and sessions."""

    label: str
    learners: int
    hours: Decimal = Decimal(0)
    sessions: int = 0
    sort_key: Any = None
    # Withheld so that a small row beside it cannot be worked out by subtraction.
    withheld: bool = False

    @property
    def suppressed(self) -> bool:
        return self.withheld or suppressed(self.learners)

    @property
    def learners_text(self) -> str:
        return "not shown" if self.withheld else count_text(self.learners)

    @property
    def hours_text(self) -> str:
        return "not shown" if self.suppressed else hours_text(self.hours)

    @property
    def sessions_text(self) -> str:
        return "not shown" if self.suppressed else f"{self.sessions:,}"

    def cells(self) -> list[Any]:
        return [self.label, self.learners_text, self.hours_text, self.sessions_text]


REACH_HEADINGS = ["", "Learners engaged", "Contact hours", "Sessions attended"]


def reporting_partnerships(*, actor: Any) -> QuerySet[Partnership]:
    """The partnerships whose figures `actor` sees (the reporting policy's answer), by name."""
    return reporting_policy.visible_to(actor).order_by("name")


@dataclass
class Reach:
    total: ReachRow
    schools: list[ReachRow] = field(default_factory=list)
    year_groups: list[ReachRow] = field(default_factory=list)
    activity_types: list[ReachRow] = field(default_factory=list)
    partners: list[ReachRow] = field(default_factory=list)


def _year_label(cohort: int, year: AcademicYear) -> tuple[str, int]:
    group = year.start_year - cohort - 5
    if group > 13:  # noqa: PLR2004 - Year 13 is the last school year
        return "Left school", 14
    if group < 7:  # noqa: PLR2004 - outreach starts at Year 7
        return "Year 6 or younger", 6
    return f"Year {group}", group


def reach(partnership: Partnership) -> Reach:
    """Learners engaged, hours and sessions: in total and by school, year group, activity type
    and delivering partner (three queries: the counts, the organisations, the activity types)."""
    counts = list(
        ReachCount.objects.filter(partnership=partnership, learners__gt=0).values_list(
            "dimension", "key", "learners", "hours", "sessions"
        )
    )
    organisation_keys = {
        key for dimension, key, *_ in counts if dimension in (Dimension.SCHOOL, Dimension.PARTNER)
    } - {""}
    names: dict[str, str] = {
        str(key): name
        for key, name in Organisation.objects.filter(pk__in=list(organisation_keys)).values_list(
            "pk", "name"
        )
    }
    types = {str(kind.pk): kind for kind in ActivityType.objects.all()}
    year = AcademicYear.current()
    result = Reach(total=ReachRow("All learners engaged", 0))
    years: dict[str, list[Any]] = {}
    for dimension, key, learners, hours, sessions in counts:
        if dimension == Dimension.ALL:
            result.total = ReachRow("All learners engaged", learners, hours, sessions)
        elif dimension == Dimension.SCHOOL:
            label = names.get(key, "A school no longer listed") if key else NO_SCHOOL
            result.schools.append(ReachRow(label, learners, hours, sessions, (-learners, label)))
        elif dimension == Dimension.YEAR:
            label, group = _year_label(int(key), year)
            merged = years.setdefault(label, [group, 0, Decimal(0), 0])
            merged[1] += learners
            merged[2] += hours
            merged[3] += sessions
        elif dimension == Dimension.TYPE:
            kind = types.get(key)
            label = kind.name if kind else "Another activity type"
            position = kind.position if kind else 999
            result.activity_types.append(ReachRow(label, learners, hours, sessions, position))
        elif dimension == Dimension.PARTNER:
            label = names.get(key, "A partner no longer listed")
            result.partners.append(ReachRow(label, learners, hours, sessions, (-learners, label)))
    result.year_groups = [
        ReachRow(label, learners, hours, sessions, group)
        for label, (group, learners, hours, sessions) in years.items()
    ]
    for rows in (result.schools, result.year_groups, result.activity_types, result.partners):
        rows.sort(key=lambda row: row.sort_key)
    result.schools, schools_safe = _protected(result.schools, by_size=True)
    result.year_groups, years_safe = _protected(result.year_groups)
    # Activity types and partners are not protected this way: a learner counts under every type
    # and partner they met, so those rows do not add up to the total.
    if not (schools_safe and years_safe):
        # Every row is hidden and still too few to hide each other: the total would give them away.
        result.total = replace(result.total, withheld=True)
    return result


def _protected(rows: list[ReachRow], *, by_size: bool = False) -> tuple[list[ReachRow], bool]:
    """The rows with complementary suppression (the page, its CSV and its chart all use these),
    and whether that protects them.

    In a table ordered by size, the hidden rows go last in name order, so where a withheld row
    stood does not bound its size.
    """
    withheld, safe = complementary_suppression([row.learners for row in rows])
    marked = [
        replace(row, withheld=True) if index in withheld else row for index, row in enumerate(rows)
    ]
    if not by_size:
        return marked, safe
    shown = [row for row in marked if not row.suppressed]
    hidden = sorted((row for row in marked if row.suppressed), key=lambda row: row.label)
    return shown + hidden, safe


# --- Target learners ---------------------------------------------------------------------------


@dataclass
class Targets:
    rule_set: RuleSet
    by_status: list[ReachRow]
    eligible: int  # learners the rule set is for, engaged or not
    eligible_engaged: int
    cold_spots: list[ColdSpot]
    # Withheld with the "Eligible" row, so a small "Not eligible" row cannot be worked out.
    eligible_engaged_withheld: bool = False

    @property
    def eligible_text(self) -> str:
        return count_text(self.eligible)

    @property
    def eligible_engaged_text(self) -> str:
        return "not shown" if self.eligible_engaged_withheld else count_text(self.eligible_engaged)

    @property
    def coverage_text(self) -> str:
        if (
            self.eligible_engaged_withheld
            or suppressed(self.eligible_engaged)
            or suppressed(self.eligible)
            or not self.eligible
        ):
            return "not shown"
        return f"{self.eligible_engaged / self.eligible:.0%}"


@dataclass(frozen=True)
class ColdSpot:
    name: str
    urn: str
    local_authority: str
    eligible: int  # learners the rule set is for, none of them engaged
    percentage_fsm: Decimal | None = None  # from GIAS, for schools with no learners engaged

    @property
    def reason(self) -> str:
        if self.eligible:
            return "learners the rule set is for, none engaged"
        return "likely target school (GIAS), no learners engaged"

    def cells(self) -> list[Any]:
        return [
            self.name,
            self.urn,
            self.local_authority,
            count_text(self.eligible) if self.eligible else "–",
            "" if self.percentage_fsm is None else str(self.percentage_fsm),
            self.reason,
        ]


TARGET_HEADINGS = ["Target status", "Learners engaged", "Contact hours", "Sessions attended"]
STATUS_LABELS = {
    True: "Eligible",
    False: "Not eligible",
    None: "Not worked out yet or not monitored",
}
COLD_SPOT_HEADINGS = [
    "School or college",
    "URN",
    "Local authority",
    "Learners the rule set is for",
    "% FSM (GIAS)",
    "Why it is a cold spot",
]


def targets(partnership: Partnership, rule_set: RuleSet) -> Targets:
    """Learners engaged by whether `rule_set` is for them, and the target schools not reached:
    schools with learners it is for and none of them engaged, then likely target schools in the
    same local authorities (GIAS: secondary, all-through or 16 plus, state-funded, open) with no
    learners engaged at all. From the kept counts, worked out again first if targeting has
    changed the rule set's results since."""
    target_counts_current(rule_set)
    counts = list(
        TargetCount.objects.filter(rule_set=rule_set).values_list(
            "dimension", "key", "learners", "hours", "sessions"
        )
    )
    reach_rows = list(
        ReachCount.objects.filter(
            partnership=partnership, dimension__in=[Dimension.ALL, Dimension.SCHOOL]
        ).values_list("dimension", "key", "learners", "hours", "sessions")
    )
    total = next((row[2:] for row in reach_rows if row[0] == Dimension.ALL), (0, Decimal(0), 0))
    engaged_schools = {
        key
        for dimension, key, learners, *_ in reach_rows
        if dimension == Dimension.SCHOOL and learners
    }
    status = {
        key: (learners, hours, sessions)
        for dimension, key, learners, hours, sessions in counts
        if dimension == TargetDimension.ENGAGED
    }
    yes = status.get("yes", (0, Decimal(0), 0))
    no = status.get("no", (0, Decimal(0), 0))
    unknown = (total[0] - yes[0] - no[0], total[1] - yes[1] - no[1], total[2] - yes[2] - no[2])
    by_status = [
        ReachRow(STATUS_LABELS[True], *yes),
        ReachRow(STATUS_LABELS[False], *no),
        ReachRow(STATUS_LABELS[None], *unknown),
    ]
    # The three rows add up to the learners engaged, shown on the reach page: a small one beside
    # them would be given away by subtraction.
    by_status, _ = _protected(by_status)
    eligible = {
        key: learners
        for dimension, key, learners, *_ in counts
        if dimension == TargetDimension.ELIGIBLE
    }
    eligible_engaged = {
        key
        for dimension, key, learners, *_ in counts
        if dimension == TargetDimension.ELIGIBLE_ENGAGED and learners
    }
    missed = {
        key: learners for key, learners in eligible.items() if key and key not in eligible_engaged
    }
    schools = {
        str(school["pk"]): school
        for school in Organisation.objects.filter(
            Q(pk__in=[*missed, *engaged_schools - {""}])
            | Q(partnerships=partnership, organisation_type=OrganisationType.SCHOOL)
        )
        .values("pk", "name", "urn", "local_authority", "percentage_fsm")
        .distinct()
    }
    fsm = percentage_fsm_by_urn(
        (schools[key]["urn"], schools[key]["percentage_fsm"]) for key in missed if key in schools
    )
    cold = [
        ColdSpot(
            schools[key]["name"],
            schools[key]["urn"],
            schools[key]["local_authority"],
            learners,
            fsm.get(schools[key]["urn"], schools[key]["percentage_fsm"]),
        )
        for key, learners in missed.items()
        if key in schools
    ]
    cold.sort(key=lambda spot: (-spot.eligible, spot.name))
    gias = current_edition(Dataset.GIAS)
    if gias is not None:
        authorities = {school["local_authority"] for school in schools.values()} - {""}
        known = {schools[key]["urn"] for key in [*missed, *engaged_schools] if key in schools}
        likely = (
            Establishment.objects.filter(
                edition=gias,
                local_authority__in=sorted(authorities),
                phase__in=TARGET_PHASES,
                status__in=["", "Open"],
            )
            .exclude(state_funded=False)
            .exclude(urn__in=sorted(known - {""}))
            .order_by("-percentage_fsm", "name")
            .values_list("name", "urn", "local_authority", "percentage_fsm")
        )
        cold.extend(ColdSpot(name, urn, authority, 0, fsm) for name, urn, authority, fsm in likely)
    return Targets(
        rule_set=rule_set,
        by_status=by_status,
        eligible=sum(eligible.values()),
        eligible_engaged=yes[0],
        cold_spots=cold,
        eligible_engaged_withheld=by_status[0].withheld,
    )


# --- Sustained engagement ----------------------------------------------------------------------


@dataclass(frozen=True)
class SustainedRow:
    label: str
    enrolled: int
    sustained: int
    # Withheld so that a small figure beside it cannot be worked out by subtraction.
    withheld: bool = False

    @property
    def hidden(self) -> bool:
        return self.withheld or suppressed(self.enrolled) or suppressed(self.sustained)

    @property
    def rate_text(self) -> str:
        if self.hidden or not self.enrolled:
            return "not shown" if self.hidden else "–"
        return f"{self.sustained / self.enrolled:.0%}"

    @property
    def rate(self) -> float | None:
        return None if self.hidden or not self.enrolled else self.sustained / self.enrolled

    def cells(self) -> list[Any]:
        if self.withheld:
            return [self.label, "not shown", "not shown", "not shown"]
        return [self.label, count_text(self.enrolled), count_text(self.sustained), self.rate_text]


SUSTAINED_HEADINGS = ["School or college", "Enrolled now", "Sustained", "Rate"]


@dataclass
class Sustained:
    programme: Programme
    total: SustainedRow
    schools: list[SustainedRow]


def sustained(programme: Programme) -> Sustained:
    """How many learners enrolled now meet the programme's sustained-engagement measure (at least
    N hours across at least M activities over at least Y academic years), by school. From the
    kept counts, worked out again first if enrolments have changed since."""
    programme_counts_current(programme)
    counts = list(
        ProgrammeCount.objects.filter(programme=programme)
        .exclude(key=ProgrammeCount.CURRENT)
        .filter(enrolled__gt=0)
        .values_list("key", "enrolled", "sustained")
    )
    names = {
        str(key): name
        for key, name in Organisation.objects.filter(
            pk__in=[key for key, *_ in counts if key]
        ).values_list("pk", "name")
    }
    schools = sorted(
        (
            SustainedRow(
                names.get(key, "A school no longer listed") if key else NO_SCHOOL,
                enrolled,
                meeting,
            )
            for key, enrolled, meeting in counts
        ),
        key=lambda row: (-row.enrolled, row.label),
    )
    total = SustainedRow(
        "All enrolled learners",
        sum(row.enrolled for row in schools),
        sum(row.sustained for row in schools),
    )
    schools, safe = _sustained_protected(schools)
    if not safe:
        total = replace(total, withheld=True)
    return Sustained(programme=programme, total=total, schools=schools)


def _sustained_protected(rows: list[SustainedRow]) -> tuple[list[SustainedRow], bool]:
    """Both columns add up to the total shown: a school whose enrolled or sustained count is
    small is hidden with enough others that neither column gives it away by subtraction (the
    hidden rows last, in name order); whether that protects them."""
    withheld_enrolled, enrolled_safe = complementary_suppression([row.enrolled for row in rows])
    withheld_sustained, sustained_safe = complementary_suppression([row.sustained for row in rows])
    small = {index for index, row in enumerate(rows) if row.hidden}
    hidden = small | withheld_enrolled | withheld_sustained
    if hidden and hidden == small:
        # Hidden only for a small rate's sake, not summed away: withhold the next smallest too.
        others = sorted(
            (row.enrolled, index) for index, row in enumerate(rows) if index not in hidden
        )
        hidden |= {index for _, index in others[:1]}
    marked = [
        replace(row, withheld=True) if index in hidden else row for index, row in enumerate(rows)
    ]
    shown = [row for row in marked if not row.withheld]
    kept_back = sorted((row for row in marked if row.withheld), key=lambda row: row.label)
    safe = enrolled_safe and sustained_safe and (not hidden or len(hidden) >= 2)  # noqa: PLR2004
    return shown + kept_back, safe
