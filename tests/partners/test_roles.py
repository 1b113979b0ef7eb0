"""Roles: a coordinator adds, changes and closes their provider's roles, at a rate in pounds
never below the minimum wage for 18 to 20 year olds today, with a named coordinator of that
provider; another provider's coordinator never sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import make_role
from tests.students.mine.support import signed_in_by_link, student_at
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.core.exceptions import ApplicationError, NotFound
from widen.partners.models import Role, RoleKind
from widen.partners.services.roles import role_close, role_create, role_update
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

# 4 December 2026: the 18-20 rate since 1 April 2026 is £10.85 an hour.
TODAY = "2026-12-04 10:00"


def coordinator(world: World) -> User:
    return world.users[StaffRole.OUTREACH_OFFICER]


def role_form(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "organisation": str(world.alpha.pk),
        "kind": RoleKind.AMBASSADOR,
        "title": "Campus tour ambassador",
        "work_involved": "Leading tours of the campus for visiting Year 12s.",
        "hourly_rate": "12.71",
        "coordinator": str(coordinator(world).pk),
        "decision_working_days": "10",
        "needs_training": "on",
        **changes,
    }


@freeze_time(TODAY)
def test_a_coordinator_adds_a_role_at_a_rate_in_pounds_kept_in_pence(world: World) -> None:
    client = signed_in_client(coordinator(world))
    response = client.post(reverse("partners:role_create"), role_form(world))
    assert response.status_code == 302
    role = Role.objects.get(title="Campus tour ambassador")
    assert role.hourly_rate_pence == 1271
    assert role.organisation == world.alpha
    assert role.is_open
    assert role.created_by == coordinator(world)
    listed = client.get(reverse("partners:roles")).content.decode()
    assert "Campus tour ambassador" in listed
    assert "£12.71 an hour" in listed


@freeze_time(TODAY)
def test_a_rate_below_the_minimum_for_18_to_20_year_olds_is_refused_with_the_reason(
    world: World,
) -> None:
    client = signed_in_client(coordinator(world))
    response = client.post(reverse("partners:role_create"), role_form(world, hourly_rate="10.84"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "£10.84 an hour is below the National Minimum Wage for 18 to 20 year olds, £10.85 an "
        "hour for someone aged 18 on 4 December 2026." in page
    )
    assert not Role.objects.exists()
    # The 18-20 rate itself is allowed (each student's own band is checked on their work).
    assert client.post(reverse("partners:role_create"), role_form(world, hourly_rate="10.85"))[
        "Location"
    ] == reverse("partners:roles")


@freeze_time(TODAY)
def test_changing_a_role_checks_its_rate_again(world: World) -> None:
    role = make_role(world.alpha, coordinator(world), hourly_rate_pence=1400)
    with pytest.raises(ApplicationError, match="below the National Minimum Wage"):
        role_update(
            actor=coordinator(world),
            role=role,
            kind=role.kind,
            title=role.title,
            work_involved=role.work_involved,
            hourly_rate_pounds="9.99",
            coordinator=coordinator(world),
            decision_working_days=5,
            needs_training=False,
        )
    role.refresh_from_db()
    assert role.hourly_rate_pence == 1400


@freeze_time(TODAY)
def test_the_named_coordinator_coordinates_partners_at_the_roles_provider(world: World) -> None:
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    evaluator = world.users[StaffRole.EVALUATOR]
    for not_theirs in (beta_coordinator, evaluator):
        with pytest.raises(ApplicationError, match="Choose a coordinator") as refused:
            role_create(
                actor=coordinator(world),
                organisation=world.alpha,
                kind=RoleKind.CO_RESEARCHER,
                title="Co-researcher",
                work_involved="Interviews.",
                hourly_rate_pounds="13.00",
                coordinator=not_theirs,
            )
        assert refused.value.field == "coordinator"
    # The page offers only Alpha's coordinators to name.
    page = signed_in_client(coordinator(world)).get(reverse("partners:role_create"))
    assert "coordinator.beta" not in page.content.decode()
    assert not Role.objects.exists()


@freeze_time(TODAY)
def test_a_coordinator_of_another_provider_gets_404(world: World) -> None:
    role = make_role(world.alpha, coordinator(world), title="Alpha ambassador")
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    client = signed_in_client(beta_coordinator)
    edit = reverse("partners:role_edit", kwargs={"role_id": role.pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, role_form(world, title="Taken over")).status_code == 404
    assert "Alpha ambassador" not in client.get(reverse("partners:roles")).content.decode()
    with pytest.raises(NotFound):
        role_create(
            actor=beta_coordinator,
            organisation=world.alpha,
            kind=RoleKind.AMBASSADOR,
            title="Not theirs",
            work_involved="Tours.",
            hourly_rate_pounds="13.00",
            coordinator=coordinator(world),
        )
    role.refresh_from_db()
    assert role.title == "Alpha ambassador"


@freeze_time(TODAY)
def test_a_closed_role_takes_no_applications(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    role = make_role(world.alpha, coordinator(world), title="Peer mentor")
    student_at(world.alpha, "S1", "sam@example.ac.uk")
    student: Client = signed_in_by_link("sam@example.ac.uk", django_capture_on_commit_callbacks)
    assert "Peer mentor" in student.get(reverse("partners:open_roles")).content.decode()
    # Closed from the role's page, with its "Taking applications" box unticked.
    form = role_form(world, title="Peer mentor")
    del form["organisation"]
    client = signed_in_client(coordinator(world))
    client.post(reverse("partners:role_edit", kwargs={"role_id": role.pk}), form)
    role.refresh_from_db()
    assert not role.is_open
    assert "Peer mentor" not in student.get(reverse("partners:open_roles")).content.decode()
    apply = reverse("partners:apply", kwargs={"role_id": role.pk})
    assert student.get(apply).status_code == 404
    # And opened again.
    role_close(actor=coordinator(world), role=role, is_open=True)
    assert student.get(apply).status_code == 200


def test_staff_have_no_students_pages(world: World) -> None:
    client = signed_in_client(coordinator(world))
    assert client.get(reverse("partners:open_roles")).status_code == 404
    assert client.get(reverse("partners:my_applications")).status_code == 404
