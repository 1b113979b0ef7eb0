"""`widen demo`: a believable partnership on real geography, built the same way every time."""

from __future__ import annotations

import base64
import csv
import json
import logging
import re
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import Membership, Role, User
from widen.activities.models import Attendance, Session
from widen.activities.progress import next_sessions, programme_progress, year_elapsed
from widen.audit.models import AuditEvent
from widen.core.academic_years import age_on
from widen.core.identifiers import normalise_upn, validate_uln
from widen.demo import builder
from widen.demo.builder import DEMO_URL
from widen.demo.geography import (
    IOD2019_CSV,
    POSTCODES_CSV,
    SCHOOLS_CSV,
    not_reached_yet,
    read_schools,
)
from widen.demo.partnership import PARTNERSHIP_NAME
from widen.demo.programme import DEMO_PROGRAMME
from widen.demo.users import DEMO_PASSWORD, DEMO_USERNAMES, totp_key_for
from widen.learners.models import ConsentRecord, Learner, ParentCarer
from widen.learners.permissions import learner_policy
from widen.organisations.models import (
    DataCategory,
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipMember,
)
from widen.programmes.models import Programme
from widen.targeting.models import RuleSet

pytestmark = pytest.mark.django_db

LEARNERS = 300
QMUL = "10007775"
UEL = "10007789"
CITY = "10001478"
LSE = "10004063"
UKPRNS = {QMUL, UEL, CITY, LSE, "10007760", "10002718", "10004048", "10004351"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run_demo(**options: Any) -> str:
    out = StringIO()
    call_command("demo", learners=LEARNERS, stdout=out, **options)
    return out.getvalue()


# The demo is built once for the tests that look at it (those taking `output`): each of them runs
# in a savepoint inside the transaction it was built in, so whatever one test changes (building
# again, resetting) is undone before the next, and the whole demo is undone after the last. The
# tests that build into an empty database come first in this file and must not follow them.
_BUILT: list[str] = []


@pytest.fixture(scope="module")
def _built_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        _BUILT.append(run_demo())
        yield _BUILT[0]
        transaction.set_rollback(True)
    _BUILT.clear()


@pytest.fixture
def output(_built_once: str) -> str:
    return _built_once


@pytest.fixture(autouse=True)
def _empty_database_unless_built(request: pytest.FixtureRequest) -> None:
    if _BUILT and "output" not in request.fixturenames:
        pytest.fail("a test building into an empty database must come before those taking output")


def read_csv(path: Any) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def row_counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Organisation,
        Partnership,
        PartnershipMember,
        DataSharingAgreement,
        Learner,
        ConsentRecord,
        ParentCarer,
        User,
        Membership,
        TOTPDevice,
        AuditEvent,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


def test_refuses_to_build_over_organisations_it_did_not_make() -> None:
    Organisation.objects.create(
        name="Queen Mary University of London",
        organisation_type=OrganisationType.HE_PROVIDER,
        ukprn=QMUL,
    )
    with pytest.raises(CommandError, match="empty database"):
        run_demo()
    assert not Partnership.objects.exists()
    assert not Learner.objects.exists()


def test_says_how_to_start_widen_and_counts_the_open_data_rows_alike(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="widen"):
        output = run_demo()
    assert "`.venv/bin/widen serve`" in output
    assert "`make demo`" in output
    assert "`widen serve`" not in output  # only in .venv/bin, so not on anyone's PATH
    iod_rows = len(read_csv(IOD2019_CSV))
    assert f"English Indices of Deprivation 2019 (IMD, IDACI), IoD2019 ({iod_rows:,} rows)" in (
        output
    )
    logged = [
        record.getMessage()
        for record in caplog.records
        if "English Indices of Deprivation" in record.getMessage()
    ]
    assert logged
    assert logged[0].startswith(f"Loaded {iod_rows:,} rows of English Indices")
    assert f"stored as {2 * iod_rows:,} values" in logged[0]  # IMD and IDACI for each area


def test_prints_the_address_on_the_port_asked_for() -> None:
    output = run_demo(port=free_port())
    port = int(re.search(r"Sign in at http://127\.0\.0\.1:(\d+)/", output)[1])  # type: ignore[index]
    assert port != 8000
    assert f"`.venv/bin/widen serve --port {port}`" in output


def test_builds_the_partnership_from_the_real_schools(output: str) -> None:
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    assert partnership.lead_organisation.ukprn == QMUL
    members = partnership.members.all()
    assert Counter(members.values_list("organisation_type", flat=True)) == {
        OrganisationType.HE_PROVIDER: 8,
        OrganisationType.SCHOOL: 80,
        OrganisationType.CHARITY: 3,
        OrganisationType.LOCAL_AUTHORITY: 1,
    }
    assert set(members.exclude(ukprn="").values_list("ukprn", flat=True)) == UKPRNS
    schools = {row["urn"]: row for row in read_csv(SCHOOLS_CSV)}
    for school in members.filter(organisation_type=OrganisationType.SCHOOL):
        row = schools[school.urn]
        assert (school.name, school.local_authority, school.postcode) == (
            row["name"],
            row["la_name"],
            row["postcode"],
        )
        assert (school.percentage_fsm is None) == (row["percentage_fsm"] == "")
    for organisation in members:
        organisation.full_clean()
    assert Organisation.objects.count() == members.count()


def test_learners_are_in_years_9_to_13_at_real_postcodes_with_valid_identifiers(
    output: str,
) -> None:
    authority_of = {row["postcode"]: row["ladnm"] for row in read_csv(POSTCODES_CSV)}
    la_code_of = {row["urn"]: row["la_code"] for row in read_csv(SCHOOLS_CSV)}
    today = timezone.localdate()
    learners = list(Learner.objects.select_related("school"))
    assert len(learners) == LEARNERS
    for learner in learners:
        assert learner.school is not None
        assert 9 <= learner.year_group() <= 13
        assert authority_of[learner.home_postcode] == learner.school.local_authority
        if learner.upn:
            assert normalise_upn(learner.upn) == learner.upn
            assert learner.upn[1:4] == la_code_of[learner.school.urn]
        if learner.uln:
            validate_uln(learner.uln)
            assert age_on(learner.date_of_birth, today) >= 14
        if learner.free_school_meals:
            assert learner.ever_6_free_school_meals is True
        if learner.estranged:
            assert learner.year_group() >= 12
        learner.full_clean()
    assert sum(bool(learner.upn) for learner in learners) > 0.8 * LEARNERS
    assert sum(bool(learner.uln) for learner in learners) > 0.2 * LEARNERS
    upns = Counter((learner.organisation_id, learner.upn) for learner in learners if learner.upn)
    assert max(upns.values()) == 1
    assert any(learner.free_school_meals is None for learner in learners)
    assert any(learner.preferred_name for learner in learners)

    consents = ConsentRecord.objects.all()
    assert Counter(consents.values_list("learner_id", flat=True)).most_common(1)[0][1] == 1
    assert consents.count() == LEARNERS
    assert set(consents.values_list("lawful_basis", "given_by", "privacy_notice_version")) == {
        (LawfulBasis.PUBLIC_TASK, "not_applicable", "2025.1")
    }
    parents = list(ParentCarer.objects.all())
    assert 0.45 * LEARNERS < len(parents) < 0.75 * LEARNERS
    for parent in parents:
        assert re.fullmatch(r"07700 900\d{3}", parent.phone)
        assert parent.email.endswith("@example.com")
    created = AuditEvent.objects.filter(source="demo", action="create")
    assert created.filter(object_type="learners.learner").count() == LEARNERS


def test_the_two_agreements_share_different_data_with_different_partners(output: str) -> None:
    core = DataSharingAgreement.objects.get(title="Core outreach data-sharing agreement")
    progression = DataSharingAgreement.objects.get(title="Progression tracking agreement")
    assert core.categories == {
        DataCategory.IDENTITY,
        DataCategory.CHARACTERISTICS,
        DataCategory.SPECIAL_CATEGORY,
    }
    assert progression.categories == {DataCategory.IDENTITY, DataCategory.CHARACTERISTICS}
    assert core.special_category_condition == "spi_equality"
    assert core.ends_on is None
    assert progression.ends_on is not None
    assert core.starts_on == progression.starts_on
    assert set(core.parties.values_list("organisation_type", flat=True)) == {
        OrganisationType.HE_PROVIDER,
        OrganisationType.LOCAL_AUTHORITY,
        OrganisationType.CHARITY,
    }
    assert core.parties.count() == 6
    assert set(progression.parties.values_list("ukprn", flat=True)) == {QMUL, CITY}
    for agreement in (core, progression):
        agreement.full_clean()
        assert agreement.is_in_force()
    assert not DataSharingAgreement.objects.filter(parties__ukprn=LSE).exists()


def test_the_logins_show_the_agreements_at_work(output: str) -> None:
    partner = User.objects.get(username="partner.officer")
    seen = set(learner_policy.visible_to(partner).values_list("id", flat=True))
    held = Learner.objects.filter(organisation__ukprn__in=[QMUL, CITY])
    assert seen == set(held.values_list("id", flat=True))
    qmul_learner = Learner.objects.filter(organisation__ukprn=QMUL).first()
    assert qmul_learner is not None
    access = learner_policy.access(partner, qmul_learner)
    assert access is not None
    assert not access.sees_special_category

    unshared = User.objects.get(username="unshared.officer")
    own = set(Learner.objects.filter(organisation__ukprn=LSE).values_list("id", flat=True))
    assert own
    assert set(learner_policy.visible_to(unshared).values_list("id", flat=True)) == own


def test_every_demo_user_has_confirmed_mfa_and_its_secret_is_printed(output: str) -> None:
    roles = {
        "partnership.admin": (Role.PARTNERSHIP_ADMIN, QMUL),
        "org.admin": (Role.ORGANISATION_ADMIN, UEL),
        "outreach.officer": (Role.OUTREACH_OFFICER, QMUL),
        "evaluator": (Role.EVALUATOR, QMUL),
        "partner.officer": (Role.OUTREACH_OFFICER, CITY),
        "unshared.officer": (Role.OUTREACH_OFFICER, LSE),
    }
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        validate_password(DEMO_PASSWORD, user)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == totp_key_for(username)
        secret = base64.b32encode(device.bin_key).decode()
        assert re.search(rf"^{re.escape(username)} .*{DEMO_PASSWORD}\s+{secret}$", output, re.M)
        assert device.verify_token(totp(base64.b32decode(secret)))
        if username in roles:
            membership = user.memberships.get()
            assert (membership.role, membership.organisation.ukprn) == roles[username]
    assert User.objects.get(username="read.only").memberships.get().organisation.name == (
        "Next Steps East London"
    )
    staff = User.objects.get(username="school.staff").memberships.get()
    assert staff.role == Role.SCHOOL_STAFF
    assert staff.organisation.phase == "Secondary"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert not admin.memberships.exists()
    assert DEMO_URL in output
    assert "oathtool --totp -b" in output


def test_running_again_changes_nothing(output: str) -> None:
    before = row_counts()
    again = run_demo()
    assert "already built" in again
    assert row_counts() == before
    assert again.split("Sign in at")[1] == output.split("Sign in at")[1]


def test_reset_rebuilds_the_same_people_and_keeps_the_audit_trail(output: str) -> None:
    def people() -> list[tuple[Any, ...]]:
        fields = ("first_name", "last_name", "date_of_birth", "home_postcode", "upn", "uln")
        return sorted(Learner.objects.values_list(*fields))

    before, counts, old_ids = people(), row_counts(), set(Learner.objects.values_list("id"))
    rebuilt = run_demo(reset=True)
    assert rebuilt.startswith(f"Built the {PARTNERSHIP_NAME}")
    assert people() == before
    assert not old_ids & set(Learner.objects.values_list("id"))
    after = row_counts()
    assert {name: after[name] for name in after if name != "AuditEvent"} == {
        name: counts[name] for name in counts if name != "AuditEvent"
    }
    deleted = AuditEvent.objects.filter(source="demo", action="delete")
    assert deleted.filter(object_type="learners.learner").count() == LEARNERS
    assert after["AuditEvent"] > counts["AuditEvent"]


def test_school_staff_see_just_the_pupils_their_school_holds(output: str) -> None:
    staff = User.objects.get(username="school.staff")
    school = staff.memberships.get().organisation
    seen = learner_policy.visible_to(staff)
    assert seen.exists()
    assert set(seen.values_list("id", flat=True)) == set(
        Learner.objects.filter(organisation=school).values_list("id", flat=True)
    )
    assert set(seen.values_list("school_id", flat=True)) == {school.id}
    pupil = seen.first()
    assert pupil is not None
    access = learner_policy.access(staff, pupil)
    assert access is not None
    assert access.can_edit
    assert not access.sees_special_category
    officer = User.objects.get(username="outreach.officer")
    assert not learner_policy.visible_to(officer).filter(organisation=school).exists()


def test_the_demo_runs_a_progression_programme_with_registers_taken(output: str) -> None:
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    assert list(programme.stages.values_list("year_group", flat=True)) == [9, 10, 11, 12, 13]
    assert programme.rule_set is not None
    enrolled = programme.enrolments.filter(left_on=None).count()
    eligible = programme.rule_set.results.filter(eligible=True).count()
    assert 0 < enrolled == eligible
    today = timezone.localdate()
    assert Session.objects.filter(date__lt=today).exists()
    assert Session.objects.filter(date__gt=today).exists()
    attended = Attendance.objects.filter(status="attended").count()
    assert 0 < attended < Attendance.objects.count()  # some were absent
    progress = programme_progress(programme)
    statuses = {stage.status for stage in progress.values()}
    assert statuses <= {"behind", "on_track", "complete", "no_stage"}
    if year_elapsed(today) >= Decimal("0.1"):  # from October, those without hours fall behind
        assert "behind" in statuses
    assert any(next_sessions(programme, progress).values())
    assert "Year " in next(iter(progress.values())).reason
    # Building again over it changes nothing; --reset removes and rebuilds it.
    run_demo(reset=True)
    assert Programme.objects.filter(name=DEMO_PROGRAMME).count() == 1


def test_the_demo_holds_duplicates_to_find_and_twins_never_offered(output: str) -> None:
    """The partnership admin's "Look for duplicates now" finds the child recorded again after
    moving house and the one with a misspelt surname, and sets the planted twins aside."""
    from widen.learners.duplicates.reviews import duplicates_find  # noqa: PLC0415
    from widen.learners.models import DuplicateCandidate  # noqa: PLC0415

    admin = User.objects.get(username="partnership.admin")
    duplicates_find(
        actor=admin, partnership=Partnership.objects.get(name="East London Uni Connect")
    )
    pairs = [
        (pair.learner_one, pair.learner_two)
        for pair in DuplicateCandidate.objects.select_related("learner_one", "learner_two")
        if pair.learner_one is not None and pair.learner_two is not None
    ]
    assert pairs
    described = {
        (
            one.first_name == two.first_name,
            one.last_name == two.last_name,
            one.date_of_birth == two.date_of_birth,
        )
        for one, two in pairs
    }
    assert (True, True, True) in described  # moved house: the same child twice
    assert (True, False, True) in described  # a misspelt surname
    for one, two in pairs:
        twins = (
            one.first_name != two.first_name
            and one.date_of_birth == two.date_of_birth
            and one.home_postcode == two.home_postcode
        )
        assert not twins, (one.display_name, two.display_name)


def test_every_targeting_page_shows_figures_from_the_data_the_demo_loads(
    output: str, client_for: Callable[..., Client]
) -> None:
    """The flagship rule set finds learners (on the demo's clearly marked synthetic OfS look-up),
    the schools page and the dashboard's cold spots show each school's % FSM from GIAS, and the
    schools the partnership does not reach yet are listed and mapped."""
    partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
    client = client_for(User.objects.get(username="outreach.officer"))
    fsm = {row["urn"]: row["percentage_fsm"] for row in read_csv(SCHOOLS_CSV)}
    assert "OfS postcode look-up" in output
    assert "(synthetic)" in output

    rule_sets = list(RuleSet.objects.filter(partnership=partnership))
    assert "Uni Connect target learner" in {rule_set.name for rule_set in rule_sets}
    listing = client.get(reverse("targeting:rule_sets")).content.decode()
    for rule_set in rule_sets:
        eligible = rule_set.results.filter(eligible=True).count()
        assert 0 < eligible < LEARNERS, rule_set.name
        assert rule_set.name in listing
        page = client.get(reverse("targeting:rule_set", args=[rule_set.pk])).content.decode()
        assert "is not loaded" not in page
        version = rule_set.current_version
        assert version is not None
        definition = json.dumps(version.definition)
        reads_ofs = any(word in definition for word in ("polar4", "tundra", "target_ward"))
        assert ("Synthetic values, not official" in page) == reads_ofs, rule_set.name

    uni_connect = next(r for r in rule_sets if r.name == "Uni Connect target learner")
    schools = client.get(
        reverse("targeting:schools"),
        {"partnership": str(partnership.pk), "rule_set": str(uni_connect.pk)},
    )
    reached, not_reached = schools.context["reached"], schools.context["not_reached"]
    assert reached
    assert sum(row.eligible for row in reached) > 0
    for row in reached + not_reached:
        shown = "" if row.percentage_fsm is None else str(row.percentage_fsm)
        assert shown == fsm[row.urn], row.name
    expected = {school.name for school in not_reached_yet(read_schools())}
    assert expected <= {row.name for row in not_reached}
    for name in expected:
        assert escape(name) in schools.content.decode()

    targets = client.get(
        reverse("reporting:targets", args=[partnership.pk]), {"rule_set": str(uni_connect.pk)}
    )
    figures = targets.context["figures"]
    assert figures.eligible > 0
    assert figures.cold_spots
    for spot in figures.cold_spots:
        assert spot.cells()[4] == fsm[spot.urn], spot.name
    assert {spot.name for spot in figures.cold_spots} >= expected

    for measure in ("share", "reach"):
        shown_map = client.get(
            reverse("targeting:map"),
            {
                "partnership": str(partnership.pk),
                "rule_set": str(uni_connect.pk),
                "measure": measure,
            },
        )
        school_map = shown_map.context["map"]
        members = partnership.members.filter(organisation_type=OrganisationType.SCHOOL)
        assert {point.row.urn for point in school_map.points} == set(
            members.values_list("urn", flat=True)
        )
        assert not school_map.not_placed
        for name in expected:
            point = next(p for p in school_map.points if p.row.name == name)
            assert point.band.hollow
            assert point.band.label.startswith("No share" if measure == "share" else "Not")


def test_open_data_new_since_the_demo_was_built_is_worked_out_for_it(
    output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running `widen demo` again over a demo built before a file shipped (here: a new edition
    of its OfS look-up, every postcode in a target ward) works the rule sets out again."""
    uni_connect = RuleSet.objects.get(name="Uni Connect target learner")
    before = uni_connect.results.filter(eligible=True).count()
    invented = builder.synthetic_ofs_lookup()
    lines = invented.splitlines()
    header = lines[0].split(",")
    flag = header.index("uni_connect_target_ward")
    everywhere = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[flag] = "1"
        everywhere.append(",".join(cells))
    monkeypatch.setattr(builder, "synthetic_ofs_lookup", lambda: "\n".join(everywhere) + "\n")
    again = run_demo()
    assert "already built" in again
    after = uni_connect.results.filter(eligible=True).count()
    assert after > before
    state_funded_with_postcode = Learner.objects.exclude(home_postcode="").count()
    assert after > 0.9 * state_funded_with_postcode
