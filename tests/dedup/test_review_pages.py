"""The duplicate learners pages: what an admin sees and decides, by the server's answers."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import signed_in_client
from tests.dedup.conftest import MakeLearner
from widen.accounts.models import Role, User
from widen.learners.models import DuplicateCandidate, DuplicateStatus, Learner
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _found(client: object, make_learner: MakeLearner) -> DuplicateCandidate:
    make_learner("Aisha", "Rahman", upn="")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    response = client.post("/learners/duplicates/find/")  # type: ignore[attr-defined]
    assert response.status_code == 302
    return DuplicateCandidate.objects.get()


def test_an_admin_looks_for_duplicates_and_sees_the_pair_side_by_side(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    client = signed_in_client(admin)
    pair = _found(client, make_learner)

    queue = client.get("/learners/duplicates/")
    page = queue.content.decode()
    assert "North: compared" in page  # the search's summary
    assert "Waiting for a decision (1)" in page
    assert "Aisha Rahman" in page
    assert "Aysha Rahman" in page
    assert f"/learners/duplicates/{pair.pk}/" in page

    detail = client.get(f"/learners/duplicates/{pair.pk}/").content.decode()
    assert "Is this the same learner?" in detail
    assert "Date of birth" in detail
    assert "same sector" in detail  # E15 1DA and E15 1DB
    assert "Merge into one learner" in detail
    assert "Not the same learner" in detail
    assert "/learners/duplicates/" in client.get("/learners/").content.decode()  # found from here


def test_merging_from_the_page_keeps_the_chosen_record(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    client = signed_in_client(admin)
    pair = _found(client, make_learner)
    keep = Learner.objects.get(first_name="Aysha")

    response = client.post(f"/learners/duplicates/{pair.pk}/merge/", {"keep": str(keep.pk)})

    assert response.status_code == 302
    remaining = Learner.objects.filter(last_name="Rahman").values_list("first_name", flat=True)
    assert list(remaining) == ["Aysha"]
    assert "Merged" in client.get("/learners/duplicates/").content.decode()
    assert client.get(f"/learners/duplicates/{pair.pk}/").status_code == 404  # decided


def test_rejecting_from_the_page_is_remembered(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    client = signed_in_client(admin)
    pair = _found(client, make_learner)

    client.post(f"/learners/duplicates/{pair.pk}/reject/")
    client.post("/learners/duplicates/find/")

    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.REJECTED
    assert "Waiting for a decision (0)" in client.get("/learners/duplicates/").content.decode()
    assert Learner.objects.filter(last_name="Rahman").count() == 2  # noqa: PLR2004


@pytest.mark.parametrize(
    "role", [Role.OUTREACH_OFFICER, Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY]
)
def test_people_who_are_not_admins_get_not_found_and_change_nothing(
    world: World, admin: User, make_learner: MakeLearner, role: str
) -> None:
    pair = _found(signed_in_client(admin), make_learner)
    client = signed_in_client(world.users[role])

    assert "/learners/duplicates/" not in client.get("/learners/").content.decode()
    assert client.get("/learners/duplicates/").status_code == 404
    assert client.post("/learners/duplicates/find/").status_code == 404
    assert client.get(f"/learners/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/learners/duplicates/{pair.pk}/merge/").status_code == 404
    assert client.post(f"/learners/duplicates/{pair.pk}/reject/").status_code == 404
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.PENDING
    assert Learner.objects.filter(last_name="Rahman").count() == 2  # noqa: PLR2004


def test_a_search_over_many_learners_runs_in_the_background(
    world: World,
    admin: User,
    make_learner: MakeLearner,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from widen.learners.duplicates import tasks as duplicate_tasks  # noqa: PLC0415

    monkeypatch.setattr(duplicate_tasks, "BACKGROUND_LEARNERS", 3)
    make_learner("Aisha", "Rahman")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    client = signed_in_client(admin)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/learners/duplicates/find/", follow=True)

    assert "in the background" in response.content.decode()
    assert len(callbacks) == 1
    # The worker (run at once in tests) stored the pair for the admin to review.
    assert DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING).count() == 1
    assert "Waiting for a decision (1)" in client.get("/learners/duplicates/").content.decode()


def test_the_search_says_how_many_pairs_of_each_kind_it_found(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    client = signed_in_client(admin)
    _found(client, make_learner)

    page = client.get("/learners/duplicates/").content.decode()

    assert "Found: 1 with a name spelt differently." in page
