"""Every view of a learner's identity by anyone outside the organisation holding them is in the
access log, lists included, so `widen who_accessed` can scope a breach (issue 14, 1.4)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.test_audit import who_accessed
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.learners.models import Learner
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _page(path: Callable[[Learner], str]) -> Callable[[World, str, Learner], int]:
    def view(world: World, role: str, learner: Learner) -> int:
        return signed_in_client(world.users[role]).get(path(learner)).status_code

    return view


def _api(path: Callable[[Learner], str]) -> Callable[[World, str, Learner], int]:
    def view(world: World, role: str, learner: Learner) -> int:
        return int(api_call(world.tokens[role], "GET", path(learner)).status_code)

    return view


VIEWS = {
    "learner page": _page(lambda learner: reverse("learners:detail", args=[learner.id])),
    "journey": _page(lambda learner: reverse("activities:learner", args=[learner.id])),
    "home area and eligibility": _page(
        lambda learner: reverse("targeting:learner", args=[learner.id])
    ),
    "API learner": _api(lambda learner: f"/api/v1/learners/{learner.id}"),
    "learner list": _page(lambda learner: f"/learners/?q={learner.last_name}"),
    "API learner list": _api(lambda learner: f"/api/v1/learners?q={learner.last_name}"),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_partners_view_of_a_learners_identity_is_logged(world: World, view: str) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    # The agreement shares identity and characteristics: what is seen is identity, not care.
    world.agreement.shares_special_category = False
    world.agreement.save()
    assert VIEWS[view](world, Role.OUTREACH_OFFICER, world.learner_beta) == 200
    entries = list(AccessLogEntry.objects.all())
    assert [entry.learner_id for entry in entries] == [world.learner_beta.id]
    entry = entries[0]
    assert entry.actor_id == officer.id
    assert entry.actor_username == officer.username
    assert entry.actor_organisation_id == world.alpha.id
    assert entry.data_sharing_agreement_id == world.agreement.id
    assert "identity" in entry.data_categories
    assert "special_category" not in entry.data_categories


@pytest.mark.parametrize("view", list(VIEWS))
def test_school_staff_seeing_a_partners_record_of_their_pupil_is_logged(
    world: World, view: str
) -> None:
    assert VIEWS[view](world, Role.SCHOOL_STAFF, world.learner_alpha) == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.learner_id, entry.actor_organisation_id, entry.data_sharing_agreement_id) == (
        world.learner_alpha.id,
        world.school.id,
        world.agreement.id,
    )


@pytest.mark.parametrize("view", list(VIEWS))
def test_an_own_organisation_view_of_identity_alone_is_not_logged(world: World, view: str) -> None:
    assert VIEWS[view](world, Role.READ_ONLY, world.learner_alpha) == 200
    assert VIEWS[view](world, Role.SCHOOL_STAFF, world.learner_school) == 200
    assert not AccessLogEntry.objects.exists()


def test_own_special_category_views_are_still_logged(world: World) -> None:
    VIEWS["learner page"](world, Role.OUTREACH_OFFICER, world.learner_alpha)
    VIEWS["API learner"](world, Role.OUTREACH_OFFICER, world.learner_alpha)
    entries = AccessLogEntry.objects.filter(learner_id=world.learner_alpha.id)
    assert entries.count() == 2
    assert all(entry.data_sharing_agreement_id is None for entry in entries)
    assert all("special_category" in entry.data_categories for entry in entries)


def test_a_pseudonymised_view_is_not_an_identity_view(world: World) -> None:
    # The evaluator sees Beta's learner under a pseudonym: a list shows no identity to log.
    assert VIEWS["API learner list"](world, Role.EVALUATOR, world.learner_beta) == 200
    signed_in_client(world.users[Role.EVALUATOR]).get("/learners/")
    assert not AccessLogEntry.objects.exists()


def _partner_learners(world: World, count: int) -> None:
    Learner.objects.bulk_create(
        Learner(
            organisation=world.beta,
            school=world.school,
            first_name=f"Pupil{number}",
            last_name="Listed",
            date_of_birth=world.learner_beta.date_of_birth,
        )
        for number in range(count)
    )


def _inserts(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("INSERT")
        and "audit_accesslogentry" in query["sql"]
    )


@pytest.mark.parametrize("kind", ["page", "API"])
def test_a_list_is_logged_in_one_insert_whatever_its_size(world: World, kind: str) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    headers = {"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"}

    def show() -> CaptureQueriesContext:
        with CaptureQueriesContext(connection) as queries:
            if kind == "page":
                assert client.get("/learners/", {"q": "Listed"}).status_code == 200
            else:
                response = Client().get(
                    "/api/v1/learners", {"q": "Listed", "limit": "200"}, headers=headers
                )
                assert response.status_code == 200
        return queries

    _partner_learners(world, 3)
    show()  # once first: the first request also records when the API token was used
    small = show()
    assert AccessLogEntry.objects.count() == 3 + 3
    _partner_learners(world, 45)
    large = show()
    assert AccessLogEntry.objects.count() == 3 + 3 + 48
    assert _inserts(small) == _inserts(large) == 1
    assert len(small.captured_queries) == len(large.captured_queries)


def test_who_accessed_returns_partners_identity_views(world: World) -> None:
    starts = timezone.now()
    for view in VIEWS.values():
        view(world, Role.OUTREACH_OFFICER, world.learner_beta)
    ends = timezone.now()
    rows = who_accessed(
        "--learners",
        str(world.learner_beta.id),
        "--from",
        starts.isoformat(),
        "--to",
        ends.isoformat(),
    )
    assert len(rows) == len(VIEWS)
    assert {row["actor"] for row in rows} == {"outreach_officer.alpha"}
    assert {row["data_sharing_agreement_id"] for row in rows} == {str(world.agreement.id)}
    assert {row["purpose"] for row in rows} >= {
        "learner record viewed",
        "learner journey viewed",
        "eligibility viewed",
        "API learner record read",
    }


def test_partners_seen_by_name_in_the_admin_site_are_logged(world: World) -> None:
    staff = signed_in_client(world.users["staff"])  # an admin of Alpha, with the admin site
    listing = staff.get("/admin/learners/learner/")
    assert "Betterton" in listing.content.decode()
    logged = AccessLogEntry.objects.filter(purpose="admin learner list")
    assert sorted(logged.values_list("learner_id", flat=True)) == sorted(
        [world.learner_beta.id, world.learner_school.id]
    )
    assert {entry.data_sharing_agreement_id for entry in logged} == {world.agreement.id}
    staff.get(f"/admin/learners/learner/{world.learner_beta.id}/change/")
    viewed = AccessLogEntry.objects.get(purpose="admin learner record viewed")
    assert (viewed.learner_id, viewed.actor_id) == (world.learner_beta.id, world.users["staff"].id)


def test_the_admin_site_shows_and_searches_no_names_for_pseudonymised_staff(world: World) -> None:
    evaluator = world.users[Role.EVALUATOR]
    evaluator.is_staff = True
    evaluator.save()
    client = signed_in_client(evaluator)
    body = client.get("/admin/learners/learner/", {"q": "Alphason"}).content.decode()
    assert str(world.learner_alpha.id) not in body  # the search term itself is echoed back
    assert "Amara" not in body
    body = client.get("/admin/learners/learner/").content.decode()
    assert "Betterton" not in body
    assert "Alphason" not in body
