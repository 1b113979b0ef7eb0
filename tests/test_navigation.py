"""The main navigation comes from each app's registered pages, grouped by journey."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import resolve

from widen.accounts.capabilities import Capability, holds
from widen.core.navigation import Journey, NavEntry, menu_for, registered
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _request(path: str, user: object) -> object:
    request = RequestFactory().get(path)
    request.user = user  # type: ignore[attr-defined]
    request.resolver_match = resolve(path)  # type: ignore[attr-defined]
    return request


def test_every_app_page_in_the_header_is_registered_once_in_a_journey() -> None:
    entries = {entry.url_name: entry for entry in registered()}
    for url_name in (
        "learners:list",
        "targeting:schools",
        "targeting:rule_sets",
        "targeting:postcode_lookup",
        "programmes:list",
        "activities:list",
        "events:list",
        "evaluation:surveys",
        "reporting:index",
        "organisations:list",
    ):
        assert url_name in entries, url_name
    assert entries["events:list"].journey is Journey.ENGAGE
    assert entries["learners:list"].journey is Journey.IDENTIFY


def test_groups_follow_the_journey_and_mark_the_current_page(world: World) -> None:
    officer = world.users["outreach_officer"]
    menu = menu_for(_request("/targeting/rule-sets/", officer))  # type: ignore[arg-type]
    journeys = [group.journey for group in menu]
    assert journeys == sorted(journeys, key=list(Journey).index)
    identify = next(group for group in menu if group.journey is Journey.IDENTIFY)
    assert identify.current
    assert [link.label for link in identify.links if link.current] == ["Rule sets"]
    assert not any(group.current for group in menu if group.journey is not Journey.IDENTIFY)


def test_a_person_sees_only_pages_they_may_open_and_no_empty_journey(world: World) -> None:
    def organisers(person: object) -> bool:
        return holds(person, Capability.EVENTS_ORGANISE)

    entries = [
        NavEntry("Learners", "learners:list", Journey.IDENTIFY),
        NavEntry("Events", "events:list", Journey.SUPPORT, may_open=organisers),
    ]
    officer = _request("/learners/", world.users["outreach_officer"])
    staff = _request("/learners/", world.users["school_staff"])
    assert [g.journey for g in menu_for(officer, entries)] == [Journey.IDENTIFY, Journey.SUPPORT]  # type: ignore[arg-type]
    assert [g.journey for g in menu_for(staff, entries)] == [Journey.IDENTIFY]  # type: ignore[arg-type]


def test_a_student_without_a_role_sees_only_their_own_pages(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """A student signed in by link is not offered the staff pages (learners, schools, events
    to organise): only their own record."""
    from tests.students.mine.support import signed_in_by_link, student_at  # noqa: PLC0415

    student_at(world.alpha, "N1", "nav.student@students.example.ac.uk")
    client = signed_in_by_link(
        "nav.student@students.example.ac.uk", django_capture_on_commit_callbacks
    )
    page = client.get("/my/").content.decode()
    menu = page[page.index("<nav") : page.index("</nav>")]
    assert "My record" in menu
    assert "Learners" not in menu
    assert "Schools" not in menu
