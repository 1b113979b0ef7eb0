"""The Django admin is scoped like the pages (SECURITY 14); the `widen` commands work."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from conftest import signed_in_client
from widen.accounts.models import ApiToken, Membership, User
from widen.learners.models import Learner
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def test_staff_see_only_their_learners_in_the_admin(world: World) -> None:
    staff = signed_in_client(world.users["staff"])
    listing = staff.get("/admin/learners/learner/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Alphason" in body
    assert "Betterton" in body  # shared under the agreement
    assert "Gammage" not in body
    foreign = staff.get(f"/admin/learners/learner/{world.learner_gamma.id}/change/")
    missing = staff.get("/admin/learners/learner/00000000-0000-4000-8000-000000000000/change/")
    assert foreign.status_code == missing.status_code == 404


def test_staff_cannot_change_a_partners_learner_in_the_admin(world: World) -> None:
    staff = signed_in_client(world.users["staff"])
    learner = world.learner_beta
    page = staff.get(f"/admin/learners/learner/{learner.id}/change/")
    assert page.status_code == 200
    assert 'name="first_name"' not in page.content.decode()  # read-only view
    staff.post(
        f"/admin/learners/learner/{learner.id}/change/",
        {"first_name": "Hijacked", "last_name": "Betterton"},
    )
    learner.refresh_from_db()
    assert learner.first_name == "Bea"


def test_admin_edits_are_audited(world: World) -> None:
    staff = signed_in_client(world.users["staff"])
    learner = world.learner_alpha
    response = staff.post(
        f"/admin/learners/learner/{learner.id}/change/",
        {
            "first_name": "Amara",
            "last_name": "Alphason",
            "preferred_name": "Amy",
            "date_of_birth": learner.date_of_birth.isoformat(),
            "home_postcode": "E15 4LZ",
            "care_experienced": "true",
            "disability": "false",
            "free_school_meals": "true",
            "ethnicity": "black_african",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from widen.audit.models import AuditEvent  # noqa: PLC0415

    event = AuditEvent.objects.get(object_id=str(learner.id), action="update")
    assert event.source == "admin"
    assert "preferred_name" in event.changed_fields


def test_partner_staff_cannot_touch_people_or_privileges(world: World) -> None:
    staff = signed_in_client(world.users["staff"])
    assert staff.get("/admin/accounts/user/").status_code == 403
    user = world.users["read_only"]
    assert staff.get(f"/admin/accounts/user/{user.id}/change/").status_code in {403, 404}
    staff.post(f"/admin/accounts/user/{user.id}/change/", {"is_superuser": "on"})
    user.refresh_from_db()
    assert not user.is_superuser


def test_admin_needs_staff_and_mfa(world: World) -> None:
    not_verified = signed_in_client(world.users["staff"], verified=False)
    assert not_verified.get("/admin/").status_code == 302
    not_staff = signed_in_client(world.users["outreach_officer"])
    assert not_staff.get("/admin/learners/learner/")["Location"].startswith("/admin/login/")


def test_createuser_and_token_commands(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-new-password\n"))
    call_command(
        "createuser",
        "new.officer",
        "--organisation",
        world.alpha.ukprn,
        "--role",
        "outreach_officer",
        "--password-stdin",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="new.officer")
    assert Membership.objects.get(user=user).organisation == world.alpha
    assert user.check_password("a-long-enough-new-password")
    out = io.StringIO()
    call_command(
        "token", "create", "new.officer", "--name", "MIS sync", stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip()
    assert raw.startswith("widen_")
    token = ApiToken.objects.get(user=user)
    assert raw not in token.key_hash  # only a hash is stored
    response = Client().get("/api/v1/learners", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    response = Client().get("/api/v1/learners", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_createuser_refuses_weak_passwords_and_unknown_organisations(
    world: World, monkeypatch: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "weak.one", "--password-stdin", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-new-password\n"))
    with pytest.raises(CommandError, match="No organisation"):
        call_command(
            "createuser",
            "lost.one",
            "--organisation",
            "99999999",
            "--role",
            "read_only",
            "--password-stdin",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username__in=["weak.one", "lost.one"]).exists()


def test_learner_list_page_query_count_does_not_grow(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(40):
        Learner.objects.create(
            organisation=world.alpha,
            school=world.school,
            first_name=f"Row{n}",
            last_name="Counted",
            date_of_birth=year_group_birthday(11),
        )
    client = signed_in_client(world.users["outreach_officer"])
    # 25, however many learners: one counts the person's unread notifications for the header,
    # one asks whether they handle requests about people's data (two pages in the menu), one
    # whether they manage an HE provider's students (two pages: imports and links), one whether
    # they hold a role anywhere (staff pages; a student sees only their own), one whether they
    # coordinate student partners (five pages).
    with django_assert_max_num_queries(25):
        assert client.get("/learners/").status_code == 200
