"""Changing and withdrawing a benefit through the JSON API, as a scheme's manager does on its
page: what is sent changes and the rest stays; members see the new title at once; a withdrawn
benefit disappears from their list and cannot be taken up until it is offered again. Nobody
else may change it (answered 404), and every change is in the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import api_call
from tests.events.conftest import make_event
from tests.support.benefits import member_of
from tests.support.pages.test_membership_api import student_with_token
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.events.models import Event
from widen.students.models import Student
from widen.support.models import Benefit, BenefitKind, BenefitUse, Scheme
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/support"


@pytest.fixture
def offered(world: World) -> tuple[Scheme, Benefit, Student, str]:
    """Alpha's scheme offering its member Ann an internship from the careers service."""
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family network")
    ann, ann_token = student_with_token(world.alpha, "S1", "Ann")
    member_of(scheme, ann)
    with request_context.bind(source="test"):
        benefit = Benefit.objects.create(
            scheme=scheme,
            kind=BenefitKind.OPPORTUNITY,
            title="Paid summer internships",
            description="Ten weeks with a London employer.",
            offered_by="Careers service",
            link="https://careers.example.ac.uk/internships",
        )
    return scheme, benefit, ann, ann_token


def _path(benefit: Benefit) -> str:
    return f"{API}/schemes/{benefit.scheme_id}/benefits/{benefit.pk}"


def _offered_titles(token: str) -> set[str]:
    answer = api_call(token, "GET", f"{API}/mine/benefits")
    assert answer.status_code == 200, answer.content
    return {row["title"] for row in answer.json()["results"]}


def _manager(world: World) -> str:
    return world.tokens[Role.OUTREACH_OFFICER]


def test_a_changed_title_and_date_are_what_members_see_and_the_rest_stays(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    _, benefit, _, ann_token = offered
    until = timezone.localdate() + timedelta(days=21)

    changed = api_call(
        _manager(world),
        "PATCH",
        _path(benefit),
        {"title": "Paid summer internships 2027", "members_first_until": until.isoformat()},
    )

    assert changed.status_code == 200, changed.content
    answer = changed.json()
    assert answer["title"] == "Paid summer internships 2027"
    assert answer["members_first_until"] == until.isoformat()
    # What was not sent keeps its value.
    assert answer["offered_by"] == "Careers service"
    assert answer["description"] == "Ten weeks with a London employer."
    assert answer["link"] == "https://careers.example.ac.uk/internships"
    assert answer["is_active"] is True
    assert _offered_titles(ann_token) == {"Paid summer internships 2027"}
    mine = api_call(ann_token, "GET", f"{API}/mine/benefits").json()["results"]
    assert mine[0]["members_first_until"] == until.isoformat()
    audited = AuditEvent.objects.get(
        object_type="support.benefit", object_id=str(benefit.pk), action="update"
    )
    assert {"title", "members_first_until"} <= set(audited.changed_fields)
    assert audited.actor_id == world.users[Role.OUTREACH_OFFICER].pk


def test_a_withdrawn_benefit_is_gone_for_members_until_it_is_offered_again(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    _, benefit, ann, ann_token = offered
    take_up = f"{API}/mine/benefits/{benefit.pk}/take-up"

    withdrawn = api_call(_manager(world), "PATCH", _path(benefit), {"is_active": False})

    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["is_active"] is False
    assert withdrawn.json()["title"] == "Paid summer internships"
    assert _offered_titles(ann_token) == set()
    assert api_call(ann_token, "POST", take_up).status_code == 404
    assert not BenefitUse.objects.filter(student=ann).exists()
    # The manager still lists it, withdrawn, to offer it again.
    listed = api_call(_manager(world), "GET", f"{API}/schemes/{benefit.scheme_id}/benefits")
    assert [row["is_active"] for row in listed.json()["results"]] == [False]
    withdrawal = AuditEvent.objects.filter(
        object_type="support.benefit", object_id=str(benefit.pk), action="update"
    )
    assert [event.changed_fields for event in withdrawal] == [["is_active"]]

    again = api_call(_manager(world), "PATCH", _path(benefit), {"is_active": True})

    assert again.status_code == 200, again.content
    assert again.json()["is_active"] is True
    assert _offered_titles(ann_token) == {"Paid summer internships"}
    taken = api_call(ann_token, "POST", take_up)
    assert taken.status_code == 200, taken.content
    assert BenefitUse.objects.filter(student=ann, benefit=benefit).exists()


def test_a_members_only_event_that_has_started_can_still_be_reworded_or_withdrawn(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    scheme, _, _, ann_token = offered
    event = make_event(world, title="CV workshop for members").event
    added = api_call(
        _manager(world),
        "POST",
        f"{API}/schemes/{scheme.pk}/benefits",
        {"kind": BenefitKind.EVENT, "title": "CV workshop", "event_id": str(event.pk)},
    )
    assert added.status_code == 201, added.content
    benefit = Benefit.objects.get(pk=added.json()["id"])
    started = timezone.now() - timedelta(minutes=30)
    Event.objects.filter(pk=event.pk).update(
        starts_at=started, ends_at=started + timedelta(hours=2)
    )

    reworded = api_call(_manager(world), "PATCH", _path(benefit), {"title": "CV workshop (now on)"})
    assert reworded.status_code == 200, reworded.content
    withdrawn = api_call(_manager(world), "PATCH", _path(benefit), {"is_active": False})
    assert withdrawn.status_code == 200, withdrawn.content
    assert "CV workshop (now on)" not in _offered_titles(ann_token)
    # Another event that has started still cannot be chosen.
    other = make_event(world, title="Study skills").event
    Event.objects.filter(pk=other.pk).update(
        starts_at=started, ends_at=started + timedelta(hours=2)
    )
    moved = api_call(_manager(world), "PATCH", _path(benefit), {"event_id": str(other.pk)})
    assert moved.status_code == 422
    assert moved.json()["field"] == "event_id"


def test_another_providers_manager_a_student_and_staff_without_the_capability_are_answered_404(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    _, benefit, _, ann_token = offered
    beta = make_user("support.beta", world.beta, Role.OUTREACH_OFFICER)
    beta_token = api_token_create(user=beta, name="Beta")[1]
    change = {"title": "Taken over", "is_active": False}

    for token in (beta_token, ann_token, world.tokens[Role.READ_ONLY]):
        refused = api_call(token, "PATCH", _path(benefit), change)
        assert refused.status_code == 404, refused.content

    benefit.refresh_from_db()
    assert (benefit.title, benefit.is_active) == ("Paid summer internships", True)
    assert _offered_titles(ann_token) == {"Paid summer internships"}
    assert not AuditEvent.objects.filter(
        object_type="support.benefit", object_id=str(benefit.pk), action="update"
    ).exists()


def test_a_benefit_of_another_scheme_is_not_found_through_this_one(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    _, benefit, _, _ = offered
    other = make_scheme(world, FIRST_IN_FAMILY, name="Care leavers' network")

    refused = api_call(
        _manager(world),
        "PATCH",
        f"{API}/schemes/{other.pk}/benefits/{benefit.pk}",
        {"title": "Moved"},
    )

    assert refused.status_code == 404
    benefit.refresh_from_db()
    assert benefit.title == "Paid summer internships"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"is_active": None}, "is_active"),
        ({"members_first_until": "31/12/2026"}, "members_first_until"),
        ({"members_first_until": "2026-02-30"}, "members_first_until"),
        ({"link": "not a web address"}, "link"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_changes_nothing(
    world: World,
    offered: tuple[Scheme, Benefit, Student, str],
    change: dict[str, Any],
    field: str,
) -> None:
    _, benefit, _, ann_token = offered

    refused = api_call(_manager(world), "PATCH", _path(benefit), change)

    assert refused.status_code == 422, refused.content
    assert field in refused.content.decode()
    benefit.refresh_from_db()
    assert benefit.title == "Paid summer internships"
    assert benefit.members_first_until is None
    assert _offered_titles(ann_token) == {"Paid summer internships"}


def test_a_body_naming_a_kind_is_refused_and_the_kind_stays(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    _, benefit, _, _ = offered

    refused = api_call(
        _manager(world), "PATCH", _path(benefit), {"kind": "event", "title": "A workshop now"}
    )

    assert refused.status_code == 422, refused.content
    assert "kind" in refused.content.decode()
    benefit.refresh_from_db()
    assert (benefit.kind, benefit.title) == (BenefitKind.OPPORTUNITY, "Paid summer internships")


def test_a_null_date_keeps_the_opportunity_for_members_only_with_no_day_it_opens(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    _, benefit, _, _ = offered
    with request_context.bind(source="test"):
        Benefit.objects.filter(pk=benefit.pk).update(
            members_first_until=timezone.localdate() + timedelta(days=7)
        )

    cleared = api_call(_manager(world), "PATCH", _path(benefit), {"members_first_until": None})

    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["members_first_until"] is None
    benefit.refresh_from_db()
    assert benefit.members_first_until is None


def test_a_new_benefits_link_is_a_full_web_address_as_on_the_page(
    world: World, offered: tuple[Scheme, Benefit, Student, str]
) -> None:
    scheme, _, _, _ = offered
    opportunity = {"kind": "opportunity", "title": "Volunteering fair", "link": "javascript:x()"}

    refused = api_call(_manager(world), "POST", f"{API}/schemes/{scheme.pk}/benefits", opportunity)

    assert refused.status_code == 422, refused.content
    assert refused.json()["field"] == "link"
    assert not Benefit.objects.filter(title="Volunteering fair").exists()
