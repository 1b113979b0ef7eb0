"""Duplicate learners: an id that is malformed, unknown or not the person's answers 404 the
one way, and changes nothing."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string

from conftest import signed_in_client
from tests.dedup.conftest import MakeLearner
from widen.accounts.models import Role, User
from widen.learners.duplicates.tasks import duplicates_find_job
from widen.learners.models import DuplicateCandidate, DuplicateStatus, Learner
from widen.organisations.models import Partnership
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _pair(client: object, make_learner: MakeLearner) -> DuplicateCandidate:
    make_learner("Aisha", "Rahman")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    assert client.post("/learners/duplicates/find/").status_code == 302  # type: ignore[attr-defined]
    return DuplicateCandidate.objects.get()


@pytest.mark.parametrize("keep", ["not-an-id", "12345", "0b6f3c1e-8a47-4c36-9f5e-2d7a1b9c4e10"])
def test_a_merge_keeping_a_record_that_is_not_there_is_refused_and_merges_nothing(
    world: World, admin: User, make_learner: MakeLearner, keep: str
) -> None:
    client = signed_in_client(admin)
    pair = _pair(client, make_learner)

    response = client.post(f"/learners/duplicates/{pair.pk}/merge/", {"keep": keep})

    assert response.status_code == 404
    assert Learner.objects.filter(last_name="Rahman").count() == 2
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.PENDING


def test_a_merge_keeping_a_learner_outside_the_pair_names_the_field(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    client = signed_in_client(admin)
    pair = _pair(client, make_learner)
    other = make_learner("Zainab", "Okafor", postcode="E13 9AA")

    response = client.post(f"/learners/duplicates/{pair.pk}/merge/", {"keep": str(other.pk)})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Choose one of the two records to keep." in page
    assert Learner.objects.filter(last_name="Rahman").count() == 2


@pytest.mark.parametrize(
    "chosen", ["not-an-id", "5d2e8f47-1c9a-4b3e-a6d0-7f41c2b8e935", "other partnership"]
)
def test_looking_in_a_partnership_that_is_not_the_persons_answers_404(
    world: World, admin: User, make_learner: MakeLearner, chosen: str
) -> None:
    make_learner("Aisha", "Rahman")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    if chosen == "other partnership":
        chosen = str(Partnership.objects.create(name="Elsewhere", lead_organisation=world.alpha).pk)
    client = signed_in_client(admin)

    response = client.post("/learners/duplicates/find/", {"partnership": chosen})

    assert response.status_code == 404
    assert not DuplicateCandidate.objects.exists()


def test_looking_in_one_chosen_partnership_still_finds_its_pairs(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    make_learner("Aisha", "Rahman")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    client = signed_in_client(admin)

    response = client.post("/learners/duplicates/find/", {"partnership": str(world.north.pk)})

    assert response.status_code == 302
    assert DuplicateCandidate.objects.filter(partnership=world.north).count() == 1


def test_a_decided_pair_and_a_malformed_pair_id_answer_alike(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    client = signed_in_client(admin)
    pair = _pair(client, make_learner)
    assert client.post(f"/learners/duplicates/{pair.pk}/reject/").status_code == 302

    assert client.get(f"/learners/duplicates/{pair.pk}/").status_code == 404
    assert client.post(f"/learners/duplicates/{pair.pk}/merge/").status_code == 404
    assert Learner.objects.filter(last_name="Rahman").count() == 2
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    assert officer.get(f"/learners/duplicates/{pair.pk}/").status_code == 404


def test_a_search_waiting_for_the_worker_is_found_at_its_new_address() -> None:
    """A job stored by path before the duplicate modules became a package still runs."""
    from importlib import import_module  # noqa: PLC0415

    migration = import_module("widen.learners.migrations.0007_duplicate_search_job_path")
    assert import_string(migration.NEW) is duplicates_find_job
    assert migration.OLD != migration.NEW
