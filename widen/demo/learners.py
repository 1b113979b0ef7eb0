"""The demo's invented learners, each at a real school and living at a real postcode near it, with
their consent records and parents or carers, and a few duplicates planted among them."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone
from faker import Faker
from stdnum.gb import upn as stdnum_upn

from widen.core.academic_years import AcademicYear, age_on
from widen.core.identifiers import uln_check_digit
from widen.demo.geography import (
    YEAR_GROUPS,
    SchoolRow,
    not_reached_yet,
    read_postcodes,
    self_holding_school,
)
from widen.demo.partnership import (
    CHARITIES,
    CITY,
    EQUALITY_OF_OPPORTUNITY,
    LSE,
    LSE_UKPRN,
    QMUL,
    UEL,
)
from widen.learners.models import (
    ConsentGivenBy,
    ConsentRecord,
    Ethnicity,
    Learner,
    ParentCarer,
    Sex,
)
from widen.organisations.models import LawfulBasis, Organisation

BATCH_SIZE = 1000
PRIVACY_NOTICE_VERSION = "2025.1"

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
    """Invented learners, each at a real school and living at a real postcode near it: the same
    people from the same `seed` on the same day."""

    def __init__(
        self, *, seed: int, schools: Sequence[SchoolRow], organisations: dict[str, Organisation]
    ) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - invented people, not secrets
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.school_organisations = {school.urn: organisations[school.urn] for school in schools}
        self.academic_year = AcademicYear.current()
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


def demo_learners_create(
    *,
    count: int,
    seed: int,
    schools: Sequence[SchoolRow],
    organisations: dict[str, Organisation],
) -> Organisation:
    """Create the learners with their consent records and parents or carers, in batches.

    Returns the school that holds its own pupils' records, for the school staff demo user.
    """
    factory = _LearnerFactory(seed=seed, schools=schools, organisations=organisations)
    holders = _holders(count=count, rng=factory.rng, organisations=organisations)
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


def demo_duplicates_plant() -> None:
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
