"""The dashboard pages, their CSV downloads and the monitoring export, as people use them."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in_client
from tests.reporting.conftest import Delivery, add_session, fsm_rule_set, pupils
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.progress import sustained_engagement
from widen.audit.models import AccessLogEntry
from widen.learners.models import Learner
from widen.learners.selectors import learner_pseudonym
from widen.organisations.models import Organisation, OrganisationType, PartnershipMember
from widen.programmes.models import Enrolment, Programme
from widen.programmes.services import enrol, enrolment_leave
from widen.reference.models import Dataset, DatasetEdition, Establishment
from widen.targeting.hooks import eligibility_changed
from widen.targeting.models import (
    LearnerAreaProfile,
    LearnerEligibility,
    ProfileStatus,
    RuleSet,
    RuleSetVersion,
)
from widen.testing.delivery import attend
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _rows(response: object) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _officer(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def _eligible(rule_set: RuleSet, learners: list[Learner], eligible: bool) -> None:
    version = rule_set.versions.get()
    LearnerEligibility.objects.bulk_create(
        LearnerEligibility(
            rule_set=rule_set,
            learner=learner,
            version=version,
            eligible=eligible,
            explanation="eligible: FSM" if eligible else "not eligible",
        )
        for learner in learners
    )
    eligibility_changed(rule_set.pk)  # as targeting does when it writes results


def _engaged_by_target_status(delivery: Delivery, *, eligible: int, not_eligible: int) -> RuleSet:
    """A rule set, and so many learners eligible under it and not, all at the first session."""
    rule_set = fsm_rule_set(delivery.world)
    targets = pupils(delivery.world, eligible, prefix="Target")
    others = pupils(delivery.world, not_eligible, prefix="Other")
    _eligible(rule_set, targets, True)
    _eligible(rule_set, others, False)
    attend(delivery.sessions[0], [*targets, *others])
    return rule_set


def test_the_dashboard_shows_reach_by_school_year_type_and_partner(delivery: Delivery) -> None:
    world = delivery.world
    first, second, third = delivery.sessions
    year_10 = pupils(world, 7)
    attend(first, year_10)
    attend(third, year_10[:2])
    response = _officer(world).get(reverse("reporting:dashboard", args=[world.north.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reach and coverage: North" in page
    # 7 learners at the school, 2 hours each at Alpha's joint masterclass, 3 at Beta's visit.
    assert "<dd>7</dd>" in page
    assert "<dd>20</dd>" in page  # 7 × 2 + 2 × 3 contact hours
    assert "Sixth Form School" in page
    assert "Year 10" in page
    assert "Masterclasses" in page
    assert "Alpha University" in page
    # Beta's campus visit reached two learners: too few to show.
    assert "fewer than 5" in page
    assert "Counts of fewer than 5 learners" in page
    # Each chart is an SVG with a title and description, followed by its table.
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert '<title id="chart-schools-title">' in page
    # The charts need no script: the page's only scripts are the shared static files.
    scripts = re.findall(r"<script[^>]*>", page)
    assert all("src=" in tag and "/static/" in tag for tag in scripts), scripts


def test_each_table_downloads_as_formula_safe_csv_with_small_counts_suppressed(
    delivery: Delivery,
) -> None:
    world = delivery.world
    world.beta.name = '=HYPERLINK("http://evil.example")'
    world.beta.save()
    year_10 = pupils(world, 6)
    attend(delivery.sessions[0], year_10)
    attend(delivery.sessions[2], year_10[:3])
    client = _officer(world)
    url = reverse("reporting:dashboard", args=[world.north.pk])
    partners = _rows(client.get(url, {"format": "csv", "table": "partners"}))
    assert partners[0] == [
        "Delivering partner",
        "Learners engaged",
        "Contact hours",
        "Sessions attended",
    ]
    assert ["Alpha University", "6", "12", "6"] in partners
    assert ['\'=HYPERLINK("http://evil.example")', "fewer than 5", "not shown", "not shown"] in (
        partners
    )
    years = _rows(client.get(url, {"format": "csv", "table": "year-groups"}))
    assert years[1] == ["Year 10", "6", "21", "9"]


def test_target_learners_and_cold_spots(delivery: Delivery) -> None:
    world = delivery.world
    rule_set = _engaged_by_target_status(delivery, eligible=6, not_eligible=5)
    client = _officer(world)
    url = reverse("reporting:targets", args=[world.north.pk])
    response = client.get(url, {"rule_set": str(rule_set.pk)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Learners engaged by target status" in page
    status = _rows(client.get(url, {"format": "csv", "table": "target-status"}))
    assert status[1:] == [
        ["Eligible", "6", "12", "6"],
        ["Not eligible", "5", "10", "5"],
        ["Not worked out yet or not monitored", "0", "0", "0"],
    ]
    assert "(coverage: 100%)" in page
    assert "No cold spots" in page
    # A second school whose learners the rule set is for, none of them engaged: a cold spot.
    far = Organisation.objects.create(
        name="Far Academy", organisation_type=OrganisationType.SCHOOL, urn="100002"
    )
    PartnershipMember.objects.create(partnership=world.north, organisation=far)
    unreached = pupils(world, 5, prefix="Far")
    Learner.objects.filter(pk__in=[learner.pk for learner in unreached]).update(school=far)
    _eligible(rule_set, unreached, True)
    spots = _rows(client.get(url, {"format": "csv", "table": "cold-spots"}))
    assert spots[0] == [
        "School or college",
        "URN",
        "Local authority",
        "Learners the rule set is for",
        "% FSM (GIAS)",
        "Why it is a cold spot",
    ]
    assert spots[1:] == [
        ["Far Academy", "100002", "", "5", "", "learners the rule set is for, none engaged"]
    ]
    assert "Sixth Form School" not in {row[0] for row in spots}


def test_a_small_target_status_cannot_be_worked_out_from_the_learners_engaged(
    delivery: Delivery,
) -> None:
    """The three target-status rows add up to the learners engaged on the reach page: with 3
    not eligible, the eligible row is withheld too, so subtracting gives nothing away."""
    world = delivery.world
    rule_set = _engaged_by_target_status(delivery, eligible=9, not_eligible=3)
    client = _officer(world)
    url = reverse("reporting:targets", args=[world.north.pk])
    status = _rows(
        client.get(url, {"format": "csv", "table": "target-status", "rule_set": str(rule_set.pk)})
    )
    assert status[1:] == [
        ["Eligible", "not shown", "not shown", "not shown"],
        ["Not eligible", "fewer than 5", "not shown", "not shown"],
        ["Not worked out yet or not monitored", "0", "0", "0"],
    ]
    page = client.get(url, {"rule_set": str(rule_set.pk)}).content.decode()
    assert "<dt>Of them, engaged</dt><dd>not shown (coverage: not shown)</dd>" in page


def test_cold_spots_list_likely_target_schools_from_gias_with_no_learners_engaged(
    delivery: Delivery,
) -> None:
    world = delivery.world
    fsm_rule_set(world)  # the page lists cold spots for a rule set
    attend(delivery.sessions[0], [world.learner_alpha])
    gias = _edition(Dataset.GIAS, "25 November 2026")

    def establishment(urn: str, name: str, **changes: object) -> None:
        values: dict[str, object] = {
            "edition": gias,
            "urn": urn,
            "name": name,
            "phase": "Secondary",
            "status": "Open",
            "local_authority": "Newham",
            "state_funded": True,
            "percentage_fsm": Decimal("41.5"),
        }
        values.update(changes)
        Establishment.objects.create(**values)

    establishment("100001", "Sixth Form School")  # engaged: not a cold spot
    establishment("100003", "Eastside Academy")
    establishment("100004", "Riverside Primary", phase="Primary")
    establishment("100005", "Closed High", status="Closed")
    establishment("100006", "Private College", state_funded=False)
    establishment("100007", "Elsewhere School", local_authority="Hackney")
    url = reverse("reporting:targets", args=[world.north.pk])
    spots = _rows(_officer(world).get(url, {"format": "csv", "table": "cold-spots"}))
    assert spots[1:] == [
        [
            "Eastside Academy",
            "100003",
            "Newham",
            "–",
            "41.5",
            "likely target school (GIAS), no learners engaged",
        ]
    ]


def _sustained_after(world: World, *, hours: int, activities: int, years: int) -> Programme:
    """A programme whose learners are engaged sustainably after so many hours, activities and
    academic years."""
    return Programme.objects.create(
        partnership=world.north,
        name="Learner Progression Programme",
        sustained_hours=Decimal(hours),
        sustained_activities=activities,
        sustained_years=years,
    )


def test_sustained_engagement_rate_matches_the_programmes_measure(delivery: Delivery) -> None:
    world = delivery.world
    programme = _sustained_after(world, hours=5, activities=2, years=2)
    learners = pupils(world, 8)
    enrol(actor=system_actor("test"), programme=programme, learners=learners, on=date(2025, 9, 1))
    first, second, third = delivery.sessions
    attend(first, learners)  # 2 hours, 2025/26
    attend(second, learners[:6])  # 1.5 hours, 2025/26
    attend(third, learners[:5])  # 3 hours at another activity, 2026/27
    expected = sum(
        engaged.sustained
        for engaged in sustained_engagement(programme, [x.pk for x in learners]).values()
    )
    assert expected == 5
    client = _officer(world)
    url = reverse("reporting:sustained", args=[world.north.pk])
    rows = _rows(client.get(url, {"programme": str(programme.pk), "format": "csv"}))
    assert rows[1] == ["All enrolled learners", "8", "5", "62%"]
    assert rows[2] == ["Sixth Form School", "8", "5", "62%"]
    page = client.get(url).content.decode()
    assert "Sustained-engagement rate" in page
    assert "62%" in page
    # Kept up to date: a sixth learner reaches the measure, one of the five leaves.
    extra = add_session(world, delivery.visit, date(2026, 11, 2), hours="3")
    attend(extra, [learners[5]])
    rows = _rows(client.get(url, {"programme": str(programme.pk), "format": "csv"}))
    assert rows[1] == ["All enrolled learners", "8", "6", "75%"]
    leaver = Enrolment.objects.get(programme=programme, learner=learners[0])
    enrolment_leave(
        actor=system_actor("test"), enrolment=leaver, reason="Moved away", on=date(2026, 11, 3)
    )
    rows = _rows(client.get(url, {"programme": str(programme.pk), "format": "csv"}))
    assert rows[1] == ["All enrolled learners", "7", "5", "71%"]


def test_a_small_school_on_the_sustained_table_cannot_be_worked_out_from_the_total(
    delivery: Delivery,
) -> None:
    """Enrolled and sustained each add up to the total: a school with 2 enrolled is hidden with
    the next smallest school, so subtracting the schools shown from the total pins neither."""
    world = delivery.world
    programme = _sustained_after(world, hours=1, activities=1, years=1)
    sizes = {"Bigley Academy": 9, "Middleton School": 6, "Smallwood School": 2}
    for name, size in sizes.items():
        school = Organisation.objects.create(name=name, organisation_type=OrganisationType.SCHOOL)
        learners = pupils(world, size, prefix=name.split()[0])
        Learner.objects.filter(pk__in=[learner.pk for learner in learners]).update(school=school)
        enrol(
            actor=system_actor("test"), programme=programme, learners=learners, on=date(2025, 9, 1)
        )
        attend(delivery.sessions[0], learners)
    client = _officer(world)
    url = reverse("reporting:sustained", args=[world.north.pk])
    rows = _rows(client.get(url, {"programme": str(programme.pk), "format": "csv"}))
    assert rows[1] == ["All enrolled learners", "17", "17", "100%"]
    assert rows[2:] == [
        ["Bigley Academy", "9", "9", "100%"],
        ["Middleton School", "not shown", "not shown", "not shown"],
        ["Smallwood School", "not shown", "not shown", "not shown"],
    ]


def test_another_partnership_answers_not_found(delivery: Delivery) -> None:
    world = delivery.world
    client = _officer(world)
    for name in ("dashboard", "targets", "sustained", "monitoring_export"):
        response = client.get(reverse(f"reporting:{name}", args=[world.south.pk]))
        assert response.status_code == 404, name
    assert not AccessLogEntry.objects.exists()


def _edition(dataset: str, edition: str) -> DatasetEdition:
    return DatasetEdition.objects.create(
        dataset=dataset,
        publisher="ONS",
        title=dataset,
        edition=edition,
        file_name=f"{dataset}.csv",
        file_sha256=dataset * 4,
    )


def test_the_monitoring_export_names_learners_only_for_those_who_may_see_them(
    delivery: Delivery,
) -> None:
    world = delivery.world
    first, second, third = delivery.sessions
    learner = world.learner_alpha
    attend(first, [learner])
    attend(second, [learner])
    attend(third, [learner, world.learner_beta])
    deprivation = _edition(Dataset.IOD2019, "IoD2019")
    LearnerAreaProfile.objects.create(
        learner=learner,
        postcode="E15 4LZ",
        status=ProfileStatus.FOUND,
        imd_decile=1,
        deprivation_edition=deprivation,
    )
    plain = fsm_rule_set(world)
    _eligible(plain, [learner], True)
    special = RuleSet.objects.create(partnership=world.north, name="Care experienced")
    RuleSetVersion.objects.create(
        rule_set=special,
        number=3,
        definition={"any": [{"all": [{"criterion": "care_experienced"}]}]},
        uses_special_category=True,
    )
    _eligible(special, [learner], True)
    url = reverse("reporting:monitoring_export", args=[world.north.pk])

    officer = _rows(_officer(world).get(url))
    header, *rows = officer
    assert header[:6] == [
        "learner_pseudonym",
        "first_name",
        "last_name",
        "date_of_birth",
        "upn",
        "learner_held_by",
    ]
    mine = [dict(zip(header, row, strict=True)) for row in rows if row[1] == "Amara"]
    assert {row["activity"] for row in mine} == {"Science masterclass", "Campus day"}
    masterclass = next(row for row in mine if row["activity"] == "Science masterclass")
    assert masterclass["learner_pseudonym"] == learner_pseudonym(learner.pk)
    assert masterclass["activity_type"] == "Masterclasses"
    assert masterclass["activity_sub_type"] == "Subject masterclass"
    assert masterclass["delivering_partner"] == "Alpha University"
    assert (masterclass["contact_hours"], masterclass["sessions_attended"]) == ("3.5", "2")
    assert (masterclass["first_attended"], masterclass["last_attended"]) == (
        first.date.isoformat(),
        second.date.isoformat(),
    )
    assert masterclass["imd_decile"] == "1"
    assert masterclass["imd_decile_edition"] == str(deprivation)
    assert masterclass["target: Uni Connect target learner"] == "yes"
    assert masterclass["target: Care experienced"] == "yes"
    assert masterclass["target: Care experienced (version)"] == "3"
    assert len(rows) == 3  # Amara's two activities and Bea's visit

    # The evaluator sees the same learners pseudonymised, without special-category flags named.
    evaluator_rows = _rows(signed_in_client(world.users[Role.EVALUATOR]).get(url))
    header, *rows = evaluator_rows
    assert "first_name" not in header
    assert "Amara" not in str(evaluator_rows)
    assert len(rows) == 3
    # School staff see special category data of no one: the flag is withheld.
    school_rows = _rows(signed_in_client(world.users[Role.SCHOOL_STAFF]).get(url))
    header, *rows = school_rows
    flags = {
        dict(zip(header, row, strict=True))["target: Care experienced"]
        for row in rows
        if row[0] == learner_pseudonym(learner.pk)
    }
    assert flags == {"not shown"}

    logged = AccessLogEntry.objects.filter(purpose="monitoring export: North")
    assert set(logged.values_list("learner_id", flat=True)) == {learner.pk, world.learner_beta.pk}
    assert logged.filter(actor_id=world.users[Role.EVALUATOR].pk).count() == 2


def test_the_monitoring_export_leaves_out_learners_the_person_cannot_see(
    delivery: Delivery,
) -> None:
    world = delivery.world
    # Gamma's learner attends North's activity (recorded by its deliverer), but no agreement
    # shares Gamma's learners with anyone in North.
    attend(delivery.sessions[0], [world.learner_gamma, world.learner_alpha])
    rows = _rows(_officer(world).get(reverse("reporting:monitoring_export", args=[world.north.pk])))
    pseudonyms = {row[0] for row in rows[1:]}
    assert learner_pseudonym(world.learner_alpha.pk) in pseudonyms
    assert learner_pseudonym(world.learner_gamma.pk) not in pseudonyms


def _queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["dashboard", "targets", "sustained"])
def test_each_dashboard_page_makes_as_many_queries_with_ten_times_the_attendance(
    delivery: Delivery, page: str
) -> None:
    world = delivery.world
    rule_set = fsm_rule_set(world)
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    client = _officer(world)
    url = reverse(f"reporting:{page}", args=[world.north.pk])
    params = {"rule_set": str(rule_set.pk), "programme": str(programme.pk)}

    def grow(count: int, prefix: str) -> None:
        learners = pupils(world, count, prefix=prefix, year_group=9 + count % 4)
        _eligible(rule_set, learners, True)
        enrol(
            actor=system_actor("test"), programme=programme, learners=learners, on=date(2025, 9, 1)
        )
        for session in delivery.sessions:
            attend(session, learners)
        extra = add_session(world, delivery.visit, date(2026, 11, 1))
        attend(extra, learners)

    grow(3, "Few")
    few = _queries(client, url, params)
    grow(30, "Many")
    many = _queries(client, url, params)
    assert many == few, f"{page}: {few} queries with 3 learners, {many} with 33"


def test_the_monitoring_export_is_formula_safe(delivery: Delivery) -> None:
    world = delivery.world
    delivery.masterclass.name = '=HYPERLINK("http://evil.example","Open")'
    delivery.masterclass.save()
    world.learner_alpha.first_name = "+Amara"
    world.learner_alpha.save()
    attend(delivery.sessions[0], [world.learner_alpha])
    rows = _rows(_officer(world).get(reverse("reporting:monitoring_export", args=[world.north.pk])))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["activity"] == '\'=HYPERLINK("http://evil.example","Open")'
    assert record["first_name"] == "'+Amara"
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@")), cell
