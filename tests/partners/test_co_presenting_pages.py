"""Naming a student partner a co-presenter of a conference talk, from the event's programme: a
coordinator sees the link, chooses one of their own partners and a co-presenter role, and the
talk's presenters then show the student with links to their preparation and delivery shifts;
a refusal (the student's plan, their checks) shows the reason and adds nothing; nobody else
reaches the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import (
    EVERY_DAY,
    UK,
    autumn_term,
    make_partner,
    make_role,
    signed_in_partner,
)
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.core import request_context
from widen.events.models import Event, EventKind, Presenter, PresenterRole, Strand, Talk
from widen.organisations.models import Organisation
from widen.partners.models import (
    AssignmentStatus,
    CheckKind,
    Role,
    RoleKind,
    Shift,
    ShiftAssignment,
    ShiftKind,
)
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)
MONDAY = date(2026, 11, 9)
FRIDAY = MONDAY + timedelta(days=4)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with freeze_time(NOW):
        yield


@pytest.fixture
def coordinator(world: World) -> User:
    return world.users["outreach_officer"]


@pytest.fixture
def role(world: World, coordinator: User) -> Role:
    autumn_term(world.alpha)
    return make_role(
        world.alpha, coordinator, title="Conference co-presenter", kind=RoleKind.CO_PRESENTER
    )


def conference(world: World, organiser: Organisation | None = None) -> Talk:
    """A staff conference on a Friday, organised by Alpha University unless said, with a talk
    in its "Student voice" strand."""
    starts = datetime.combine(FRIDAY, time(9), tzinfo=UK)
    with request_context.bind(source="test"):
        event = Event.objects.create(
            partnership=world.north,
            organiser=organiser or world.alpha,
            title="Widening participation staff conference",
            kind=EventKind.CONFERENCE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=7),
            venue="Great Hall, Alpha University",
        )
        strand = Strand.objects.create(event=event, title="Student voice")
        talk = Talk.objects.create(
            event=event,
            strand=strand,
            title="What first-generation students want you to know",
            starts_at=starts + timedelta(hours=2),
            ends_at=starts + timedelta(hours=3),
            room="Room 2",
        )
        Presenter.objects.create(
            talk=talk, name="Dr Helen Marsh", role=PresenterRole.STAFF, job_title="WP lead"
        )
    return talk


def url(talk: Talk) -> str:
    return f"/partners/talks/{talk.pk}/co-presenter/"


def fields(partner_id: object, role: Role, **changes: str) -> dict[str, str]:
    return {
        "partner": str(partner_id),
        "role": str(role.pk),
        "preparation_minutes": "150",
        "preparation_day": (MONDAY + timedelta(days=1)).isoformat(),
        "preparation_starts": "14:00",
        "preparation_mode": "online",
        **changes,
    }


def test_a_coordinator_adds_a_student_co_presenter_from_the_events_programme(
    world: World, role: Role, coordinator: User
) -> None:
    partner = make_partner(
        world.alpha, "P1", first_name="Priya", last_name="Presenter", roles=(role,)
    )
    talk = conference(world)
    client = signed_in_client(coordinator)

    programme = client.get(f"/events/{talk.event_id}/talks/").content.decode()
    assert f'href="{url(talk)}"' in programme
    assert "Add a student co-presenter" in programme
    form = client.get(url(talk)).content.decode()
    assert "Priya Presenter" in form  # one of the choices
    assert "Conference co-presenter" in form

    response = client.post(url(talk), fields(partner.pk, role), follow=True)

    assert response.redirect_chain[-1][0] == url(talk)
    page = response.content.decode()
    assert "Priya Presenter co-presents What first-generation students want you to know" in page
    preparation = Shift.objects.get(talk=talk, kind=ShiftKind.PREPARATION)
    delivery = Shift.objects.get(talk=talk, kind=ShiftKind.DELIVERY)
    assert f'href="/partners/shifts/{preparation.pk}/"' in page
    assert f'href="/partners/shifts/{delivery.pk}/"' in page
    assert "Priya Presenter (student" in page
    assert preparation.starts_at == datetime.combine(MONDAY + timedelta(days=1), time(14), UK)
    assert preparation.minutes == 150
    assert (delivery.starts_at, delivery.ends_at) == (talk.starts_at, talk.ends_at)
    for shift in (preparation, delivery):
        assert shift.costs_covered
        assert ShiftAssignment.objects.get(shift=shift).partner == partner
        assert ShiftAssignment.objects.get(shift=shift).status == AssignmentStatus.BOOKED
    programme = client.get(f"/events/{talk.event_id}/talks/").content.decode()
    assert "Priya Presenter (student" in programme


@pytest.mark.parametrize(
    ("_case", "partner_fields", "reason"),
    [
        (
            "their plan has no Fridays",
            {"patterns": tuple(pattern for pattern in EVERY_DAY if pattern[0] != 4)},
            "Priya Presenter cannot be given this shift: Their plan",
        ),
        (
            "no right-to-work check",
            {"checks": (CheckKind.DBS, CheckKind.TRAINING)},
            "Priya Presenter cannot be given this shift:",
        ),
    ],
)
def test_a_co_presenter_the_rules_refuse_shows_the_reason_and_adds_nothing(
    world: World,
    role: Role,
    coordinator: User,
    _case: str,
    partner_fields: dict[str, object],
    reason: str,
) -> None:
    partner = make_partner(
        world.alpha,
        "P2",
        first_name="Priya",
        last_name="Presenter",
        roles=(role,),
        **partner_fields,  # type: ignore[arg-type]
    )
    talk = conference(world)

    response = signed_in_client(coordinator).post(url(talk), fields(partner.pk, role))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert reason in page
    assert list(talk.presenters.values_list("name", flat=True)) == ["Dr Helen Marsh"]
    assert not Shift.objects.filter(talk=talk).exists()


def test_a_preparation_time_out_of_range_is_refused_on_its_box(
    world: World, role: Role, coordinator: User
) -> None:
    partner = make_partner(world.alpha, "P3", roles=(role,))
    talk = conference(world)

    response = signed_in_client(coordinator).post(
        url(talk), fields(partner.pk, role, preparation_minutes="5")
    )

    assert response.status_code == 200
    assert "Give the preparation time in minutes, from 15 to 2,400." in response.content.decode()
    assert not Shift.objects.exists()


def test_only_the_coordinators_own_partners_and_co_presenter_roles_are_choices(
    world: World, role: Role, coordinator: User
) -> None:
    mine = make_partner(world.alpha, "P4", first_name="Mina", last_name="Mine")
    ambassador = make_role(world.alpha, coordinator, title="Open day ambassador")
    theirs = make_partner(world.beta, "B1", first_name="Bea", last_name="Beta")
    talk = conference(world)
    client = signed_in_client(coordinator)

    page = client.get(url(talk)).content.decode()
    assert "Mina Mine" in page
    assert "Bea Beta" not in page
    assert "Open day ambassador" not in page

    forged = client.post(url(talk), fields(theirs.pk, role)).content.decode()
    assert "Choose one of your providers&#x27; student partners." in forged
    not_co_presenting = client.post(url(talk), fields(mine.pk, ambassador)).content.decode()
    assert "Choose one of your providers&#x27; co-presenter roles." in not_co_presenting
    assert not Shift.objects.exists()
    assert list(talk.presenters.values_list("name", flat=True)) == ["Dr Helen Marsh"]


def _other_coordinator(world: World) -> Client:
    return signed_in_client(make_user("outreach.gamma", world.gamma, StaffRole.OUTREACH_OFFICER))


def test_nobody_else_reaches_a_talks_co_presenter_page(
    world: World,
    role: Role,
    coordinator: User,
    django_capture_on_commit_callbacks: object,
) -> None:
    partner = make_partner(world.alpha, "P5", roles=(role,))
    talk = conference(world)
    clients = {
        "a coordinator at a provider outside the event's partnership": _other_coordinator(world),
        "a student partner": signed_in_partner(partner, django_capture_on_commit_callbacks),
        "staff without the partners' coordination": signed_in_client(world.users["evaluator"]),
    }
    for case, client in clients.items():
        assert client.get(url(talk)).status_code == 404, case
        assert client.post(url(talk), fields(partner.pk, role)).status_code == 404, case
    assert list(talk.presenters.values_list("name", flat=True)) == ["Dr Helen Marsh"]
    assert not Shift.objects.exists()


def test_an_organiser_who_does_not_coordinate_partners_sees_no_co_presenter_link(
    world: World,
) -> None:
    organiser = make_user("organiser.school", world.school, StaffRole.ORGANISATION_ADMIN)
    talk = conference(world, organiser=world.school)

    response = signed_in_client(organiser).get(f"/events/{talk.event_id}/talks/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "What first-generation students want you to know" in page
    assert "co-presenter" not in page
