"""The barriers register through the JSON API, with tokens: a partner raises a barrier
(anonymously if they wish: then nothing, in any table, links it to them) and reads their
provider's register, never who raised what; a coordinator keeps the register (status, owner,
response, mitigations); another provider's coordinator and partners get 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from conftest import api_call
from tests.partners.factories import make_partner, partner_account
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.accounts.services import api_token_create
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.notifications.models import Notification
from widen.partners.models import Barrier, BarrierSource, BarrierStatus, Mitigation, Partner
from widen.partners.services.barriers import barrier_raise, barrier_record, mitigation_add
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

API = "/api/v1/partners"
TITLE = "Shifts start before the first bus"
HARD = "From Leyton the first bus arrives at 08:10, after most open-day shifts begin."


@pytest.fixture(autouse=True)
def wednesday() -> Iterator[None]:
    with freeze_time("2026-11-04 09:00:00"):
        yield


def coordinator(world: World) -> User:
    return world.users[StaffRole.OUTREACH_OFFICER]


def staff(world: World) -> str:
    return world.tokens[StaffRole.OUTREACH_OFFICER]


def token_of(partner: Partner) -> str:
    return api_token_create(user=partner_account(partner), name="Phone")[1]


def call(token: str, method: str, path: str, body: Any = None) -> Any:
    return api_call(token, method, f"{API}{path}", body)


def rows_naming(value: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table whose values hold `value`."""
    found = []
    for model in apps.get_models():
        for row in model._base_manager.values():
            if any(value in str(cell) for cell in row.values()):
                found.append((model._meta.label_lower, row))
    return found


def test_an_anonymous_barrier_raised_through_the_api_cannot_be_traced_to_its_student(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "AB1", first_name="Amara", last_name="Osei")
    token = token_of(partner)
    user = partner_account(partner)

    with django_capture_on_commit_callbacks(execute=True):
        raised = call(
            token,
            "POST",
            f"/partners/{partner.pk}/barriers",
            {"title": TITLE, "description": HARD, "anonymous": True},
        )

    assert raised.status_code == 201, raised.content
    barrier = Barrier.objects.get(pk=raised.json()["id"])
    assert barrier.source == BarrierSource.ANONYMOUS
    assert barrier.raised_by is None
    assert barrier.organisation_id == world.alpha.pk
    [event] = AuditEvent.objects.filter(object_id=str(barrier.pk))
    assert (event.actor_id, event.actor_username, event.request_id) == (None, "", "")
    # No row anywhere holds both the barrier and anything of the student's (their token
    # included).
    theirs = {str(user.pk), str(partner.pk), str(partner.student.pk), user.username, token[:12]}
    for table, row in rows_naming(str(barrier.pk)):
        values = " ".join(str(cell) for cell in row.values())
        assert not [mine for mine in theirs if mine in values], (table, row)
    assert not AuditEvent.objects.filter(actor_id=user.pk, object_type="partners.barrier")
    assert not AccessLogEntry.objects.filter(actor_id=user.pk, subject_type="partners.barrier")
    told = Notification.objects.get(user=coordinator(world), template="partners/barrier_raised")
    assert "Amara" not in told.body_text
    kept = call(staff(world), "GET", f"/barriers/{barrier.pk}").json()
    assert kept["source"] == BarrierSource.ANONYMOUS
    assert kept["raised_by"] is None
    assert kept["raised_by_partner_id"] is None
    assert "Osei" not in str(kept)


def test_a_named_barrier_is_theirs_to_the_coordinator_only(world: World) -> None:
    partner = make_partner(world.alpha, "AB2", first_name="Amara", last_name="Osei")
    other = make_partner(world.alpha, "AB3", first_name="Ben", last_name="Baker")
    token = token_of(partner)

    raised = call(
        token, "POST", f"/partners/{partner.pk}/barriers", {"title": TITLE, "description": HARD}
    )

    assert raised.status_code == 201, raised.content
    assert set(raised.json()) >= {"id", "title", "from_workshop", "mitigations"}
    barrier = Barrier.objects.get(pk=raised.json()["id"])
    assert barrier.raised_by == partner
    kept = call(staff(world), "GET", f"/barriers/{barrier.pk}").json()
    assert kept["raised_by"] == "Amara Osei"
    assert kept["raised_by_partner_id"] == str(partner.pk)
    for reader in (token, token_of(other)):
        [seen] = call(reader, "GET", "/barriers").json()["results"]
        assert seen["title"] == TITLE
        assert seen["from_workshop"] is False
        assert "raised_by" not in seen
        assert "source" not in seen
        assert "Osei" not in str(seen)


def test_the_coordinator_keeps_the_register_and_partners_see_what_was_done(world: World) -> None:
    partner = make_partner(world.alpha, "AB4")
    beta_partner = make_partner(world.beta, "AB5")
    owner = str(coordinator(world).pk)

    added = call(
        staff(world),
        "POST",
        f"/providers/{world.alpha.pk}/barriers",
        {"title": "Travel costs up front", "description": "Paying for trains then waiting."},
    )
    assert added.status_code == 201, added.content
    barrier_id = added.json()["id"]
    assert added.json()["source"] == BarrierSource.WORKSHOP
    refused = call(staff(world), "PATCH", f"/barriers/{barrier_id}", {"status": "not_doing"})
    kept = call(
        staff(world),
        "PATCH",
        f"/barriers/{barrier_id}",
        {"status": "acting", "owner_id": owner, "response": "Advances are now paid first."},
    )
    mitigated = call(
        staff(world),
        "POST",
        f"/barriers/{barrier_id}/mitigations",
        {"description": "An advance with every shift away", "status": "done", "owner_id": owner},
    )
    stranger = make_user("c.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    not_theirs = call(
        staff(world),
        "POST",
        f"/barriers/{barrier_id}/mitigations",
        {"description": "Later starts", "owner_id": str(stranger.pk)},
    )

    assert refused.status_code == 422
    assert refused.json()["field"] == "response"
    assert kept.status_code == 200, kept.content
    assert (kept.json()["status"], kept.json()["owner_id"]) == ("acting", owner)
    assert mitigated.status_code == 201, mitigated.content
    [mitigation] = mitigated.json()["mitigations"]
    assert mitigation["done_on"] == "2026-11-04"  # marked done today
    assert not_theirs.status_code == 422
    assert not_theirs.json()["field"] == "owner_id"
    assert Mitigation.objects.count() == 1
    [seen] = call(token_of(partner), "GET", "/barriers").json()["results"]
    assert seen["status"] == BarrierStatus.ACTING
    assert seen["response"] == "Advances are now paid first."
    assert seen["from_workshop"] is True
    assert seen["mitigations"][0]["description"] == "An advance with every shift away"
    assert seen["mitigations"][0]["done_on"] == "2026-11-04"
    assert call(token_of(beta_partner), "GET", "/barriers").json()["results"] == []
    register = call(staff(world), "GET", f"/providers/{world.alpha.pk}/barriers").json()
    assert [row["id"] for row in register["results"]] == [barrier_id]


def test_a_mitigation_changed_done_in_the_future_is_refused_and_its_day_goes_when_undone(
    world: World,
) -> None:
    barrier = barrier_record(
        actor=coordinator(world), organisation=world.alpha, title=TITLE, description=HARD
    )
    mitigation = mitigation_add(
        actor=coordinator(world),
        barrier=barrier,
        description="Later starts",
        owner=None,
        status=BarrierStatus.DONE,
    )
    path = f"/mitigations/{mitigation.pk}"

    future = call(staff(world), "PATCH", path, {"done_on": "2026-12-01"})
    reopened = call(staff(world), "PATCH", path, {"status": "acting"})

    assert future.status_code == 422
    assert "cannot be in the future" in future.json()["detail"]
    assert reopened.status_code == 200, reopened.content
    [shown] = reopened.json()["mitigations"]
    assert (shown["status"], shown["done_on"], shown["description"]) == (
        "acting",
        None,
        "Later starts",
    )


def test_another_providers_coordinator_and_partners_get_404(world: World) -> None:
    partner = make_partner(world.alpha, "AB6")
    beta_partner = make_partner(world.beta, "AB7")
    barrier = barrier_record(
        actor=coordinator(world), organisation=world.alpha, title=TITLE, description=HARD
    )
    mitigation = mitigation_add(
        actor=coordinator(world), barrier=barrier, description="Later starts", owner=None
    )
    beta = api_token_create(
        user=make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER), name="B"
    )[1]

    for token in (beta, token_of(partner)):
        for method, path, body in (
            ("GET", f"/providers/{world.alpha.pk}/barriers", None),
            ("POST", f"/providers/{world.alpha.pk}/barriers", {"title": "x", "description": "y"}),
            ("GET", f"/barriers/{barrier.pk}", None),
            ("PATCH", f"/barriers/{barrier.pk}", {"status": "done", "response": "Closed."}),
            ("POST", f"/barriers/{barrier.pk}/mitigations", {"description": "z"}),
            ("PATCH", f"/mitigations/{mitigation.pk}", {"status": "done"}),
        ):
            assert call(token, method, path, body).status_code == 404, (method, path)
    assert (
        call(
            token_of(partner),
            "POST",
            f"/partners/{beta_partner.pk}/barriers",
            {"title": "x", "description": "y"},
        ).status_code
        == 404
    )
    assert (
        call(
            staff(world),
            "POST",
            f"/partners/{partner.pk}/barriers",
            {"title": "x", "description": "y"},
        ).status_code
        == 404
    )
    assert call(staff(world), "GET", "/barriers").json() == {"count": 0, "results": []}
    barrier.refresh_from_db()
    mitigation.refresh_from_db()
    assert (barrier.status, mitigation.status) == (BarrierStatus.OPEN, BarrierStatus.OPEN)
    assert Barrier.objects.count() == 1


def test_the_registers_ask_as_many_queries_for_many_barriers_as_for_one(world: World) -> None:
    partner = make_partner(world.alpha, "AB8")
    student = token_of(partner)
    paths = ((staff(world), f"/providers/{world.alpha.pk}/barriers"), (student, "/barriers"))

    def queries_with(count: int) -> list[int]:
        for number in range(Barrier.objects.count(), count):
            barrier = barrier_raise(
                actor=partner_account(partner),
                partner=partner,
                title=f"Barrier {number}",
                description=HARD,
                anonymous=number % 2 == 0,
            )
            for _ in range(2):
                mitigation_add(
                    actor=coordinator(world),
                    barrier=barrier,
                    description="Later starts",
                    owner=coordinator(world),
                )
        counted = []
        for token, path in paths:
            call(token, "GET", path)  # the token's first use of the minute is noted once
            with CaptureQueriesContext(connection) as queries:
                answer = call(token, "GET", path)
            assert answer.json()["count"] == count
            counted.append(len(queries))
        return counted

    assert queries_with(1) == queries_with(4)
