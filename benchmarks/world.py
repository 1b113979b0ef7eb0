"""The partnership most sections measure in: two universities sharing learners under an
agreement, a charity outside it, twenty schools, and a signed-in person in each role.

Alpha University holds most learners and Beta University the rest of those shared; the
agreement shares identity and characteristics (not special category data); the charity holds
learners nobody else sees. The people: `officer` (an outreach officer at Alpha), `partner` (one
at Beta), `evaluator` (an evaluator at Alpha) and `school` (staff at the first school).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker.providers.person.en_GB import Provider as BritishNames
from stdnum.gb import upn as stdnum_upn

from benchmarks.seeding import school, university
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.activities.models import Activity, ActivitySubType
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Ethnicity, Learner, Sex
from widen.learners.selectors import YEAR_GROUPS
from widen.organisations.models import Organisation, OrganisationType, Partnership
from widen.testing.builders import agreement_between, partnership_with_members, person

BATCH_SIZE = 5000
SCHOOLS = 20
SEED = 20_240_901
HOST = "localhost"  # one of the development ALLOWED_HOSTS
LAST_NAMES: tuple[str, ...] = tuple(BritishNames.last_names)
FIRST_NAMES: tuple[str, ...] = tuple(BritishNames.first_names_female) + tuple(
    BritishNames.first_names_male
)
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


def build_partnership() -> BenchWorld:
    with request_context.bind(source="system"):
        alpha = university("Alpha University", "10000001")
        beta = university("Beta University", "10000002")
        charity = Organisation.objects.create(
            name="Gamma Futures Trust", organisation_type=OrganisationType.CHARITY
        )
        schools = [
            school(f"School {number:02d}", f"{100_001 + number}") for number in range(SCHOOLS)
        ]
        partnership = partnership_with_members(
            "Bench Uni Connect", lead=alpha, members=(alpha, beta, charity, *schools)
        )
        agreement_between(
            partnership,
            [alpha, beta],
            title="Alpha and Beta outreach agreement",
            purpose="Outreach delivery",
            special_category=False,
        )
        world = BenchWorld(alpha=alpha, beta=beta, charity=charity, schools=schools)
        for key, organisation, role in (
            ("officer", alpha, Role.OUTREACH_OFFICER),
            ("partner", beta, Role.OUTREACH_OFFICER),
            ("evaluator", alpha, Role.EVALUATOR),
            ("school", schools[0], Role.SCHOOL_STAFF),
        ):
            user = make_user(f"{key}.bench", organisation, role)
            world.users[key] = user
            world.tokens[key] = api_token_create(user=user, name="benchmark")[1]
            world.clients[key] = signed_in_client(user)
    return world


def make_user(username: str, organisation: Organisation, role: str) -> User:
    """A person without a password (the benchmark signs them in), a member in `role`."""
    return person(username, organisation, role, password=None, device_name="benchmark")


def signed_in_client(user: User) -> Client:
    """A client whose session has passed both the password step and MFA."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def add_learners(world: BenchWorld, rng: random.Random, count: int) -> None:
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


def page_request(
    client: Client, path: str, *, headers: dict[str, str] | None = None, name: str = ""
) -> Callable[[], object]:
    """A GET of `path` that must answer 200: what a browser receives (a download read to its
    end)."""

    def request() -> object:
        response = client.get(path, headers=headers, HTTP_HOST=HOST)
        if response.status_code != HTTPStatus.OK:
            prefix = f"{name}: " if name else ""
            raise RuntimeError(f"{prefix}{path} answered {response.status_code}.")
        if response.streaming:  # a download: read to its end, as a browser does
            return b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return response.content

    return request


def make_activities(
    world: BenchWorld,
    partnership: Partnership,
    sub_types: Sequence[ActivitySubType],
    *,
    count: int,
    stride: int,
) -> list[Activity]:
    """`count` activities delivered in turn by Alpha, Beta and the charity, their sub-types
    taken `stride` apart."""
    deliverers = [world.alpha, world.beta, world.charity]
    return [
        Activity.objects.create(
            partnership=partnership,
            delivered_by=deliverers[index % len(deliverers)],
            name=f"Activity {index + 1:02d}",
            sub_type=sub_types[index * stride % len(sub_types)],
        )
        for index in range(count)
    ]
