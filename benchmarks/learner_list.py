"""The learner list and detail pages, and the learner API, with many learners.

One partnership: Alpha University holds most learners and Beta University the rest of those
shared; a data-sharing agreement between the two shares identity and characteristics (not special
category data); a charity outside the agreement holds learners nobody else sees. Learners attend
twenty schools. The people measured:

* `officer`: an outreach officer at Alpha (sees Alpha's and, through the agreement, Beta's);
* `partner`: an outreach officer at Beta (sees Alpha's learners through the agreement);
* `evaluator`: an evaluator at Alpha (pseudonymised: characteristics and special category only);
* `school`: school staff at one school (sees that school's pupils).

Every case is timed at the reference scale (1,000 learners) and again at full scale, in the same
database, and each is compared with the bare ORM query that fetches the same rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker.providers.person.en_GB import Provider as BritishNames
from stdnum.gb import upn as stdnum_upn

from benchmarks.databases import analyse
from benchmarks.harness import Measurement, SectionRun
from widen.accounts.models import Membership, Role, User
from widen.accounts.services import api_token_create
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Ethnicity, Learner, Sex
from widen.learners.permissions import learner_policy
from widen.learners.selectors import YEAR_GROUPS, LearnerFilters, learner_list
from widen.organisations.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipMember,
)

PAGE_SIZE = 50  # as the list page shows
DEEP_PAGE = 1000
BATCH_SIZE = 5000
SCHOOLS = 20
SEED = 20_240_901
HOST = "localhost"  # one of the development ALLOWED_HOSTS

LAST_NAMES: tuple[str, ...] = tuple(BritishNames.last_names)
FIRST_NAMES: tuple[str, ...] = tuple(BritishNames.first_names_female) + tuple(
    BritishNames.first_names_male
)
SEARCH_SURNAME = "Harper" if "Harper" in LAST_NAMES else LAST_NAMES[0]
# Newham's local authority number, so the generated UPNs pass the check-letter validation.
UPN_LOCAL_AUTHORITY = "316"
ETHNICITIES: tuple[str, ...] = tuple(Ethnicity.values)


@dataclass
class BenchWorld:
    alpha: Organisation
    beta: Organisation
    charity: Organisation
    schools: list[Organisation]
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    learners: int = 0


@dataclass(frozen=True)
class Case:
    """One request, and the bare ORM query that fetches the same rows for its baseline."""

    name: str
    user: str
    path: str
    api: bool = False
    filters: LearnerFilters | None = None  # list cases: the rows the baseline fetches
    offset: int = 0
    learner_id: Any = None  # detail cases: the learner the baseline fetches

    def baseline_label(self) -> str:
        if self.learner_id is not None:
            return "ORM get of the same learner"
        return f"ORM query for the same {PAGE_SIZE} rows"


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership and people"):
        world = _build_partnership()
    scales = [bench.options.learners]
    if bench.options.reference_scale is not None:
        scales.insert(0, bench.options.reference_scale)
    for scale in scales:
        bench.say(f"seeding up to {scale:,} learners")
        with bench.stopwatch(f"seed up to {scale:,} learners (with audit rows)"):
            _add_learners(world, rng, scale - world.learners)
            bench.facts["planner_statistics"] = analyse(sqlite=bench.options.analyse_sqlite)
        with bench.stopwatch(f"measure at {scale:,} learners"):
            for case in _cases(world, scale):
                bench.say(f"{scale:,} learners: {case.name}")
                _measure(bench, world, case, scale)
    bench.facts["row_counts"] = {
        "learners": Learner.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "access_log_entries": AccessLogEntry.objects.count(),
    }
    bench.facts["search_surname"] = SEARCH_SURNAME


def _build_partnership() -> BenchWorld:
    with request_context.bind(source="system"):
        alpha = Organisation.objects.create(
            name="Alpha University",
            organisation_type=OrganisationType.HE_PROVIDER,
            ukprn="10000001",
        )
        beta = Organisation.objects.create(
            name="Beta University", organisation_type=OrganisationType.HE_PROVIDER, ukprn="10000002"
        )
        charity = Organisation.objects.create(
            name="Gamma Futures Trust", organisation_type=OrganisationType.CHARITY
        )
        schools = [
            Organisation.objects.create(
                name=f"School {number:02d}",
                organisation_type=OrganisationType.SCHOOL,
                urn=f"{100_001 + number}",
                phase="Secondary",
                local_authority="Newham",
                postcode="E15 1AA",
            )
            for number in range(SCHOOLS)
        ]
        partnership = Partnership.objects.create(name="Bench Uni Connect", lead_organisation=alpha)
        for organisation in (alpha, beta, charity, *schools):
            PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
        agreement = DataSharingAgreement.objects.create(
            partnership=partnership,
            title="Alpha and Beta outreach agreement",
            shares_identity=True,
            shares_characteristics=True,
            shares_special_category=False,
            purpose="Outreach delivery",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            starts_on=date(2020, 9, 1),
        )
        agreement.parties.set([alpha, beta])
        world = BenchWorld(alpha=alpha, beta=beta, charity=charity, schools=schools)
        for key, organisation, role in (
            ("officer", alpha, Role.OUTREACH_OFFICER),
            ("partner", beta, Role.OUTREACH_OFFICER),
            ("evaluator", alpha, Role.EVALUATOR),
            ("school", schools[0], Role.SCHOOL_STAFF),
        ):
            user = _make_user(f"{key}.bench", organisation, role)
            world.users[key] = user
            world.tokens[key] = api_token_create(user=user, name="benchmark")[1]
            world.clients[key] = _signed_in_client(user)
    return world


def _make_user(username: str, organisation: Organisation, role: str) -> User:
    user = User(username=username, first_name=username.split(".")[0].capitalize())
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    return user


def _signed_in_client(user: User) -> Client:
    """A client whose session has passed both the password step and MFA."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _add_learners(world: BenchWorld, rng: random.Random, count: int) -> None:
    """Add `count` learners in batches (each batch also writes its audit rows)."""
    generated = _generate(world, rng, start=world.learners, count=count)
    with request_context.bind(source="system"):
        while batch := [learner for _, learner in zip(range(BATCH_SIZE), generated, strict=False)]:
            Learner.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            world.learners += len(batch)


def _generate(
    world: BenchWorld, rng: random.Random, *, start: int, count: int
) -> Iterator[Learner]:
    year = AcademicYear.current()
    cohorts = [year.birth_dates_for(group)[0] for group in YEAR_GROUPS]
    for index in range(start, start + count):
        draw = rng.random()
        holder = world.alpha if draw < 0.7 else world.beta if draw < 0.9 else world.charity
        cohort_start = rng.choice(cohorts)
        yield Learner(
            organisation=holder,
            school=rng.choice(world.schools) if rng.random() < 0.9 else None,
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            preferred_name=rng.choice(FIRST_NAMES) if rng.random() < 0.05 else "",
            date_of_birth=cohort_start + timedelta(days=rng.randrange(365)),
            home_postcode="E15 4LZ",
            upn=_upn(index),
            sex=rng.choice((Sex.FEMALE, Sex.MALE)),
            free_school_meals=_fact(rng, 0.25),
            ever_6_free_school_meals=_fact(rng, 0.35),
            young_carer=_fact(rng, 0.05),
            estranged=_fact(rng, 0.01),
            first_in_family=_fact(rng, 0.45),
            care_experienced=_fact(rng, 0.03),
            disability=_fact(rng, 0.12),
            ethnicity=rng.choice(ETHNICITIES),
        )


def _fact(rng: random.Random, share_true: float) -> bool | None:
    draw = rng.random()
    if draw < 0.1:
        return None
    return draw < 0.1 + share_true * 0.9


def _upn(index: int) -> str:
    """A valid, unique UPN: LA number, establishment number, issue year, serial."""
    body = (
        f"{UPN_LOCAL_AUTHORITY}{2000 + index // 100_000:04d}"
        f"{index // 1000 % 100:02d}{index % 1000:03d}"
    )
    return stdnum_upn.calc_check_digit(body) + body


def _cases(world: BenchWorld, scale: int) -> list[Case]:
    officer = world.users["officer"]
    visible = learner_list(actor=officer).count()
    deep_page = max(1, min(DEEP_PAGE, math.ceil(visible / PAGE_SIZE)))
    deep_offset = (deep_page - 1) * PAGE_SIZE
    school = world.schools[1]
    one = learner_list(actor=officer).filter(organisation=world.alpha).first()
    if one is None:
        raise RuntimeError("The officer sees none of Alpha's learners.")
    search = LearnerFilters(search=SEARCH_SURNAME)
    school_year = LearnerFilters(school_id=school.id, year_group=10)
    special = LearnerFilters(characteristic="care_experienced")
    school_year_params = {"school": str(school.id), "year_group": "10"}
    return [
        Case("page: list", "officer", "/learners/", filters=LearnerFilters()),
        Case(
            "page: list, search",
            "officer",
            _url("/learners/", q=SEARCH_SURNAME),
            filters=search,
        ),
        Case(
            "page: list, school + year",
            "officer",
            _url("/learners/", **school_year_params),
            filters=school_year,
        ),
        Case(
            "page: list, care experienced",
            "officer",
            _url("/learners/", characteristic="care_experienced"),
            filters=special,
        ),
        Case(
            f"page: list, page {DEEP_PAGE}",
            "officer",
            _url("/learners/", page=str(DEEP_PAGE)),
            filters=LearnerFilters(),
            offset=deep_offset,
        ),
        Case("page: list (partner)", "partner", "/learners/", filters=LearnerFilters()),
        Case("page: list (evaluator)", "evaluator", "/learners/", filters=LearnerFilters()),
        Case("page: list (school staff)", "school", "/learners/", filters=LearnerFilters()),
        Case("page: detail", "officer", f"/learners/{one.id}/", learner_id=one.id),
        Case(
            "api: list",
            "officer",
            _url("/api/v1/learners", limit=str(PAGE_SIZE)),
            api=True,
            filters=LearnerFilters(),
        ),
        Case(
            "api: list, search",
            "officer",
            _url("/api/v1/learners", q=SEARCH_SURNAME, limit=str(PAGE_SIZE)),
            api=True,
            filters=search,
        ),
        Case(
            "api: list, school + year",
            "officer",
            _url("/api/v1/learners", **school_year_params, limit=str(PAGE_SIZE)),
            api=True,
            filters=school_year,
        ),
        Case(
            f"api: list, offset of page {DEEP_PAGE}",
            "officer",
            _url("/api/v1/learners", limit=str(PAGE_SIZE), offset=str(deep_offset)),
            api=True,
            filters=LearnerFilters(),
            offset=deep_offset,
        ),
        Case("api: get one", "officer", f"/api/v1/learners/{one.id}", api=True, learner_id=one.id),
    ]


def _url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}"


def _measure(bench: SectionRun, world: BenchWorld, case: Case, scale: int) -> None:
    request = _request(world, case)
    baseline = _baseline(world, case)
    timing = bench.time(request)
    # Counted after timing, so once-a-minute writes (a token's last use) rarely land in it.
    queries = bench.count_queries(request)
    details: dict[str, Any] = {"user": case.user, "path": case.path}
    if case.filters is not None:
        details["rows_matching"] = learner_list(
            actor=world.users[case.user], filters=case.filters
        ).count()
    bench.record(
        Measurement(
            case=case.name,
            scale=scale,
            timing=timing,
            queries=queries,
            baseline=bench.time(baseline) if baseline is not None else None,
            baseline_label=case.baseline_label(),
            details=details,
        )
    )


def _request(world: BenchWorld, case: Case) -> Callable[[], object]:
    if case.api:
        client = Client(HTTP_HOST=HOST)
        headers = {"Authorization": f"Bearer {world.tokens[case.user]}"}
    else:
        client = world.clients[case.user]
        headers = {}

    def request() -> object:
        response = client.get(case.path, headers=headers)
        if response.status_code != HTTPStatus.OK:
            raise RuntimeError(f"{case.name}: {case.path} answered {response.status_code}.")
        return response.content

    return request


def _baseline(world: BenchWorld, case: Case) -> Callable[[], object] | None:
    """The same rows through the ORM alone: no scopes, count, rendering, session or middleware."""
    actor = world.users[case.user]
    if case.learner_id is not None:
        visible = learner_policy.visible_to(actor).select_related("school", "organisation")
        return lambda: visible.all().get(id=case.learner_id)
    if case.filters is None:
        return None
    rows: QuerySet[Learner] = learner_list(actor=actor, filters=case.filters)

    def fetch() -> object:
        return list(rows.all()[case.offset : case.offset + PAGE_SIZE])

    return fetch
