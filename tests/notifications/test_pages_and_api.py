"""A person's own notifications, on the page and in the API: only their own (anyone else's is
"not found"), marked read, paginated; their choices; unknown input refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import api_call, signed_in_client
from widen.accounts.models import Role, User
from widen.notifications.models import Category, DeliveryStatus, Notification, Preference
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def note(user: User, subject: str, **fields: Any) -> Notification:
    return Notification.objects.create(
        user=user,
        email=user.email,
        category=fields.pop("category", Category.UPDATES),
        template="testing/reminder",
        subject=subject,
        body_text=fields.pop("body_text", f"{subject}, in full."),
        status=DeliveryStatus.SENT,
        **fields,
    )


def api(world: World, role: str, method: str, path: str, body: Any = None) -> Any:
    return api_call(world.tokens[role], method, path, body)


def test_the_page_lists_only_ones_own_and_marks_one_read_when_opened(world: World) -> None:
    me = world.users[Role.OUTREACH_OFFICER]
    colleague = world.users[Role.ORGANISATION_ADMIN]
    mine = note(me, "Your pupil list is imported")
    theirs = note(colleague, "A colleague's private news")
    client = signed_in_client(me)

    listed = client.get(reverse("notifications:list")).content.decode()
    assert "Your pupil list is imported" in listed
    assert "A colleague&#x27;s private news" not in listed
    assert "You have 1 unread notification." in listed
    assert 'Notifications <span class="unread-count">(1' in listed  # the header's count

    opened = client.get(reverse("notifications:detail", args=[mine.pk]))
    assert opened.status_code == 200
    assert "Your pupil list is imported, in full." in opened.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "You have no unread notifications." in client.get("/notifications/").content.decode()

    # Another person's notification answers exactly like one that does not exist.
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.get("/notifications/00000000-0000-0000-0000-000000000000/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_ones_own(world: World) -> None:
    me = world.users[Role.OUTREACH_OFFICER]
    other = world.users[Role.SCHOOL_STAFF]
    for number in ("One", "Two"):
        note(me, f"{number} for me")
    untouched = note(other, "For someone else")
    response = signed_in_client(me).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    untouched.refresh_from_db()
    assert untouched.read_at is None


def test_hostile_text_in_a_notification_is_shown_as_text(world: World) -> None:
    me = world.users[Role.OUTREACH_OFFICER]
    hostile = note(me, "<img src=x onerror=alert(1)>", body_text="<script>alert(1)</script>")
    client = signed_in_client(me)
    for path in ("/notifications/", reverse("notifications:detail", args=[hostile.pk])):
        page = client.get(path).content.decode()
        assert "<img src=x" not in page
        assert "<script>alert" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_choices_page_turns_optional_kinds_off_even_all_at_once(world: World) -> None:
    me = world.users[Role.EVALUATOR]
    client = signed_in_client(me)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Reminders before events" in page
    assert "Your account and signing in" in page  # listed as always sent, with no box
    assert 'name="bookings"' not in page
    # Every box unticked: the browser sends none of them.
    response = client.post(reverse("notifications:preferences"), {})
    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=me).values_list("category", "enabled")) == {
        "reminders": False,
        "surveys": False,
        "updates": False,
    }
    client.post(reverse("notifications:preferences"), {"surveys": "on"})
    assert Preference.objects.get(user=me, category="surveys").enabled


def test_the_api_lists_ones_own_paginated_newest_first(world: World) -> None:
    me = world.users[Role.OUTREACH_OFFICER]
    for number in range(3):
        note(me, f"Note {number}")
    note(world.users[Role.ORGANISATION_ADMIN], "Not mine")
    first = api(world, Role.OUTREACH_OFFICER, "GET", "/api/v1/notifications?limit=2")
    assert first.status_code == 200
    assert first.json()["count"] == 3
    assert [row["subject"] for row in first.json()["results"]] == ["Note 2", "Note 1"]
    rest = api(world, Role.OUTREACH_OFFICER, "GET", "/api/v1/notifications?limit=2&offset=2")
    assert [row["subject"] for row in rest.json()["results"]] == ["Note 0"]
    assert (
        api(world, Role.OUTREACH_OFFICER, "GET", "/api/v1/notifications?limit=0").status_code == 422
    )
    assert (
        api(world, Role.OUTREACH_OFFICER, "GET", "/api/v1/notifications?limit=999").status_code
        == 422
    )


def test_the_api_answers_anothers_notification_as_not_found_and_changes_nothing(
    world: World,
) -> None:
    mine = note(world.users[Role.OUTREACH_OFFICER], "Mine")
    theirs = note(world.users[Role.ORGANISATION_ADMIN], "Theirs")
    path = f"/api/v1/notifications/{theirs.pk}"
    assert api(world, Role.OUTREACH_OFFICER, "GET", path).status_code == 404
    assert api(world, Role.OUTREACH_OFFICER, "PATCH", path, {"read": True}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api(world, Role.OUTREACH_OFFICER, "GET", "/api/v1/notifications/nope").status_code in {
        404,
        422,
    }

    read = api(
        world, Role.OUTREACH_OFFICER, "PATCH", f"/api/v1/notifications/{mine.pk}", {"read": True}
    )
    assert read.status_code == 200
    assert read.json()["read"] is True
    unread = api(
        world, Role.OUTREACH_OFFICER, "PATCH", f"/api/v1/notifications/{mine.pk}", {"read": False}
    )
    assert unread.json()["read"] is False


def test_the_api_refuses_unknown_fields_and_essential_kinds(world: World) -> None:
    me = world.users[Role.OUTREACH_OFFICER]
    mine = note(me, "Mine")
    refused = api(
        world,
        Role.OUTREACH_OFFICER,
        "PATCH",
        f"/api/v1/notifications/{mine.pk}",
        {"read": True, "user_id": str(world.users[Role.ORGANISATION_ADMIN].pk)},
    )
    assert refused.status_code == 422
    mine.refresh_from_db()
    assert mine.read_at is None
    assert mine.user == me
    path = "/api/v1/notifications/preferences"
    # Essential kinds are not choices: naming one is an unknown field.
    assert api(world, Role.OUTREACH_OFFICER, "PATCH", path, {"bookings": False}).status_code == 422
    assert not Preference.objects.exists()
    changed = api(world, Role.OUTREACH_OFFICER, "PATCH", path, {"reminders": False})
    assert changed.json() == {"reminders": False, "surveys": True, "updates": True}
    assert api(world, Role.OUTREACH_OFFICER, "GET", path).json()["reminders"] is False
    # Another person's choices are their own.
    assert api(world, Role.ORGANISATION_ADMIN, "GET", path).json()["reminders"] is True
