"""The demo partnership, East London Uni Connect: real geography, invented people.

The schools and colleges are real (DfE Get Information About Schools) and so are the home
postcodes (ONS postcode lookup); see `data/ATTRIBUTION.md`. Every learner, parent, carer and
member of staff is invented. The build is deterministic: the same seed on the same day makes the
same people (year groups and ages depend on the current academic year).
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.db.models.deletion import ProtectedError

from widen.accounts.models import User
from widen.activities.models import Activity, Attendance
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.demo.events import demo_events_create
from widen.demo.geography import IOD2019_CSV, POSTCODES_CSV, SCHOOLS_CSV, read_schools
from widen.demo.learners import demo_duplicates_plant, demo_learners_create
from widen.demo.mentoring import (
    demo_mentoring_create,
    demo_mentoring_delete,
    demo_mentoring_lines,
)
from widen.demo.partners import (
    demo_partner_sign_ins,
    demo_partners_create,
    demo_partners_delete,
    demo_second_partners_create,
)
from widen.demo.partnership import (
    CHARITIES,
    HE_PROVIDERS,
    NEWHAM,
    PARTNERSHIP_NAME,
    QMUL,
    UEL,
    agreement_describe,
    demo_partnership_create,
)
from widen.demo.programme import demo_programme_create, demo_rule_sets_create
from widen.demo.students import demo_students_create, demo_students_delete, demo_students_link
from widen.demo.support import demo_support_create, demo_support_delete, demo_support_lines
from widen.demo.surveys import demo_surveys_create
from widen.demo.users import DEMO_USERNAMES, DemoLogin, demo_logins, demo_users, demo_users_create
from widen.evaluation.models import Survey, SurveyInvitation, SurveyResponse
from widen.events.models import Booking, Event
from widen.learners.models import ConsentRecord, Learner, ParentCarer
from widen.organisations.models import (
    DataSharingAgreement,
    Organisation,
    OrganisationType,
    Partnership,
)
from widen.programmes.models import Enrolment, Programme
from widen.reference.reading import DatasetError
from widen.reference.services import dataset_load
from widen.targeting.models import RuleSet
from widen.targeting.rule_sets import eligibility_compute
from widen.targeting.services import area_profiles_compute

# The real subsets the demo ships, loaded as dataset editions like any official file.
OPEN_DATA = (
    ("postcodes", POSTCODES_CSV, "May 2022"),
    ("iod2019", IOD2019_CSV, ""),
    ("gias", SCHOOLS_CSV, "24 May 2025"),
)

# Who coordinates the student partners at each university that has them.
PARTNER_COORDINATORS = ((QMUL, "outreach.officer"), (UEL, "org.admin"))
SECOND_COORDINATOR = PARTNER_COORDINATORS[1][1]

DEMO_PORT = 8000
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}/"
DEFAULT_LEARNERS = 5000
DEFAULT_SEED = 2026


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


class DemoError(Exception):
    """The demo cannot be built here; the message says why."""


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
        demo_duplicates_plant()
        area_profiles_compute()
        own_rule_set = demo_rule_sets_create()
        demo_programme_create(own_rule_set, seed=seed)
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
        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        demo_students_create(providers=partnership.members.order_by("name"))
        qmul = Organisation.objects.get(name=QMUL)
        demo_students_link(provider=qmul)
        demo_partners_create(
            provider=qmul,
            coordinator=User.objects.get(username="outreach.officer"),
            partnership=partnership,
        )
        demo_second_partners_create(
            provider=Organisation.objects.get(name=UEL),
            coordinator=User.objects.get(username=SECOND_COORDINATOR),
        )
        demo_support_create(provider=qmul, partnership=partnership)
        demo_mentoring_create(provider=qmul)
        return DemoResult(
            built=True, counts=demo_counts(), logins=demo_logins(), open_data=open_data
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
        demo_mentoring_delete(organisation_ids=organisation_ids)
        demo_support_delete(organisation_ids=organisation_ids)
        try:
            demo_partners_delete(organisation_ids=organisation_ids)
        except ProtectedError as error:
            raise DemoError(
                "Money owed to the demo's student partners is in the payments ledger (a claim "
                "was approved), and the ledger keeps every entry, so the demo cannot be "
                "deleted: build it again in an empty database."
            ) from error
        demo_students_delete(organisation_ids=organisation_ids)
        learners.delete()
        demo_users().delete()
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
            agreement_describe(agreement)
            for agreement in DataSharingAgreement.objects.filter(
                partnership__name=PARTNERSHIP_NAME
            ).prefetch_related("parties")
        ),
        learners=learners.count(),
        consent_records=ConsentRecord.objects.filter(learner__in=learners).count(),
        parent_carers=ParentCarer.objects.filter(learner__in=learners).count(),
        users=demo_users().count(),
        learners_by_holder=tuple(held.most_common()),
    )


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
        *_student_partner_lines(port),
        *demo_support_lines(QMUL, port),
        *demo_mentoring_lines(QMUL, port),
    ]
    return [line.rstrip() for line in lines]


def _student_partner_lines(port: int) -> list[str]:
    """How a demo student partner signs in: a link e-mailed to their address, which Widen in
    development prints where it runs (its e-mail goes to the console)."""
    lines: list[str] = []
    for provider, coordinator in PARTNER_COORDINATORS:
        partners = demo_partner_sign_ins(provider)
        if partners:
            lines += [
                "",
                f"Student partners at {provider} (coordinated by {coordinator}, who sees only "
                "theirs) sign in with a link e-mailed to them, no password: "
                + "; ".join(f"{who} <{address}>" for who, address in partners)
                + ".",
            ]
    first = demo_partner_sign_ins(QMUL)
    if not first:
        return lines
    name, email = first[0]
    return [
        *lines,
        f"To be {name}, enter {email} at http://127.0.0.1:{port}/my/sign-in/ and open the link "
        "in the e-mail printed in the terminal where Widen runs (in development its e-mail goes "
        'to the console), then choose "My work".',
    ]


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
    academic_year = AcademicYear.current()
    schools = read_schools()
    organisations = demo_partnership_create(schools=schools, academic_year=academic_year)
    self_holding = demo_learners_create(
        count=learners, seed=seed, schools=schools, organisations=organisations
    )
    demo_users_create(organisations=organisations, school=self_holding)
