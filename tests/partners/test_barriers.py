"""Barriers and mitigations, with students: partners raise what makes the work hard (anonymously
if they wish: then nothing, in any table, links it to them), coordinators write barriers up from
workshops and keep the register, and every partner of the provider sees what was done."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import make_partner, signed_in_partner
from widen.accounts.models import Role as StaffRole
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.partners.models import Barrier, BarrierSource, BarrierStatus, Mitigation, Partner
from widen.partners.services.barriers import (
    barrier_raise,
    barrier_record,
    barrier_update,
    mitigation_add,
)
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

TITLE = "Shifts start before the first bus"
HARD = "From Leyton the first bus arrives at 08:10, after most open-day shifts begin."


@pytest.fixture(autouse=True)
def wednesday() -> Any:
    with freeze_time("2026-11-04 09:00:00"):
        yield


def coordinator(world: World) -> Any:
    return world.users[StaffRole.OUTREACH_OFFICER]


def student_of(partner: Partner, capture: Any) -> tuple[Client, Any]:
    client = signed_in_partner(partner, capture)
    partner.student.refresh_from_db()
    return client, partner.student.user


def raise_one(client: Client, partner: Partner, *, anonymous: bool) -> Any:
    data = {"title": TITLE, "description": HARD}
    if anonymous:
        data["anonymous"] = "on"
    return client.post(reverse("partners:my_barrier_raise", args=[partner.pk]), data)


def main_of(page: str) -> str:
    """The page's main content (the header names whoever is signed in)."""
    return page[page.index("<main") :]


def rows_naming(value: str) -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table whose values hold `value`."""
    found = []
    for model in apps.get_models():
        for row in model._base_manager.values():
            if any(value in str(cell) for cell in row.values()):
                found.append((model._meta.label_lower, row))
    return found


def test_an_anonymous_barrier_cannot_be_traced_to_its_student_in_any_table(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "B1", first_name="Amara")
    client, user = student_of(partner, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = raise_one(client, partner, anonymous=True)

    assert response.status_code == 302
    barrier = Barrier.objects.get(title=TITLE)
    assert barrier.source == BarrierSource.ANONYMOUS
    assert barrier.raised_by is None
    assert barrier.organisation_id == world.alpha.pk
    events = list(AuditEvent.objects.filter(object_id=str(barrier.pk)))
    assert len(events) == 1
    assert events[0].actor_id is None
    assert events[0].actor_username == ""
    assert events[0].request_id == ""
    # No row anywhere holds both the barrier and anything of the student's.
    theirs = {str(user.pk), str(partner.pk), str(partner.student.pk), user.username}
    for table, row in rows_naming(str(barrier.pk)):
        values = " ".join(str(cell) for cell in row.values())
        assert not [mine for mine in theirs if mine in values], (table, row)
    # And the student's own audit and access rows name no barrier.
    assert not AuditEvent.objects.filter(actor_id=user.pk, object_type="partners.barrier")
    assert not AccessLogEntry.objects.filter(actor_id=user.pk, subject_type="partners.barrier")
    told = Notification.objects.get(user=coordinator(world), template="partners/barrier_raised")
    assert "They raised it anonymously" in told.body_text
    assert "Amara" not in told.body_text
    staff_page = signed_in_client(coordinator(world)).get(
        reverse("partners:barrier", args=[barrier.pk])
    )
    assert "Raised anonymously" in staff_page.content.decode()
    assert partner.student.last_name not in staff_page.content.decode()


def test_a_named_barrier_is_seen_as_theirs_by_the_coordinator_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "B2", first_name="Amara", last_name="Osei")
    other = make_partner(world.alpha, "B3", first_name="Ben", last_name="Baker")
    client, user = student_of(partner, django_capture_on_commit_callbacks)
    other_client, _ = student_of(other, django_capture_on_commit_callbacks)

    raise_one(client, partner, anonymous=False)

    barrier = Barrier.objects.get(title=TITLE)
    assert barrier.raised_by == partner
    assert AuditEvent.objects.filter(object_id=str(barrier.pk), actor_id=user.pk).exists()
    staff = signed_in_client(coordinator(world))
    assert (
        "Amara Osei" in staff.get(reverse("partners:barrier", args=[barrier.pk])).content.decode()
    )
    for reader in (client, other_client):
        page = main_of(reader.get(reverse("partners:my_barriers")).content.decode())
        assert TITLE in page
        assert "Osei" not in page
        assert "Raised by a partner" in page


def test_partners_see_the_response_and_mitigations_of_their_providers_register(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "B4")
    beta_partner = make_partner(world.beta, "B5")
    client, _ = student_of(partner, django_capture_on_commit_callbacks)
    beta_client, _ = student_of(beta_partner, django_capture_on_commit_callbacks)
    staff = signed_in_client(coordinator(world))

    added = staff.post(
        reverse("partners:barrier_add", args=[world.alpha.pk]),
        {"title": "Travel costs up front", "description": "Paying for trains then waiting."},
    )
    barrier = Barrier.objects.get(title="Travel costs up front")
    assert added["Location"] == reverse("partners:barrier", args=[barrier.pk])
    assert barrier.source == BarrierSource.WORKSHOP
    assert barrier.raised_by is None
    kept = staff.post(
        reverse("partners:barrier", args=[barrier.pk]),
        {
            "status": BarrierStatus.ACTING,
            "owner": str(coordinator(world).pk),
            "response": "Advances are now paid before every event.",
        },
    )
    assert kept.status_code == 302
    staff.post(
        reverse("partners:mitigation_add", args=[barrier.pk]),
        {
            "description": "Offer an advance with every shift away from campus",
            "owner": str(coordinator(world).pk),
            "status": BarrierStatus.DONE,
            "due_on": "2026-11-20",
        },
    )

    mitigation = Mitigation.objects.get(barrier=barrier)
    assert mitigation.done_on == date(2026, 11, 4)  # marked done today
    page = client.get(reverse("partners:my_barriers")).content.decode()
    assert "Travel costs up front" in page
    assert "Being acted on" in page
    assert "Advances are now paid before every event." in page
    assert "Offer an advance with every shift away from campus" in page
    assert "done on 4 November 2026" in page
    assert "From a workshop" in page
    assert (
        "Travel costs up front"
        not in beta_client.get(reverse("partners:my_barriers")).content.decode()
    )


def test_the_coordinator_changes_a_mitigation_and_a_refusal_is_explained(
    world: World,
) -> None:
    staff = signed_in_client(coordinator(world))
    barrier = barrier_record(
        actor=coordinator(world), organisation=world.alpha, title=TITLE, description=HARD
    )
    mitigation = mitigation_add(
        actor=coordinator(world), barrier=barrier, description="Later starts", owner=None
    )

    refused = staff.post(
        reverse("partners:barrier", args=[barrier.pk]),
        {"status": BarrierStatus.NOT_DOING, "owner": "", "response": ""},
    )
    future = staff.post(
        reverse("partners:mitigation_edit", args=[mitigation.pk]),
        {"description": "Later starts", "status": BarrierStatus.DONE, "done_on": "2026-12-01"},
    )
    changed = staff.post(
        reverse("partners:mitigation_edit", args=[mitigation.pk]),
        {"description": "Start open days at 09:30", "status": BarrierStatus.ACTING},
    )

    assert "Say in the response why this is not being done" in refused.content.decode()
    assert "cannot be in the future" in future.content.decode()
    assert changed.status_code == 302
    mitigation.refresh_from_db()
    assert mitigation.description == "Start open days at 09:30"
    assert mitigation.status == BarrierStatus.ACTING
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.OPEN


def test_another_providers_coordinator_and_partners_get_404(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "B6")
    client, user = student_of(partner, django_capture_on_commit_callbacks)
    barrier = barrier_raise(
        actor=user, partner=partner, title=TITLE, description=HARD, anonymous=False
    )
    mitigation = mitigation_add(
        actor=coordinator(world), barrier=barrier, description="Later starts", owner=None
    )
    beta = signed_in_client(make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER))

    for reader in (beta, client):
        for url in (
            reverse("partners:barriers", args=[world.alpha.pk]),
            reverse("partners:barrier_add", args=[world.alpha.pk]),
            reverse("partners:barrier", args=[barrier.pk]),
            reverse("partners:mitigation_add", args=[barrier.pk]),
            reverse("partners:mitigation_edit", args=[mitigation.pk]),
        ):
            assert reader.get(url).status_code == 404, url
    assert (
        beta.post(
            reverse("partners:barrier", args=[barrier.pk]),
            {"status": BarrierStatus.DONE, "response": "Closed."},
        ).status_code
        == 404
    )
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.OPEN
    with pytest.raises(NotFound):
        barrier_update(
            actor=user, barrier=barrier, status=BarrierStatus.DONE, owner=None, response=""
        )
    # Staff who are not partners have no "Barriers" page of their own; a student cannot raise
    # one at a provider they are not a partner of.
    assert (
        signed_in_client(coordinator(world)).get(reverse("partners:my_barriers")).status_code == 404
    )
    beta_partner = make_partner(world.beta, "B7")
    assert (
        client.post(
            reverse("partners:my_barrier_raise", args=[beta_partner.pk]),
            {"title": "x", "description": "y"},
        ).status_code
        == 404
    )


def test_a_barrier_needs_a_title_and_what_makes_it_hard(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "B8")
    client, user = student_of(partner, django_capture_on_commit_callbacks)

    response = client.post(
        reverse("partners:my_barrier_raise", args=[partner.pk]), {"title": "", "description": ""}
    )

    page = response.content.decode()
    assert "Give the barrier a title." in page
    assert "Say what makes it hard." in page
    with pytest.raises(ApplicationError, match="Give a title"):
        barrier_raise(actor=user, partner=partner, title="  ", description=HARD, anonymous=True)
    assert not Barrier.objects.exists()


def test_the_register_asks_as_many_queries_for_many_barriers_as_for_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "B9")
    student, _ = student_of(partner, django_capture_on_commit_callbacks)
    staff = signed_in_client(coordinator(world))

    def queries_with(count: int) -> tuple[int, int]:
        for number in range(Barrier.objects.count(), count):
            barrier = barrier_record(
                actor=coordinator(world),
                organisation=world.alpha,
                title=f"Barrier {number}",
                description=HARD,
            )
            for _ in range(2):
                mitigation_add(
                    actor=coordinator(world),
                    barrier=barrier,
                    description="Later starts",
                    owner=coordinator(world),
                )
        counted = []
        for client, url in (
            (staff, reverse("partners:barriers", args=[world.alpha.pk])),
            (student, reverse("partners:my_barriers")),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted[0], counted[1]

    assert queries_with(1) == queries_with(4)
