"""Bursaries and awards through the JSON API, with tokens: an adviser sets up an award scheme in
pence, offers it (hearing who was not offered and why), lists its awards with their instalments,
stops one saying why, lists the instalments held first and reads the finance summary; a student
lists their own awards with what has been paid and accepts or declines an offer; bad input is
refused naming the field; another provider's adviser and other students are answered 404."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import api_call
from tests.students.records import make_student
from tests.support.finance_world import INSTALMENT, AwardsWorld, awards_world
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.students.models import IncomeBand, Student
from widen.support.models import (
    AwardScheme,
    AwardStatus,
    MembershipSource,
    MembershipStatus,
    SchemeMembership,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/support"


@pytest.fixture
def made(world: World) -> AwardsWorld:
    return awards_world(world)


def adviser(world: World) -> str:
    return world.tokens[Role.STUDENT_SUPPORT_ADVISER]


def token_of(student: Student) -> str:
    user = make_user(f"student.{student.student_number.lower()}", None, None)
    Student.objects.filter(pk=student.pk).update(user=user)
    return api_token_create(user=user, name="Phone")[1]


def test_an_adviser_sets_up_and_offers_an_award_scheme(world: World, made: AwardsWorld) -> None:
    token = adviser(world)
    now = timezone.now()
    for number, band in (("M1", IncomeBand.UP_TO_25000), ("M2", "")):
        SchemeMembership.objects.create(
            scheme=made.scheme,
            student=make_student(world.alpha, number, "Mo", number, household_income_band=band),
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            invited_at=now,
            status_changed_at=now,
        )
    body = {
        "organisation_id": str(world.alpha.pk),
        "scheme_id": str(made.scheme.pk),
        "name": "Income bursary",
        "academic_year": "2026/27",
        "amounts_by_income_band": {IncomeBand.UP_TO_25000: 150_000},
        "instalment_days": ["2027-02-15", "2026-11-16"],
    }
    created = api_call(token, "POST", f"{API}/award-schemes", body)
    assert created.status_code == 201, created.json()
    scheme = created.json()
    assert scheme["amount"] == "£1,500.00 for household income up to £25,000"
    assert scheme["instalment_days"] == ["2026-11-16", "2027-02-15"]  # kept in order
    listed = api_call(token, "GET", f"{API}/award-schemes").json()
    assert {row["name"] for row in listed["results"]} == {"Income bursary", "Care leavers' award"}

    offer = api_call(token, "POST", f"{API}/award-schemes/{scheme['id']}/offer").json()
    assert offer["offered"] == 1
    assert [(row["name"], row["why"]) for row in offer["not_offered"]] == [
        ("Mo M2", "their household income is not known")
    ]
    awards = api_call(token, "GET", f"{API}/award-schemes/{scheme['id']}/awards").json()
    [award] = awards["results"]
    assert [(i["amount_pence"], i["status"]) for i in award["instalments"]] == [
        (75_000, "scheduled"),
        (75_000, "scheduled"),
    ]

    bad = api_call(token, "POST", f"{API}/award-schemes", {**body, "academic_year": "2026/28"})
    assert bad.status_code in {400, 422}
    assert "academic year" in bad.content.decode().lower()
    assert AwardScheme.objects.filter(name="Income bursary").count() == 1


def test_stopping_instalments_and_finance(world: World, made: AwardsWorld) -> None:
    token = adviser(world)
    ann = made.awards["ann"]
    path = f"{API}/award-schemes/{made.award_scheme.pk}/awards/{ann.pk}/stop"
    stopped = api_call(token, "POST", path, {"reason": "Withdrew"})
    assert stopped.status_code == 200, stopped.json()
    assert stopped.json()["status"] == AwardStatus.STOPPED
    assert [i["status"] for i in stopped.json()["instalments"]] == [
        "paid",
        "cancelled",
        "cancelled",
    ]

    held_first = api_call(token, "GET", f"{API}/award-instalments").json()["results"]
    assert held_first[0]["status"] == "held"
    bad = api_call(token, "GET", f"{API}/award-instalments?status=lost")
    assert bad.status_code == 422
    finance = api_call(token, "GET", f"{API}/award-finance?academic_year=2026/27").json()
    # Ann's February and May no longer count.
    assert finance["forecast_pence"] == 3 * INSTALMENT
    assert finance["paid_pence"] == INSTALMENT
    assert finance["committed_pence"] == 5 * INSTALMENT


def test_a_student_sees_their_awards_and_answers_an_offer(world: World, made: AwardsWorld) -> None:
    cat = made.awards["cat"]
    ann = made.awards["ann"]
    cat_token, ann_token = token_of(cat.student), token_of(ann.student)

    mine = api_call(ann_token, "GET", f"{API}/my-awards").json()["results"]
    assert [(a["award_scheme"], a["paid_pence"], a["status"]) for a in mine] == [
        ("Care leavers' award", INSTALMENT, "accepted")
    ]
    # Nobody answers another's offer; an award accepted is not declined afterwards.
    assert api_call(ann_token, "POST", f"{API}/my-awards/{cat.pk}/accept").status_code == 404
    again = api_call(ann_token, "POST", f"{API}/my-awards/{ann.pk}/decline")
    assert again.status_code == 422

    accepted = api_call(cat_token, "POST", f"{API}/my-awards/{cat.pk}/accept")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == AwardStatus.ACCEPTED


def test_another_provider_s_adviser_is_answered_404(world: World, made: AwardsWorld) -> None:
    beta = make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)
    token = api_token_create(user=beta, name="Laptop")[1]
    scheme_path = f"{API}/award-schemes/{made.award_scheme.pk}"
    assert api_call(token, "GET", scheme_path).status_code == 404
    assert api_call(token, "GET", f"{scheme_path}/awards").status_code == 404
    assert api_call(token, "POST", f"{scheme_path}/offer").status_code == 404
    ann = made.awards["ann"]
    stop = api_call(token, "POST", f"{scheme_path}/awards/{ann.pk}/stop", {"reason": "No"})
    assert stop.status_code == 404
    assert api_call(token, "GET", f"{API}/award-finance").json()["committed_pence"] == 0
