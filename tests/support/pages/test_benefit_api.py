"""Benefits through the JSON API: a scheme's manager adds an opportunity and lists the scheme's
benefits with take-up; a member lists what their schemes offer, counts themself in and books
the members-only event; a student who is no member sees neither and is answered 404; another
provider's manager is answered 404."""

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
from widen.events.models import Booking, Event
from widen.notifications.models import Notification
from widen.support.models import Benefit, BenefitKind, BenefitUse
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/support"


def test_a_manager_adds_benefits_and_a_member_takes_them_up(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family network")
    ann, ann_token = student_with_token(world.alpha, "S1", "Ann")
    _, cat_token = student_with_token(world.alpha, "S3", "Cat")
    member_of(scheme, ann)
    manager = world.tokens[Role.OUTREACH_OFFICER]
    benefits = f"{API}/schemes/{scheme.pk}/benefits"

    until = (timezone.localdate() + timedelta(days=14)).isoformat()
    opportunity = {
        "kind": "opportunity",
        "title": "Paid summer internships",
        "offered_by": "Careers service",
        "link": "https://careers.example.ac.uk/internships",
        "members_first_until": until,
    }
    with django_capture_on_commit_callbacks(execute=True):
        added = api_call(manager, "POST", benefits, opportunity)
    assert added.status_code == 201, added.content
    assert added.json()["members_first_until"] == until
    assert Notification.objects.filter(template="support/benefit_new", user=ann.user).exists()
    event = make_event(world, title="CV workshop for members").event
    assert (
        api_call(
            manager, "POST", benefits, {"kind": "event", "event_id": str(event.pk)}
        ).status_code
        == 201
    )
    event.refresh_from_db()
    assert event.members_only is True
    no_award = api_call(manager, "POST", benefits, {"kind": "award"})
    assert no_award.status_code == 422
    assert no_award.json()["field"] == "award_scheme_id"

    offered = api_call(ann_token, "GET", f"{API}/mine/benefits").json()
    assert {row["title"] for row in offered["results"]} == {
        "Paid summer internships",
        "CV workshop for members",
    }
    internships = Benefit.objects.get(kind=BenefitKind.OPPORTUNITY)
    workshop = Benefit.objects.get(kind=BenefitKind.EVENT)
    taken = api_call(ann_token, "POST", f"{API}/mine/benefits/{internships.pk}/take-up")
    assert taken.status_code == 200, taken.content
    assert taken.json()["taken_up"] is True
    with django_capture_on_commit_callbacks(execute=True):
        booked = api_call(ann_token, "POST", f"{API}/mine/benefits/{workshop.pk}/book", {})
    assert booked.status_code == 200, booked.content
    assert booked.json()["status"] == "booked"
    assert Booking.objects.filter(event=event, email=ann.email).exists()
    assert BenefitUse.objects.filter(student=ann).count() == 2

    listed = api_call(manager, "GET", benefits).json()
    assert {row["title"]: row["took_up"] for row in listed["results"]} == {
        "Paid summer internships": "fewer than 5",
        "CV workshop for members": "fewer than 5",
    }

    # Cat is no member: nothing to see, and the event and its booking are missing.
    assert api_call(cat_token, "GET", f"{API}/mine/benefits").json()["count"] == 0
    book = f"{API}/mine/benefits/{workshop.pk}/book"
    assert api_call(cat_token, "POST", book, {}).status_code == 404
    assert Event.objects.get(pk=event.pk).bookings.count() == 1

    beta = make_user("support.beta", world.beta, Role.OUTREACH_OFFICER)
    beta_token = api_token_create(user=beta, name="Beta")[1]
    assert api_call(beta_token, "GET", benefits).status_code == 404
    assert api_call(beta_token, "POST", benefits, opportunity).status_code == 404
