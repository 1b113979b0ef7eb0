"""Saved learner searches: kept from the learner list's allowlisted filters by the person who made
them, and used on a session's register to add everyone they find now, within its capacity."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import signed_in_client
from widen.accounts.models import Role, User
from widen.activities.models import Session
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner, SavedSearch
from widen.learners.saved_searches import (
    saved_search_get,
    saved_search_learners,
    saved_search_list,
    saved_search_save,
)
from widen.organisations.models import Organisation, OrganisationType, PartnershipMember
from widen.testing.delivery import alpha_pupil, north_activity, planned_session
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def _officer(world: World) -> User:
    return world.users[Role.OUTREACH_OFFICER]


def _session(world: World, *, capacity: int | None = None) -> Session:
    activity = north_activity(world, "Campus day", sub_type="Campus tour", actor=_officer(world))
    return planned_session(
        activity,
        day=date(2026, 12, 10),
        starts_at=time(9, 30),
        ends_at=time(12, 30),
        actor=_officer(world),
        venue="Main campus",
        capacity=capacity,
    )


def _pupil(
    world: World, first: str, *, year: int = 10, school: Organisation | None = None
) -> Learner:
    return alpha_pupil(world, first, last_name="Pupil", year=year, school=school)


def test_only_allowlisted_filters_are_kept_and_each_person_sees_only_their_own(
    world: World,
) -> None:
    officer = _officer(world)
    search = saved_search_save(
        actor=officer,
        name="  Year 10   at Sixth Form ",
        params={
            "school": str(world.school.pk),
            "year_group": "10",
            "characteristic": "free_school_meals",
            "order_by": "password",
            "organisation": str(world.gamma.pk),
            "year_group_extra": "1",
        },
    )
    assert search.name == "Year 10 at Sixth Form"
    assert search.filters == {
        "school": str(world.school.pk),
        "year_group": "10",
        "characteristic": "free_school_meals",
    }
    # Saving under the same name replaces it; a search with no filter would be everyone.
    again = saved_search_save(
        actor=officer, name="Year 10 at Sixth Form", params={"year_group": "9"}
    )
    assert again.pk == search.pk
    assert again.filters == {"year_group": "9"}
    with pytest.raises(ApplicationError, match="at least one filter"):
        saved_search_save(actor=officer, name="Everyone", params={"year_group": "42"})
    with pytest.raises(ApplicationError, match="Give the search a name"):
        saved_search_save(actor=officer, name="   ", params={"year_group": "10"})
    other = world.users[Role.SCHOOL_STAFF]
    assert list(saved_search_list(actor=other)) == []
    with pytest.raises(NotFound):
        saved_search_get(actor=other, search_id=search.pk)


def test_a_saved_search_finds_what_its_owner_may_see_now(world: World) -> None:
    officer = _officer(world)
    search = saved_search_save(
        actor=officer, name="Year 10", params={"year_group": "10", "school": str(world.school.pk)}
    )
    found = set(saved_search_learners(actor=officer, search=search))
    # Alpha's own, the school's and Beta's (shared under the agreement); never Gamma's.
    assert found == {world.learner_alpha, world.learner_school, world.learner_beta}
    # When the agreement stops sharing, the same search finds only what is shared now.
    world.agreement.parties.remove(world.beta)
    assert set(saved_search_learners(actor=officer, search=search)) == {
        world.learner_alpha,
        world.learner_school,
    }


def test_the_learner_list_saves_its_filters_and_lists_the_saved_searches(world: World) -> None:
    client = signed_in_client(_officer(world))
    page = client.get(reverse("learners:list"), {"year_group": "10"}).content.decode()
    assert "Save this search" in page
    response = client.post(
        reverse("learners:saved_search_create"),
        {"name": "My Year 10s", "year_group": "10", "q": "", "sort": "secret"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learners:list") + "?year_group=10"
    saved = SavedSearch.objects.get(owner=_officer(world))
    assert (saved.name, saved.filters) == ("My Year 10s", {"year_group": "10"})
    page = client.get(response["Location"]).content.decode()
    assert "Saved the search ‘My Year 10s’" in page
    assert 'href="?year_group=10">My Year 10s</a>' in page
    # Nothing to save without a filter: the form is not offered, and a post is refused.
    assert "Save this search" not in client.get(reverse("learners:list")).content.decode()
    refused = client.post(reverse("learners:saved_search_create"), {"name": "All"})
    assert [str(message) for message in get_messages(refused.wsgi_request)] == [
        "Choose at least one filter to save: a search without one finds every learner."
    ]


def test_the_register_adds_everyone_a_saved_search_finds(world: World) -> None:
    session = _session(world)
    officer = _officer(world)
    year_nine = _pupil(world, "Nia", year=9)
    search = saved_search_save(
        actor=officer, name="Year 10 at the school", params={"year_group": "10"}
    )
    client = signed_in_client(officer)
    url = reverse("activities:register", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Year 10 at the school" in page
    response = client.post(url, {"action": "add_search", "search": str(search.pk)})
    assert response.status_code == 302
    on_register = set(session.register.values_list("learner_id", flat=True))
    assert on_register == {world.learner_alpha.pk, world.learner_school.pk, world.learner_beta.pk}
    assert year_nine.pk not in on_register
    assert (
        "Added 3 learners from ‘Year 10 at the school’ to the register."
        in client.get(url).content.decode()
    )
    # Again: nobody new, and the register says so.
    client.post(url, {"action": "add_search", "search": str(search.pk)})
    assert (
        "Everyone ‘Year 10 at the school’ finds is on the register already."
        in client.get(url).content.decode()
    )
    assert session.register.count() == 3


def test_a_saved_search_respects_capacity_and_belongs_to_its_owner(world: World) -> None:
    session = _session(world, capacity=2)
    officer = _officer(world)
    search = saved_search_save(actor=officer, name="Year 10", params={"year_group": "10"})
    client = signed_in_client(officer)
    url = reverse("activities:register", args=[session.pk])
    response = client.post(url, {"action": "add_search", "search": str(search.pk)})
    assert response.status_code == 200
    assert (
        "Nothing was added from ‘Year 10’, which finds 3 learners not on the register. The "
        "session has room for 2 more learners (capacity 2); 3 would be added."
    ) in response.content.decode()
    assert not session.register.exists()
    # Someone else's saved search cannot be used, even by a colleague who takes the register.
    colleague = world.users[Role.ORGANISATION_ADMIN]
    response = signed_in_client(colleague).post(
        url, {"action": "add_search", "search": str(search.pk)}
    )
    assert "Choose one of your saved searches." in response.content.decode()
    assert not session.register.exists()


def test_a_saved_search_of_a_school_outside_the_partnership_adds_nobody_unseen(
    world: World,
) -> None:
    session = _session(world)
    officer = _officer(world)
    elsewhere = Organisation.objects.create(
        name="Elsewhere Academy", organisation_type=OrganisationType.SCHOOL, urn="100002"
    )
    PartnershipMember.objects.create(partnership=world.south, organisation=elsewhere)
    with request_context.bind(source="test"):
        Learner.objects.create(
            organisation=world.gamma,
            school=elsewhere,
            first_name="Hidden",
            last_name="Learner",
            date_of_birth=year_group_birthday(10),
        )
    search = saved_search_save(
        actor=officer, name="Elsewhere", params={"school": str(elsewhere.pk)}
    )
    client = signed_in_client(officer)
    url = reverse("activities:register", args=[session.pk])
    client.post(url, {"action": "add_search", "search": str(search.pk)})
    assert "‘Elsewhere’ finds no learners you can see by name." in client.get(url).content.decode()
    assert not session.register.exists()


def test_a_person_removes_their_own_saved_search_and_nobody_else_can(world: World) -> None:
    officer = _officer(world)
    search = saved_search_save(actor=officer, name="Year 10", params={"year_group": "10"})
    url = reverse("learners:saved_search_delete", args=[search.pk])
    colleague = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    assert colleague.post(url).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    client = signed_in_client(officer)
    page = client.get(reverse("learners:list")).content.decode()
    assert 'Remove<span class="visually-hidden"> the saved search Year 10</span>' in page
    response = client.post(url)
    assert response["Location"] == reverse("learners:list")
    assert not SavedSearch.objects.filter(pk=search.pk).exists()
    assert (
        "Removed the saved search ‘Year 10’." in client.get(response["Location"]).content.decode()
    )
    assert client.post(url).status_code == 404
