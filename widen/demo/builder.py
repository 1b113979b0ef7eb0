"""The demo partnership, East London Uni Connect: real geography, invented people.

The schools and colleges are real (DfE Get Information About Schools) and so are the home
postcodes (ONS postcode lookup); see `data/ATTRIBUTION.md`. Every learner, parent, carer and
member of staff is invented. The build is deterministic: the same seed on the same day makes the
same people (year groups and ages depend on the current academic year).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import random
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from stdnum.gb import upn as stdnum_upn

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role, User
from widen.accounts.services import membership_set, totp_device_create, user_create
from widen.activities.models import Activity, Attendance
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    register_add,
    session_create,
)
from widen.core import request_context
from widen.core.academic_years import AcademicYear, age_on
from widen.core.identifiers import uln_check_digit
from widen.demo.events import demo_events_create
from widen.demo.surveys import demo_surveys_create
from widen.evaluation.models import Survey, SurveyInvitation, SurveyResponse
from widen.events.models import Booking, Event
from widen.learners.models import (
    ConsentGivenBy,
    ConsentRecord,
    Ethnicity,
    Learner,
    ParentCarer,
    Sex,
)
from widen.organisations.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipMember,
    SpecialCategoryCondition,
)
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme
from widen.programmes.services import StagePlan, enrol_eligible, programme_create
from widen.reference.reading import DatasetError
from widen.reference.services import dataset_load
from widen.targeting.models import RuleSet
from widen.targeting.rule_sets import eligibility_compute, rule_set_create, rule_set_presets_add
from widen.targeting.services import area_profiles_compute

DEMO = system_actor("the demo partnership")
DATA_DIR = Path(__file__).parent / "data"
SCHOOLS_CSV = DATA_DIR / "schools.csv"
POSTCODES_CSV = DATA_DIR / "postcodes.csv"
IOD2019_CSV = DATA_DIR / "iod2019_lsoa11.csv"
# The real subsets the demo ships, loaded as dataset editions like any official file.
OPEN_DATA = (
    ("postcodes", POSTCODES_CSV, "May 2022"),
    ("iod2019", IOD2019_CSV, ""),
    ("gias", SCHOOLS_CSV, "24 May 2025"),
)

PARTNERSHIP_NAME = "East London Uni Connect"
DEMO_PASSWORD = "east-london-demo-2026"  # noqa: S105 - printed for everyone to use
DEMO_PORT = 8000
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}/"
DEFAULT_LEARNERS = 5000
DEFAULT_SEED = 2026
BATCH_SIZE = 1000
PRIVACY_NOTICE_VERSION = "2025.1"
EQUALITY_OF_OPPORTUNITY = SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_EQUALITY

QMUL = "Queen Mary University of London"
UEL = "University of East London"
CITY = "City, University of London"
LSE = "London School of Economics and Political Science"
LSE_UKPRN = "10004063"
NEXT_STEPS = "Next Steps East London"
NEWHAM = "London Borough of Newham"

# Name, UKPRN and the postcode of the main campus.
HE_PROVIDERS: tuple[tuple[str, str, str], ...] = (
    (QMUL, "10007775", "E1 4NS"),
    (UEL, "10007789", "E16 2RD"),
    (CITY, "10001478", "EC1V 0HB"),
    (LSE, LSE_UKPRN, "WC2A 2AE"),
    ("Birkbeck, University of London", "10007760", "WC1E 7HX"),
    ("Goldsmiths, University of London", "10002718", "SE14 6NW"),
    ("London Metropolitan University", "10004048", "N7 8DB"),
    ("Middlesex University", "10004351", "NW4 4BT"),
)
CHARITIES: tuple[str, ...] = (
    NEXT_STEPS,
    "First Generation Futures",
    "Bright Horizons Mentoring Trust",
)

# Who holds the learners' records. LSE holds a few of its own that no agreement shares.
HOLDER_SHARES: tuple[tuple[str, float], ...] = (
    (QMUL, 0.60),
    (UEL, 0.20),
    (CITY, 0.10),
    *((charity, 0.10 / len(CHARITIES)) for charity in CHARITIES),
)
LSE_SHARE = 40 / 5000

# Rates among learners whose answer is known; about 5% of each yes/no answer is left unknown.
UNKNOWN_RATE = 0.05
FSM_RATE = 0.28
EVER_6_RATE = 0.40  # includes everyone on free school meals now
CARE_EXPERIENCED_RATE = 0.02
YOUNG_CARER_RATE = 0.05
DISABLED_RATE = 0.12
FIRST_IN_FAMILY_RATE = 0.55
ESTRANGED_RATE_SIXTH_FORM = 0.025  # about 1% of all learners, all of them in Years 12 and 13
PREFERRED_NAME_RATE = 0.08
UPN_RATE = 0.93
ULN_RATE_AGED_14_PLUS = 0.5
PARENT_CARER_RATE = 0.60
ULN_MINIMUM_AGE = 14
YEAR_GROUPS = range(9, 14)
SIXTH_FORM_YEARS = frozenset({12, 13})

# A mix broadly like East London's secondary-age population (per cent; invented for the demo).
ETHNICITY_MIX: dict[str, float] = {
    Ethnicity.ASIAN_BANGLADESHI: 20,
    Ethnicity.BLACK_AFRICAN: 13,
    Ethnicity.WHITE_OTHER: 13,
    Ethnicity.WHITE_BRITISH: 12,
    Ethnicity.ASIAN_PAKISTANI: 7,
    Ethnicity.ASIAN_INDIAN: 5,
    Ethnicity.BLACK_CARIBBEAN: 4,
    Ethnicity.ASIAN_OTHER: 4,
    Ethnicity.BLACK_OTHER: 3,
    Ethnicity.MIXED_OTHER: 3,
    Ethnicity.OTHER_ANY: 3,
    Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN: 2,
    Ethnicity.PREFER_NOT_TO_SAY: 2,
    Ethnicity.NOT_KNOWN: 1.7,
    Ethnicity.MIXED_WHITE_BLACK_AFRICAN: 1.5,
    Ethnicity.MIXED_WHITE_ASIAN: 1.5,
    Ethnicity.OTHER_ARAB: 1.5,
    Ethnicity.ASIAN_CHINESE: 1,
    Ethnicity.WHITE_ROMA: 1,
    Ethnicity.WHITE_IRISH: 0.5,
    Ethnicity.WHITE_GYPSY_IRISH_TRAVELLER: 0.3,
}

# Single-sex schools whose name does not say so (GIAS's gender column is not in schools.csv).
# Their sixth forms are taken to be mixed, as many in East London are.
GIRLS_SCHOOLS = frozenset({"102782", "102786", "142644"})  # Plashet, St Angela's, Sarah Bonnell
BOYS_SCHOOLS = frozenset({"102787", "143385"})  # St Bonaventure's, Norlington
SIXTEEN_PLUS = "16 plus"
# Year groups each phase teaches, to share a school's pupils between its year groups.
YEARS_TAUGHT = {SIXTEEN_PLUS: 2, "All-through": 14, "Secondary": 7}
DEFAULT_PUPILS = {SIXTEEN_PLUS: 1200, "All-through": 1500, "Secondary": 1000}

PARENT_RELATIONSHIPS: tuple[tuple[str, float], ...] = (
    ("mother", 58),
    ("father", 27),
    ("grandparent", 8),
    ("carer", 7),
)
CARE_RELATIONSHIPS: tuple[tuple[str, float], ...] = (
    ("foster carer", 70),
    ("carer", 20),
    ("grandparent", 10),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None  # None: the superuser, who has no role in any organisation
    organisation: str | None  # by name; None with a role means the demo school


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("partnership.admin", "Aisha", "Rahman", Role.PARTNERSHIP_ADMIN, QMUL),
    DemoUser("org.admin", "Daniel", "Mensah", Role.ORGANISATION_ADMIN, UEL),
    DemoUser("outreach.officer", "Sophie", "Clarke", Role.OUTREACH_OFFICER, QMUL),
    DemoUser("school.staff", "Tomasz", "Nowak", Role.SCHOOL_STAFF, None),
    DemoUser("evaluator", "Grace", "Adeyemi", Role.EVALUATOR, QMUL),
    DemoUser("read.only", "Imran", "Hussain", Role.READ_ONLY, NEXT_STEPS),
    DemoUser("partner.officer", "Chloe", "Brennan", Role.OUTREACH_OFFICER, CITY),
    DemoUser("unshared.officer", "Marcus", "Lee", Role.OUTREACH_OFFICER, LSE),
    DemoUser("admin", "Site", "Administrator", None, None),
)
DEMO_USERNAMES = tuple(user.username for user in DEMO_USERS)


class DemoError(Exception):
    """The demo cannot be built here; the message says why."""


@dataclass(frozen=True)
class SchoolRow:
    urn: str
    name: str
    establishment_type: str
    phase: str
    la_code: str
    la_name: str
    postcode: str
    percentage_fsm: Decimal | None
    number_of_pupils: int | None

    @property
    def year_groups(self) -> range:
        return range(12, 14) if self.phase == SIXTEEN_PLUS else YEAR_GROUPS

    @property
    def single_sex(self) -> str | None:
        """The sex a single-sex school teaches in Years 7 to 11, or None if it is mixed."""
        if self.urn in GIRLS_SCHOOLS or "girls" in self.name.lower():
            return Sex.FEMALE
        if self.urn in BOYS_SCHOOLS:
            return Sex.MALE
        return None

    @property
    def pupils_per_year(self) -> float:
        pupils = self.number_of_pupils or DEFAULT_PUPILS.get(self.phase, 1000)
        return pupils / YEARS_TAUGHT.get(self.phase, 7)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    password: str
    totp_secret: str


@dataclass(frozen=True)
class DemoCounts:
    he_providers: int
    schools: int
    charities: int
    local_authorities: int
    agreements: tuple[str, ...]
    learners: int
    consent_records: int
    parent_carers: int
    users: int
    learners_by_holder: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DemoResult:
    built: bool
    counts: DemoCounts
    logins: tuple[DemoLogin, ...]
    open_data: tuple[str, ...] = ()


# No copy of the OfS postcode look-up (POLAR4, TUNDRA, Uni Connect target wards) may be shipped
# here, so the demo invents values in its layout for its own postcodes, loaded as synthetic: every
# page that shows them names this edition, and a real file loaded later replaces it.
SYNTHETIC_OFS_FILE = "synthetic_ofs_postcode_lookup_demo.csv"
SYNTHETIC_OFS_EDITION = "demo values invented, not from the OfS"
SYNTHETIC_OFS_HEADER = (
    "postcode",
    "polar4_quintile",
    "tundra_msoa_quintile",
    "tundra_lsoa_quintile",
    "uni_connect_target_ward",
    "msoa_current",
    "lsoa_current",
    "country",
)


def demo_load_open_data() -> tuple[tuple[str, ...], bool]:
    """Load the demo's open-data subsets and its synthetic OfS look-up (a no-op for files already
    loaded). Returns what is loaded, and whether any of it is new."""
    loaded = []
    new = False
    with tempfile.TemporaryDirectory(prefix="widen-demo-") as directory:
        synthetic = Path(directory) / SYNTHETIC_OFS_FILE
        synthetic.write_text(synthetic_ofs_lookup(), encoding="utf-8", newline="")
        files = [
            *((dataset, path, edition, False) for dataset, path, edition in OPEN_DATA),
            ("ofs", synthetic, SYNTHETIC_OFS_EDITION, True),
        ]
        for dataset, path, edition, invented in files:
            try:
                result = dataset_load(
                    dataset, path, edition=edition, synthetic=invented, loaded_by="demo"
                )
            except DatasetError as error:
                raise DemoError(f"The demo's {path.name} cannot be loaded: {error}") from error
            loaded.append(f"{result.edition} ({result.edition.row_count:,} rows)")
            new = new or not result.already_loaded
    return tuple(loaded), new


def _hashed(*parts: str) -> float:
    """A stable number in [0, 1) for these words (the same on every build and machine)."""
    digest = hashlib.sha256("|".join(("widen-demo-ofs", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def synthetic_ofs_lookup() -> str:
    """An OfS postcode look-up for the demo's postcodes with invented values, as CSV text.

    Invented, but shaped like the real thing so the demo's rule sets have something to find:
    areas that are more deprived (IoD2019) tend to lower quintiles, POLAR4 and TUNDRA (MSOA) are
    the same for a whole MSOA, TUNDRA (LSOA) for a whole LSOA, and about a third of the most
    deprived MSOAs are flagged as Uni Connect target wards.
    """
    with IOD2019_CSV.open(newline="", encoding="utf-8") as handle:
        imd = {row["lsoa11cd"]: int(row["imd_decile"]) for row in csv.DictReader(handle)}
    with POSTCODES_CSV.open(newline="", encoding="utf-8") as handle:
        postcodes = list(csv.DictReader(handle))
    by_msoa: dict[str, list[int]] = {}
    for row in postcodes:
        if row["lsoa11cd"] in imd:
            by_msoa.setdefault(row["msoa11cd"], []).append(imd[row["lsoa11cd"]])

    def quintile(decile: float, *key: str) -> int:
        shift = (0, 0, 0, 1, -1)[int(_hashed(*key) * 5)]
        return max(1, min(5, round((decile + 1) / 2) + shift))

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SYNTHETIC_OFS_HEADER)
    for row in postcodes:
        lsoa, msoa = row["lsoa11cd"], row["msoa11cd"]
        deciles = by_msoa.get(msoa)
        if lsoa not in imd or not deciles:
            writer.writerow([row["postcode"], "", "", "", "", msoa, lsoa, "England"])
            continue
        msoa_decile = sum(deciles) / len(deciles)
        polar4 = quintile(msoa_decile, "polar4", msoa)
        target = msoa_decile <= 3 and _hashed("target", msoa) < 0.35  # noqa: PLR2004
        writer.writerow(
            [
                row["postcode"],
                polar4,
                quintile(msoa_decile, "tundra-msoa", msoa),
                quintile(imd[lsoa], "tundra-lsoa", lsoa),
                "1" if target else "",
                msoa,
                lsoa,
                "England",
            ]
        )
    return out.getvalue()


def read_schools() -> list[SchoolRow]:
    """The schools and colleges in `data/schools.csv`, in file order (by URN)."""
    with SCHOOLS_CSV.open(newline="", encoding="utf-8") as handle:
        return [
            SchoolRow(
                urn=row["urn"],
                name=row["name"],
                establishment_type=row["establishment_type"],
                phase=row["phase"],
                la_code=row["la_code"],
                la_name=row["la_name"],
                postcode=row["postcode"],
                percentage_fsm=Decimal(row["percentage_fsm"]) if row["percentage_fsm"] else None,
                number_of_pupils=int(row["number_of_pupils"]) if row["number_of_pupils"] else None,
            )
            for row in csv.DictReader(handle)
        ]


def read_postcodes() -> dict[str, list[str]]:
    """The postcodes in `data/postcodes.csv`, by local authority name."""
    by_authority: dict[str, list[str]] = {}
    with POSTCODES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_authority.setdefault(row["ladnm"], []).append(row["postcode"])
    return by_authority


def totp_key_for(username: str) -> str:
    """A stable 40-hex-digit TOTP key, so each demo user's secret is the same on every build."""
    return hashlib.sha256(f"widen-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_build(
    *, learners: int = DEFAULT_LEARNERS, reset: bool = False, seed: int = DEFAULT_SEED
) -> DemoResult:
    """Build the demo partnership unless it exists; with `reset`, delete it and build it again."""
    if learners < 1:
        raise DemoError("The demo needs at least one learner.")
    open_data, new_data = demo_load_open_data()
    with request_context.bind(source="demo"), transaction.atomic():
        exists = Partnership.objects.filter(name=PARTNERSHIP_NAME).exists()
        if exists and not reset:
            if new_data:
                # A demo built before this open data shipped (e.g. its OfS look-up): work its
                # learners' areas and rule sets out again, so its pages use what is loaded.
                area_profiles_compute()
                for rule_set in RuleSet.objects.filter(partnership__name=PARTNERSHIP_NAME):
                    eligibility_compute(rule_set)
            return DemoResult(
                built=False, counts=demo_counts(), logins=demo_logins(), open_data=open_data
            )
        if exists:
            demo_delete()
        _check_nothing_in_the_way()
        _build(learners=learners, seed=seed)
        _plant_duplicates()
        area_profiles_compute()
        own_rule_set = _create_rule_sets()
        _create_activities_and_programme(own_rule_set, seed=seed)
        demo_events_create(
            partnership=Partnership.objects.get(name=PARTNERSHIP_NAME),
            organiser=Organisation.objects.get(name=QMUL),
        )
        demo_surveys_create(
            partnership=Partnership.objects.get(name=PARTNERSHIP_NAME),
            organisation=Organisation.objects.get(name=QMUL),
            runner=User.objects.get(username="outreach.officer"),
            seed=seed,
        )
        return DemoResult(
            built=True, counts=demo_counts(), logins=demo_logins(), open_data=open_data
        )


DEMO_RULE_SET_NAME = "Outreach priority: IMD quintile 1-2 or FSM"
DEMO_RULE_SET_PURPOSE = "Who the partnership's outreach officers contact first."
DEMO_RULE_SET_DEFINITION: dict[str, Any] = {
    "any": [
        {"all": [{"criterion": "imd_quintile", "values": [1, 2]}]},
        {"all": [{"criterion": "free_school_meals"}]},
    ]
}


def _create_rule_sets() -> RuleSet:
    """A rule set of the partnership's own and the shipped presets its agreements allow, worked
    out for every learner. Returns the partnership's own."""
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    own = rule_set_create(
        actor=DEMO,
        partnership=partnership,
        name=DEMO_RULE_SET_NAME,
        purpose=DEMO_RULE_SET_PURPOSE,
        definition=DEMO_RULE_SET_DEFINITION,
    )
    presets, _ = rule_set_presets_add(actor=DEMO, partnership=partnership)
    for rule_set in (own, *presets):
        eligibility_compute(rule_set)
    return own


DEMO_PROGRAMME = "Learner Progression Programme"
# Year group → (target hours, required activity types, optional activity types)
DEMO_STAGES: dict[int, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    9: (4, ("campus_visits",), ("masterclasses",)),
    10: (6, ("iag",), ("masterclasses", "mentoring")),
    11: (6, ("iag", "skills_attainment"), ("mentoring",)),
    12: (8, ("summer_schools",), ("iag", "masterclasses")),
    13: (6, ("iag",), ("parents_carers",)),
}
# (activity, sub-type, delivered by, year groups, start, end, days from today for its sessions)
DEMO_ACTIVITIES = (
    (
        "Year 10 science masterclass",
        "Subject masterclass",
        QMUL,
        (10,),
        (13, 30),
        (15, 30),
        (-30, 21),
    ),
    (
        "Student finance talk",
        "Student finance talk",
        QMUL,
        (10, 11, 13),
        (10, 0),
        (11, 0),
        (-10, 14),
    ),
    ("Campus tour and taster lecture", "Campus tour", UEL, (9,), (9, 30), (12, 30), (-20, 28)),
)
DEMO_SCHOOLS_PER_ACTIVITY = 3
DEMO_PUPILS_PER_SESSION = 20
DEMO_ATTENDANCE_RATE = 0.8


def _create_activities_and_programme(rule_set: RuleSet, *, seed: int) -> None:
    """A Learner Progression Programme for the rule set's learners, and activities with
    sessions at the schools most of QMUL's and UEL's learners attend: past sessions with their
    registers marked, and upcoming ones (the next suggested sessions)."""
    rng = random.Random(seed + 7)  # noqa: S311 - invented attendance, not secrets
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    kinds = {kind.key: kind for kind in ActivityType.objects.all()}
    programme = programme_create(
        actor=DEMO,
        partnership=partnership,
        name=DEMO_PROGRAMME,
        description="Sustained outreach from Year 9 to Year 13 for the target learners.",
        rule_set=rule_set,
        stages=[
            StagePlan(
                year,
                Decimal(hours),
                [kinds[key] for key in required],
                [kinds[key] for key in optional],
            )
            for year, (hours, required, optional) in DEMO_STAGES.items()
        ],
    )
    enrol_eligible(actor=DEMO, programme=programme)
    today = timezone.localdate()
    for name, sub_type_name, deliverer, years, starts, ends, days in DEMO_ACTIVITIES:
        organisation = Organisation.objects.get(name=deliverer)
        activity = activity_create(
            actor=DEMO,
            partnership=partnership,
            delivered_by=organisation,
            name=name,
            sub_type=ActivitySubType.objects.get(name=sub_type_name, partnership=None),
        )
        held = Learner.objects.filter(organisation=organisation).exclude(school=None)
        schools = [
            school_id
            for school_id, _ in Counter(held.values_list("school_id", flat=True)).most_common(
                DEMO_SCHOOLS_PER_ACTIVITY
            )
        ]
        for school_id in schools:
            school = Organisation.objects.get(pk=school_id)
            pupils = [
                learner
                for learner in held.filter(school=school).order_by("last_name", "first_name")
                if learner.year_group() in years
            ][:DEMO_PUPILS_PER_SESSION]
            for offset in days:
                session = session_create(
                    actor=DEMO,
                    activity=activity,
                    details=SessionDetails(
                        date=today + timedelta(days=offset),
                        starts_at=time(*starts),
                        ends_at=time(*ends),
                        venue="Mile End campus" if deliverer == QMUL else "Docklands campus",
                        year_groups=list(years),
                        school=school,
                        capacity=30,
                    ),
                )
                if offset > 0 or not pupils:
                    continue
                register_add(actor=DEMO, session=session, learners=pupils)
                attendance_mark(
                    actor=DEMO,
                    session=session,
                    marks={
                        learner.pk: "attended" if rng.random() < DEMO_ATTENDANCE_RATE else "absent"
                        for learner in pupils
                    },
                )


def demo_delete() -> None:
    """Delete everything the demo made. Audit records stay: deleting learners adds to them."""
    partnership = Partnership.objects.filter(name=PARTNERSHIP_NAME).first()
    organisation_ids = list(partnership.members.values_list("id", flat=True)) if partnership else []
    with request_context.bind(source="demo"), transaction.atomic():
        learners = Learner.objects.filter(
            Q(organisation_id__in=organisation_ids) | Q(school_id__in=organisation_ids)
        )
        # Parents, carers and consent records first, with their learners loaded, so that
        # auditing each deletion needs no query of its own.
        for model in (ParentCarer, ConsentRecord, Attendance, Enrolment):
            model.objects.filter(learner__in=learners).select_related("learner").delete()
        if partnership is not None:
            # Survey responses (audited) and links first, then the surveys themselves.
            SurveyResponse.objects.filter(survey__partnership=partnership).delete()
            SurveyInvitation.objects.filter(survey__partnership=partnership).delete()
            Survey.objects.filter(partnership=partnership).delete()
            # Bookings first, through their own (audited) delete, then the events.
            Booking.objects.filter(event__partnership=partnership).delete()
            Event.objects.filter(partnership=partnership).delete()
            Activity.objects.filter(partnership=partnership).delete()
            Programme.objects.filter(partnership=partnership).delete()
        learners.delete()
        _demo_users().delete()
        if partnership is None:
            return
        RuleSet.objects.filter(partnership=partnership).delete()
        DataSharingAgreement.objects.filter(partnership=partnership).delete()
        partnership.delete()
        try:
            Organisation.objects.filter(id__in=organisation_ids).delete()
        except ProtectedError as error:
            raise DemoError(
                "Some demo organisations are still in use outside the demo (for example as "
                "members of another partnership), so the demo cannot be deleted."
            ) from error


def _demo_users() -> QuerySet[User]:
    """The demo's users: a demo username with the demo's TOTP key for it."""
    matches = Q(pk__in=[])
    for username in DEMO_USERNAMES:
        matches |= Q(user__username=username, key=totp_key_for(username))
    return User.objects.filter(pk__in=TOTPDevice.objects.filter(matches).values("user_id"))


def demo_counts() -> DemoCounts:
    members = Organisation.objects.filter(partnerships__name=PARTNERSHIP_NAME)
    by_type = Counter(members.values_list("organisation_type", flat=True))
    learners = Learner.objects.filter(organisation__in=members)
    held = Counter(learners.values_list("organisation__name", flat=True))
    return DemoCounts(
        he_providers=by_type[OrganisationType.HE_PROVIDER],
        schools=by_type[OrganisationType.SCHOOL],
        charities=by_type[OrganisationType.CHARITY],
        local_authorities=by_type[OrganisationType.LOCAL_AUTHORITY],
        agreements=tuple(
            _describe(agreement)
            for agreement in DataSharingAgreement.objects.filter(
                partnership__name=PARTNERSHIP_NAME
            ).prefetch_related("parties")
        ),
        learners=learners.count(),
        consent_records=ConsentRecord.objects.filter(learner__in=learners).count(),
        parent_carers=ParentCarer.objects.filter(learner__in=learners).count(),
        users=_demo_users().count(),
        learners_by_holder=tuple(held.most_common()),
    )


def _describe(agreement: DataSharingAgreement) -> str:
    shared = [
        label
        for label, on in (
            ("identity", agreement.shares_identity),
            ("characteristics", agreement.shares_characteristics),
            ("special category", agreement.shares_special_category),
        )
        if on
    ]
    categories = ", ".join(shared[:-1]) + " and " + shared[-1] if len(shared) > 1 else shared[0]
    parties = "; ".join(sorted(party.name for party in agreement.parties.all()))
    until = f" to {_long_date(agreement.ends_on)}" if agreement.ends_on else ""
    return (
        f"{agreement.title} (from {_long_date(agreement.starts_on)}{until}): shares {categories} "
        f"between {parties}"
    )


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def demo_logins() -> tuple[DemoLogin, ...]:
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    logins: list[DemoLogin] = []
    for spec in DEMO_USERS:
        user = users.get(spec.username)
        if user is None:
            continue
        membership = user.memberships.select_related("organisation").first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        logins.append(
            DemoLogin(
                username=user.username,
                role=membership.get_role_display() if membership else "Superuser (admin site)",
                organisation=membership.organisation.name if membership else "-",
                password=DEMO_PASSWORD,
                totp_secret=base64.b32encode(device.bin_key).decode() if device else "(none)",
            )
        )
    return tuple(logins)


def demo_report(
    *, result: DemoResult, seconds: float | None = None, port: int = DEMO_PORT
) -> list[str]:
    """What the demo holds and how to sign in, as lines of text (`port`: where it is served)."""
    counts = result.counts
    taken = f" in {seconds:.1f} s" if seconds is not None else ""
    lines = (
        [f"Built the {PARTNERSHIP_NAME} demo partnership{taken}:"]
        if result.built
        else [f"The {PARTNERSHIP_NAME} demo partnership is already built (--reset rebuilds it):"]
    )
    members = counts.he_providers + counts.schools + counts.charities + counts.local_authorities
    lines += [
        f"  {members:,} member organisations, led by {QMUL}: {counts.he_providers} HE "
        f"providers, {counts.schools} schools and colleges, {counts.charities} charities, "
        f"{counts.local_authorities} local authority",
        f"  {len(counts.agreements)} data-sharing agreements:",
        *(f"    {agreement}" for agreement in counts.agreements),
        f"  {counts.learners:,} learners in Years 9 to 13 ({AcademicYear.current()}), "
        f"{counts.consent_records:,} consent records, "
        f"{counts.parent_carers:,} parents or carers",
        "  learners held by: "
        + "; ".join(f"{name} {count:,}" for name, count in counts.learners_by_holder),
        f"  {counts.users} demo users",
        *(["  open data loaded:"] if result.open_data else []),
        *(f"    {edition}" for edition in result.open_data),
        *(
            [
                "  The OfS look-up's values are invented (no copy of the real file may be "
                "shipped), and every page that uses them says so: load the real one with "
                "`widen data load ofs PATH`."
            ]
            if any("(synthetic)" in edition for edition in result.open_data)
            else []
        ),
        "",
        f"Sign in at http://127.0.0.1:{port}/ once Widen is running: `make demo` starts it, "
        f"or run `.venv/bin/widen serve{'' if port == DEMO_PORT else f' --port {port}'}` "
        "in this folder.",
        "",
    ]
    header = ("username", "role", "organisation", "password", "TOTP secret")
    rows = [header] + [
        (login.username, login.role, login.organisation, login.password, login.totp_secret)
        for login in result.logins
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines += [
        "",
        "To pass MFA, add the user's TOTP secret to an authenticator app, or get the current "
        "code with `oathtool --totp -b SECRET`.",
    ]
    return [line.rstrip() for line in lines]


def _check_nothing_in_the_way() -> None:
    schools = read_schools()
    clashes = Organisation.objects.filter(
        Q(ukprn__in=[ukprn for _, ukprn, _ in HE_PROVIDERS])
        | Q(urn__in=[school.urn for school in schools])
        | Q(name__in=[*CHARITIES, NEWHAM])
    ).count()
    users = sum(User.objects.filter(username__iexact=name).exists() for name in DEMO_USERNAMES)
    if clashes or users:
        raise DemoError(
            f"This database already has {clashes} of the demo's organisations and {users} of its "
            "usernames, outside the demo partnership: build the demo in an empty database."
        )


def _build(*, learners: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - invented people, not secrets
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    academic_year = AcademicYear.current()
    agreements_start = AcademicYear(academic_year.start_year - 1).starts_on
    schools = read_schools()

    organisations = _create_organisations(schools=schools)
    partnership = Partnership.objects.create(
        name=PARTNERSHIP_NAME, lead_organisation=organisations[QMUL]
    )
    PartnershipMember.objects.bulk_create(
        PartnershipMember(
            partnership=partnership, organisation=organisation, joined_on=agreements_start
        )
        for organisation in organisations.values()
    )
    _create_agreements(
        partnership=partnership,
        organisations=organisations,
        starts_on=agreements_start,
        progression_ends_on=academic_year.ends_on,
    )
    school_of_first_pupil = _create_learners(
        count=learners,
        rng=rng,
        fake=fake,
        schools=schools,
        organisations=organisations,
        academic_year=academic_year,
    )
    _create_users(organisations=organisations, school=school_of_first_pupil)


def _plant_duplicates() -> None:
    """Make a few of QMUL's learners into what partners really send: the same child recorded
    again after moving house, again with a misspelt surname, and a pair of twins (same birthday,
    home and school, different first names) that must never be offered as duplicates. The
    partnership admin finds them on "Duplicate learners" with "Look for duplicates now"."""
    held = list(
        Learner.objects.filter(organisation__name=QMUL, school__isnull=False).order_by(
            "last_name", "first_name", "date_of_birth", "home_postcode"
        )[:6]
    )
    if len(held) < 6:  # noqa: PLR2004 - a demo too small to hold the three pairs
        return
    moved, misspelt, twin = held[0], held[2], held[4]
    same_child = ("first_name", "last_name", "date_of_birth", "school_id", "sex")
    copies = (
        (held[1], moved, {"upn": "", "home_postcode": _another_home_nearby(moved)}),
        (
            held[3],
            misspelt,
            {
                "upn": "",
                "home_postcode": misspelt.home_postcode,
                "last_name": _misspelt(misspelt.last_name),
            },
        ),
        (
            held[5],
            twin,
            {
                "upn": "",
                "home_postcode": twin.home_postcode,
                "first_name": _twin_name(twin.first_name),
            },
        ),
    )
    for record, original, changes in copies:
        values = {field: getattr(original, field) for field in same_child}
        Learner.objects.filter(pk=record.pk).update(**{**values, **changes})


def _another_home_nearby(learner: Learner) -> str:
    """A different home postcode in the same local authority as the learner's school."""
    assert learner.school is not None
    nearby = (
        Learner.objects.filter(school__local_authority=learner.school.local_authority)
        .exclude(home_postcode=learner.home_postcode)
        .exclude(home_postcode="")
        .order_by("home_postcode")
        .values_list("home_postcode", flat=True)
        .first()
    )
    return nearby or learner.home_postcode


def _misspelt(name: str) -> str:
    """The surname with two letters swapped (Rahman → Rhaman), as typed in a hurry."""
    if len(name) < 3:  # noqa: PLR2004
        return name + name[-1]
    return name[0] + name[2] + name[1] + name[3:]


def _twin_name(first_name: str) -> str:
    return "Zainab" if first_name != "Zainab" else "Yusuf"


def _create_organisations(*, schools: Sequence[SchoolRow]) -> dict[str, Organisation]:
    """Every member organisation: schools by URN, the others by name."""
    rows = [
        Organisation(
            name=name,
            organisation_type=OrganisationType.HE_PROVIDER,
            ukprn=ukprn,
            postcode=postcode,
        )
        for name, ukprn, postcode in HE_PROVIDERS
    ]
    rows += [
        Organisation(
            name=school.name,
            organisation_type=OrganisationType.SCHOOL,
            urn=school.urn,
            phase=school.phase,
            establishment_type=school.establishment_type,
            local_authority=school.la_name,
            postcode=school.postcode,
            percentage_fsm=school.percentage_fsm,
        )
        for school in schools
    ]
    rows += [
        Organisation(name=name, organisation_type=OrganisationType.CHARITY) for name in CHARITIES
    ]
    rows.append(
        Organisation(
            name=NEWHAM,
            organisation_type=OrganisationType.LOCAL_AUTHORITY,
            local_authority="Newham",
            postcode="E16 2QU",
        )
    )
    created = Organisation.objects.bulk_create(rows)
    return {organisation.urn or organisation.name: organisation for organisation in created}


def _create_agreements(
    *,
    partnership: Partnership,
    organisations: dict[str, Organisation],
    starts_on: date,
    progression_ends_on: date,
) -> None:
    core = DataSharingAgreement.objects.create(
        partnership=partnership,
        title="Core outreach data-sharing agreement",
        shares_identity=True,
        shares_characteristics=True,
        shares_special_category=True,
        purpose=(
            "To plan, deliver and evaluate sustained and progressive outreach for learners in "
            "Years 9 to 13 in East London, and to report on it to the Office for Students."
        ),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_category_condition=EQUALITY_OF_OPPORTUNITY,
        starts_on=starts_on,
    )
    core.parties.set(
        [organisations[QMUL], organisations[UEL], organisations[NEWHAM]]
        + [organisations[charity] for charity in CHARITIES]
    )
    progression = DataSharingAgreement.objects.create(
        partnership=partnership,
        title="Progression tracking agreement",
        shares_identity=True,
        shares_characteristics=True,
        shares_special_category=False,
        purpose=(
            "To follow the progression of learners who took part in outreach into further and "
            "higher education."
        ),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        starts_on=starts_on,
        ends_on=progression_ends_on,
    )
    progression.parties.set([organisations[QMUL], organisations[CITY]])


def _apportion(total: int, shares: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `shares`, whole numbers adding up to `total`."""
    exact = [total * share / sum(shares) for share in shares]
    counts = [int(value) for value in exact]
    by_remainder = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def _holders(
    *, count: int, rng: random.Random, organisations: dict[str, Organisation]
) -> list[Organisation]:
    lse = min(count, max(1, round(count * LSE_SHARE)))
    shares = [share for _, share in HOLDER_SHARES]
    holders = [organisations[LSE]] * lse
    for (name, _), number in zip(HOLDER_SHARES, _apportion(count - lse, shares), strict=True):
        holders += [organisations[name]] * number
    rng.shuffle(holders)
    return holders


def _maybe(rng: random.Random, rate: float) -> bool | None:
    """Yes at `rate` among those known; about one in twenty not known."""
    if rng.random() < UNKNOWN_RATE:
        return None
    return rng.random() < rate


def _ascii_letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


class _LearnerFactory:
    """Invented learners, each at a real school and living at a real postcode near it."""

    def __init__(
        self,
        *,
        rng: random.Random,
        fake: Faker,
        schools: Sequence[SchoolRow],
        school_organisations: dict[str, Organisation],
        academic_year: AcademicYear,
    ) -> None:
        self.rng = rng
        self.school_organisations = school_organisations
        self.fake = fake
        self.academic_year = academic_year
        self.today = timezone.localdate()
        school_postcodes = {school.postcode for school in schools}
        # Home postcodes leave out the schools' own (some are large-user postcodes).
        self.postcodes = {
            authority: [postcode for postcode in postcodes if postcode not in school_postcodes]
            for authority, postcodes in read_postcodes().items()
        }
        self.any_postcode = sorted(
            postcode for postcodes in self.postcodes.values() for postcode in postcodes
        )
        not_reached = {school.urn for school in not_reached_yet(schools)}
        self.schools_by_year = {
            year: [
                school
                for school in schools
                if year in school.year_groups and school.urn not in not_reached
            ]
            for year in YEAR_GROUPS
        }
        self.school_weights = {
            year: [school.pupils_per_year for school in candidates]
            for year, candidates in self.schools_by_year.items()
        }
        # Scale each school's published FSM figure so that the whole demo averages FSM_RATE.
        measured = [
            (float(school.percentage_fsm), school.pupils_per_year)
            for school in schools
            if school.percentage_fsm
        ]
        self.mean_fsm = sum(p * w for p, w in measured) / sum(w for _, w in measured)
        self.ethnicities = list(ETHNICITY_MIX)
        self.ethnicity_weights = list(ETHNICITY_MIX.values())
        self.upns: set[str] = set()
        self.ulns: set[str] = set()
        self.self_holding_school = self_holding_school(schools)

    def learner(self, *, organisation: Organisation) -> Learner:
        rng = self.rng
        year = rng.choice(YEAR_GROUPS)
        school = rng.choices(self.schools_by_year[year], weights=self.school_weights[year])[0]
        if school.urn == self.self_holding_school.urn and organisation.ukprn != LSE_UKPRN:
            # This school sent its own pupil list: it holds their records, shared with no one.
            organisation = self.school_organisations[school.urn]
        first_day, last_day = self.academic_year.birth_dates_for(year)
        date_of_birth = first_day + timedelta(days=rng.randrange((last_day - first_day).days + 1))
        single_sex = school.single_sex if year not in SIXTH_FORM_YEARS else None
        sex: str = single_sex or rng.choice((Sex.FEMALE, Sex.MALE))
        first_name = self._first_name(sex)
        preferred_name = ""
        if rng.random() < PREFERRED_NAME_RATE:
            preferred_name = self._first_name(sex)
            if preferred_name == first_name:
                preferred_name = ""
        postcodes = self.postcodes.get(school.la_name) or self.any_postcode
        school_fsm = float(school.percentage_fsm) if school.percentage_fsm else self.mean_fsm
        fsm = _maybe(rng, min(0.9, FSM_RATE * school_fsm / self.mean_fsm))
        if fsm:
            ever_6: bool | None = True
        else:
            ever_6 = _maybe(rng, (EVER_6_RATE - FSM_RATE) / (1 - FSM_RATE))
        estranged_rate = ESTRANGED_RATE_SIXTH_FORM if year in SIXTH_FORM_YEARS else 0.0
        aged_14_plus = age_on(date_of_birth, self.today) >= ULN_MINIMUM_AGE
        return Learner(
            organisation=organisation,
            school=self.school_organisations[school.urn],
            first_name=first_name,
            last_name=self.fake.last_name(),
            preferred_name=preferred_name,
            date_of_birth=date_of_birth,
            home_postcode=rng.choice(postcodes),
            upn=self._upn(school=school, year=year) if rng.random() < UPN_RATE else "",
            uln=self._uln() if aged_14_plus and rng.random() < ULN_RATE_AGED_14_PLUS else "",
            sex=sex,
            free_school_meals=fsm,
            ever_6_free_school_meals=ever_6,
            young_carer=_maybe(rng, YOUNG_CARER_RATE),
            estranged=_maybe(rng, estranged_rate),
            first_in_family=_maybe(rng, FIRST_IN_FAMILY_RATE),
            care_experienced=_maybe(rng, CARE_EXPERIENCED_RATE),
            disability=_maybe(rng, DISABLED_RATE),
            ethnicity=rng.choices(self.ethnicities, weights=self.ethnicity_weights)[0],
        )

    def consent(self, learner: Learner) -> ConsentRecord:
        return ConsentRecord(
            learner=learner,
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            special_category_condition=EQUALITY_OF_OPPORTUNITY,
            given_by=ConsentGivenBy.NOT_APPLICABLE,
            recorded_on=self.academic_year.starts_on,
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
        )

    def parent_carer(self, learner: Learner) -> ParentCarer | None:
        rng = self.rng
        if rng.random() >= PARENT_CARER_RATE:
            return None
        relationships = CARE_RELATIONSHIPS if learner.care_experienced else PARENT_RELATIONSHIPS
        relationship = rng.choices(
            [name for name, _ in relationships], weights=[weight for _, weight in relationships]
        )[0]
        if relationship == "mother":
            sex = Sex.FEMALE
        elif relationship == "father":
            sex = Sex.MALE
        else:
            sex = rng.choice((Sex.FEMALE, Sex.MALE))
        shares_surname = relationship in {"mother", "father", "grandparent"} and rng.random() < 0.8
        first_name = self._first_name(sex)
        last_name = learner.last_name if shares_surname else self.fake.last_name()
        mailbox = f"{_ascii_letters(first_name)}.{_ascii_letters(last_name)}"
        if rng.random() < 0.5:
            mailbox += str(rng.randint(1, 99))
        return ParentCarer(
            learner=learner,
            name=f"{first_name} {last_name}",
            relationship=relationship,
            email=f"{mailbox}@example.com",
            phone=f"07700 900{rng.randint(0, 999):03d}",  # Ofcom's numbers for drama
        )

    def _first_name(self, sex: str) -> str:
        if sex == Sex.FEMALE:
            return self.fake.first_name_female()
        return self.fake.first_name_male()

    def _upn(self, *, school: SchoolRow, year: int) -> str:
        """A UPN as issued when the learner first joined a school in the same authority.

        Most join in Reception; some a year earlier (nursery) and some later (moved here).
        """
        rng = self.rng
        started_reception = self.academic_year.start_year - year
        started = started_reception + rng.choices((-1, 0, 1, 2, 3), weights=(10, 75, 6, 5, 4))[0]
        while True:
            # Local authority, the primary school's DfE number, year of issue, serial number.
            body = (
                f"{school.la_code}{rng.randint(2000, 3999):04d}"
                f"{started % 100:02d}{rng.randint(1, 999):03d}"
            )
            if body not in self.upns:
                self.upns.add(body)
                return stdnum_upn.calc_check_digit(body) + body

    def _uln(self) -> str:
        while True:
            first_nine = str(self.rng.randint(100_000_000, 999_999_999))
            check = uln_check_digit(first_nine)
            if check is not None and first_nine not in self.ulns:
                self.ulns.add(first_nine)
                return f"{first_nine}{check}"


NOT_REACHED_PER_AUTHORITY = 2


def not_reached_yet(schools: Sequence[SchoolRow]) -> list[SchoolRow]:
    """Member schools the partnership has no learners at yet (its cold spots to plan for): in
    each local authority, the secondary schools with fewest pupils a year (ties by URN)."""
    holding = self_holding_school(schools)
    chosen: list[SchoolRow] = []
    for authority in sorted({school.la_name for school in schools}):
        candidates = sorted(
            (
                school
                for school in schools
                if school.la_name == authority
                and school.phase == "Secondary"
                and school.urn != holding.urn
            ),
            key=lambda school: (school.pupils_per_year, school.urn),
        )
        chosen += candidates[:NOT_REACHED_PER_AUTHORITY]
    return chosen


def self_holding_school(schools: Sequence[SchoolRow]) -> SchoolRow:
    """The school that holds its own pupils' records: the secondary with most pupils a year.

    The school staff demo user works there and sees just those pupils.
    """
    return max(
        (school for school in schools if school.phase == "Secondary"),
        key=lambda school: (school.pupils_per_year, school.urn),
    )


def _create_learners(
    *,
    count: int,
    rng: random.Random,
    fake: Faker,
    schools: Sequence[SchoolRow],
    organisations: dict[str, Organisation],
    academic_year: AcademicYear,
) -> Organisation:
    """Create the learners with their consent records and parents or carers, in batches.

    Returns the school that holds its own pupils' records, for the school staff demo user.
    """
    factory = _LearnerFactory(
        rng=rng,
        fake=fake,
        schools=schools,
        school_organisations={school.urn: organisations[school.urn] for school in schools},
        academic_year=academic_year,
    )
    holders = _holders(count=count, rng=rng, organisations=organisations)
    for start in range(0, count, BATCH_SIZE):
        batch = [
            factory.learner(organisation=holder) for holder in holders[start : start + BATCH_SIZE]
        ]
        Learner.objects.bulk_create(batch)
        ConsentRecord.objects.bulk_create(factory.consent(learner) for learner in batch)
        ParentCarer.objects.bulk_create(
            parent for learner in batch if (parent := factory.parent_carer(learner)) is not None
        )
    return organisations[factory.self_holding_school.urn]


def _create_users(*, organisations: dict[str, Organisation], school: Organisation) -> None:
    for spec in DEMO_USERS:
        user = user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            email=f"{spec.username}@example.com",
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=spec.role is None,
            is_superuser=spec.role is None,
            check_password=False,
        )
        if spec.role is not None:
            organisation = organisations[spec.organisation] if spec.organisation else school
            membership_set(user=user, organisation=organisation, role=spec.role)
        totp_device_create(user=user, confirmed=True, key=totp_key_for(spec.username))
