"""A new scheme is active or not, as its manager says on the form ("Active", ticked to begin
with): an inactive scheme invites nobody and is not open to students to ask to join, on the
pages or in the API, until it is made active."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import api_call, signed_in_client
from tests.support.pages.test_membership_api import student_with_token
from tests.support.schemes import SYSTEM
from widen.accounts.models import Role
from widen.core import request_context
from widen.support.models import Scheme, SchemeMembership
from widen.support.services.schemes import scheme_eligibility_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def manager(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def active_box(response: Any) -> str:
    """Whether the form's "Active" box is ticked."""
    (box,) = re.findall(r"<input[^>]*name=\"is_active\"[^>]*>", response.content.decode())
    return "ticked" if " checked" in box else "not ticked"


def form(world: World, name: str, **more: str) -> dict[str, str]:
    return {
        "organisation": str(world.alpha.pk),
        "name": name,
        "g1_c1_criterion": "first_in_family",
        "g1_c1_holds": "yes",
        **more,
    }


def test_an_inactive_scheme_invites_nobody_and_is_not_open_to_ask_to_join(world: World) -> None:
    student, token = student_with_token(world.alpha, "S1", "Ann")
    client = manager(world)
    assert active_box(client.get(reverse("support:scheme_create"))) == "ticked"

    # Adding a condition keeps the box as it was left (unticked), then saving keeps it so.
    added = client.post(
        reverse("support:scheme_create"), {**form(world, "Quiet fund"), "add": "g1"}
    )
    assert active_box(added) == "not ticked"
    client.post(reverse("support:scheme_create"), {**form(world, "Quiet fund"), "save": "1"})
    client.post(
        reverse("support:scheme_create"),
        {**form(world, "Open fund"), "is_active": "on", "save": "1"},
    )
    quiet = Scheme.objects.get(name="Quiet fund")
    assert quiet.is_active is False
    assert Scheme.objects.get(name="Open fund").is_active is True

    with request_context.bind(source="test"):
        scheme_eligibility_compute(quiet, actor=SYSTEM)
    invite = client.post(reverse("support:scheme_invite", args=[quiet.pk]), follow=True)
    assert "Quiet fund is not active: make it active before inviting anyone." in page_text(invite)
    assert not SchemeMembership.objects.filter(scheme=quiet).exists()

    open_to_me = api_call(token, "GET", "/api/v1/support/mine/schemes").json()
    assert [row["name"] for row in open_to_me["results"]] == ["Open fund"]
    apply = f"/api/v1/support/mine/schemes/{quiet.pk}/apply"
    assert api_call(token, "POST", apply, {"evidence": "First in my family."}).status_code == 404
    assert not SchemeMembership.objects.filter(student=student).exists()


def test_the_api_sets_up_an_inactive_scheme_when_asked(world: World) -> None:
    body = {
        "organisation_id": str(world.alpha.pk),
        "name": "Later fund",
        "is_active": False,
        "definition": {"any": [{"all": [{"criterion": "first_in_family"}]}]},
    }
    created = api_call(world.tokens[Role.OUTREACH_OFFICER], "POST", "/api/v1/support/schemes", body)
    assert created.status_code == 201, created.content
    assert created.json()["is_active"] is False
    assert Scheme.objects.get(name="Later fund").is_active is False
