"""The coordinator's pages: setting up a programme with its weights in words, deciding on its
cohort, running the matching and reading why each pair was made, then swapping, locking and
publishing; a cohort of any size read in the same number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import signed_in_client
from tests.mentoring.coordinator_factories import (
    make_cohort,
    make_mentee,
    make_mentor,
    make_programme,
)
from widen.accounts.models import Role
from widen.core.navigation import menu_for
from widen.mentoring.models import (
    MatchingRun,
    MenteeStatus,
    MentoringProgramme,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "weight_industry": "40",
    "weight_career_path": "20",
    "weight_shared_background": "20",
    "weight_location_and_mode": "10",
    "weight_availability": "5",
    "weight_languages": "5",
}


def client_for(world: World, role: str = Role.OUTREACH_OFFICER):
    return signed_in_client(world.users[role])


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_coordinator_sets_up_a_programme_with_weights_in_words(world: World) -> None:
    client = client_for(world)
    page = client.get("/mentoring/programmes/new/")
    assert "Industry and sector" in text(page)
    assert 'type="number"' in page.content.decode()
    refused = client.post(
        "/mentoring/programmes/new/",
        {
            "organisation": str(world.alpha.pk),
            "name": "Finance mentoring",
            "mentees_are": "students",
            "check_in_weeks": "4",
            "quiet_after_weeks": "6",
            **WEIGHTS,
            "weight_industry": "150",
        },
    )
    assert "Give 0 to 100 points." in text(refused)
    saved = client.post(
        "/mentoring/programmes/new/",
        {
            "organisation": str(world.alpha.pk),
            "name": "Finance mentoring",
            "mentees_are": "students",
            "check_in_weeks": "4",
            "quiet_after_weeks": "6",
            "is_open": "on",
            **WEIGHTS,
        },
    )
    programme = MentoringProgramme.objects.get(name="Finance mentoring")
    assert saved.status_code == 302
    assert programme.weights["industry"] == 40
    assert programme.quiet_after_weeks == 6
    shown = text(client.get(f"/mentoring/programmes/{programme.pk}/"))
    assert "Industry and sector 40" in shown


def test_a_pupils_programme_without_a_partnership_is_refused_on_its_field(world: World) -> None:
    refused = client_for(world).post(
        "/mentoring/programmes/new/",
        {
            "organisation": str(world.alpha.pk),
            "name": "Pupils",
            "mentees_are": "pupils",
            "check_in_weeks": "4",
            "quiet_after_weeks": "4",
            **WEIGHTS,
        },
    )
    assert refused.status_code == 200
    assert "runs in a partnership" in text(refused)
    assert not MentoringProgramme.objects.filter(name="Pupils").exists()


def test_the_cohort_is_decided_on_the_programme_page(world: World) -> None:
    programme = make_programme(world.alpha)
    place = make_mentor(programme, "applied.mentor", status=ProgrammeMentorStatus.APPLIED)
    mentee = make_mentee(programme, "D1", "Dee", status=MenteeStatus.APPLIED)
    client = client_for(world)
    client.post(f"/mentoring/places/{place.pk}/decide/", {"decision": "approve"})
    client.post(f"/mentoring/mentees/{mentee.pk}/decide/", {"decision": "accept"})
    place.refresh_from_db()
    mentee.refresh_from_db()
    assert place.status == ProgrammeMentorStatus.APPROVED
    assert mentee.status == MenteeStatus.ACCEPTED
    refused = client.post(
        f"/mentoring/places/{place.pk}/",
        {"action": "checks", "dbs_certificate_number": "12AB", "dbs_issued_on": "2025-01-01"},
    )
    assert "An enhanced DBS certificate number is 12 digits." in text(refused)
    client.post(
        f"/mentoring/places/{place.pk}/",
        {
            "action": "checks",
            "training_completed_on": "2026-01-05",
            "dbs_certificate_number": "001234567890",
            "dbs_issued_on": "2025-01-01",
        },
    )
    client.post(f"/mentoring/places/{place.pk}/", {"action": "capacity", "capacity": "3"})
    place.refresh_from_db()
    assert place.capacity == 3
    assert place.mentor.may_mentor_under_18


def test_the_run_page_explains_each_pair_and_each_mentee_left_out(world: World) -> None:
    programme = make_programme(world.alpha)
    make_mentor(programme, "law.mentor", industries=["law"], availability=["tue-evening"])
    make_mentee(programme, "E1", "Efe", industries=["law"], availability=["tue-evening"])
    make_mentee(programme, "E2", "Eli", industries=["law"])
    client = client_for(world)
    response = client.post(f"/mentoring/programmes/{programme.pk}/match/")
    run = MatchingRun.objects.get(programme=programme)
    assert response["Location"] == f"/mentoring/runs/{run.pk}/"
    shown = text(client.get(response["Location"]))
    assert "Efe Mentee" in shown
    assert "both in law" in shown
    assert "industry and sector: 30 points)" in shown
    assert "Tuesday evenings overlap" in shown
    assert "Eli Mentee" in shown
    assert "every mentor in law" in shown
    pair = Relationship.objects.get(run=run)
    client.post(f"/mentoring/proposed/{pair.pk}/lock/", {"locked": "yes"})
    pair.refresh_from_db()
    assert pair.locked
    client.post(f"/mentoring/runs/{run.pk}/publish/")
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.INTRODUCED


def test_two_pairs_are_swapped_from_the_run_page(world: World) -> None:
    programme = make_programme(world.alpha)
    make_mentor(programme, "law.m", industries=["law"])
    make_mentor(programme, "fin.m", industries=["finance"])
    ann = make_mentee(programme, "F1", "Ann", industries=["law"])
    bob = make_mentee(programme, "F2", "Bob", industries=["finance"])
    client = client_for(world)
    client.post(f"/mentoring/programmes/{programme.pk}/match/")
    run = MatchingRun.objects.get(programme=programme)
    one = Relationship.objects.get(run=run, mentee=ann)
    other = Relationship.objects.get(run=run, mentee=bob)
    client.post(f"/mentoring/runs/{run.pk}/swap/", {"first": one.pk, "second": other.pk})
    one.refresh_from_db()
    assert one.mentor.user.username == "fin.m"
    assert one.score == 10


def test_others_are_answered_as_if_nothing_were_there(world: World) -> None:
    programme = make_programme(world.gamma)
    client = client_for(world)
    assert client.get(f"/mentoring/programmes/{programme.pk}/").status_code == 404
    assert client.post(f"/mentoring/programmes/{programme.pk}/match/").status_code == 404
    school = client_for(world, Role.SCHOOL_STAFF)
    assert school.get("/mentoring/programmes/").status_code == 404


def test_mentoring_is_in_the_navigation_of_coordinators_only(world: World, rf) -> None:
    def labels(role: str) -> list[str]:
        request = rf.get("/")
        request.user = world.users[role]
        return [link.label for group in menu_for(request) for link in group.links]

    assert "Mentoring" in labels(Role.OUTREACH_OFFICER)
    assert "Mentoring" in labels(Role.STUDENT_SUPPORT_ADVISER)
    assert "Mentoring" not in labels(Role.SCHOOL_STAFF)
    assert "Mentoring" not in labels(Role.EVALUATOR)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_read_a_cohort_in_the_same_number_of_queries_whatever_its_size(
    world: World,
) -> None:
    small = make_programme(world.alpha, "Small")
    make_cohort(small, mentees=4, mentors=2, prefix="s")
    large = make_programme(world.alpha, "Large")
    make_cohort(large, mentees=40, mentors=20, prefix="l")
    client = client_for(world)
    for programme in (small, large):
        client.post(f"/mentoring/programmes/{programme.pk}/match/")
    small_run = MatchingRun.objects.get(programme=small)
    large_run = MatchingRun.objects.get(programme=large)
    assert large_run.matched > small_run.matched
    assert _queries(client, f"/mentoring/programmes/{large.pk}/") == _queries(
        client, f"/mentoring/programmes/{small.pk}/"
    )
    assert _queries(client, f"/mentoring/runs/{large_run.pk}/") == _queries(
        client, f"/mentoring/runs/{small_run.pk}/"
    )


def test_a_pair_never_to_be_made_is_added_kept_out_of_the_run_and_removed(world: World) -> None:
    programme = make_programme(world.alpha)
    place = make_mentor(programme, "sister.mentor", industries=["law"])
    mentee = make_mentee(programme, "G1", "Gia", industries=["law"])
    client = client_for(world)
    page = text(client.get(f"/mentoring/programmes/{programme.pk}/never/"))
    assert "None yet." in page
    client.post(
        f"/mentoring/programmes/{programme.pk}/never/",
        {"mentor": str(place.mentor_id), "mentee": str(mentee.pk), "reason": "same_family"},
    )
    assert "The same family" in text(client.get(f"/mentoring/programmes/{programme.pk}/never/"))
    client.post(f"/mentoring/programmes/{programme.pk}/match/")
    run = MatchingRun.objects.get(programme=programme)
    assert run.matched == 0
    assert "excluded" in run.unmatched[0]["reason"]
    never = mentee.never_pairs.get()
    client.post(f"/mentoring/never/{never.pk}/remove/")
    assert not mentee.never_pairs.exists()
