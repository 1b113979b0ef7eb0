"""An event for the members of a support scheme only is never on the public events page nor
its page, and its invitation link answers as a wrong link does; the organiser's pages say who
it is for."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.events.conftest import make_event
from widen.accounts.models import Role
from widen.events.models import Event
from widen.testing.world import World

pytestmark = pytest.mark.django_db
MEMBERS_ONLY = "For members of a support scheme only"


def text(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def test_a_members_only_event_is_not_listed_shown_or_reached_by_its_invitation(
    world: World,
) -> None:
    public = make_event(world, title="Careers fair for everyone").event
    workshop = make_event(world, title="Members' CV workshop").event
    invited = make_event(world, title="Members' networking evening", is_public=False)
    Event.objects.filter(pk__in=[workshop.pk, invited.event.pk]).update(members_only=True)

    anyone = Client()
    listing = text(anyone.get(reverse("events:public_list")))
    assert "Careers fair for everyone" in listing
    assert "Members' CV workshop" not in listing
    assert anyone.get(reverse("events:public_event", args=[public.pk])).status_code == 200
    assert anyone.get(reverse("events:public_event", args=[workshop.pk])).status_code == 404

    link = anyone.get(reverse("events:invitation", args=[invited.invitation_token]))
    wrong = anyone.get(reverse("events:invitation", args=["not-a-real-link"]))
    assert link.status_code == wrong.status_code == 404
    assert "Members' networking evening" not in text(link)

    organiser = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    detail = text(organiser.get(reverse("events:detail", args=[workshop.pk])))
    assert MEMBERS_ONLY in detail
    assert "Anyone can book on the public events page" not in detail
    listed = text(organiser.get(reverse("events:list")))
    assert MEMBERS_ONLY in listed
    assert MEMBERS_ONLY not in text(organiser.get(reverse("events:detail", args=[public.pk])))
