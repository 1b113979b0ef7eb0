"""A scheme's managers offer its members benefits on its "Benefits" page: an opportunity (told to
members who asked to be told, and no others), a members-only event, an award (none yet is
said); they change or withdraw one. A member sees them on "What my schemes offer", counts
themself in for an opportunity (then its link) and books the event; a student who is no member
sees neither the event nor its booking, but does see an opportunity once members no longer
come first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.events.conftest import make_event
from tests.students.mine.support import signed_in_by_link
from tests.support.benefits import member_of, student
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.events.models import Booking, Event
from widen.notifications.models import Notification
from widen.support.models import Benefit, BenefitKind, BenefitUse, Scheme
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def scheme(world: World) -> Scheme:
    return make_scheme(world, FIRST_IN_FAMILY, name="First in family network")


def manager(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def test_a_manager_offers_an_opportunity_and_an_event_and_members_are_told(
    world: World, scheme: Scheme, django_capture_on_commit_callbacks: Any
) -> None:
    ann, ben = student(scheme, "S1", "Ann"), student(scheme, "S2", "Ben")
    member_of(scheme, ann)
    member_of(scheme, ben, may_contact=False)
    client = manager(world)
    page = reverse("support:scheme_benefits", args=[scheme.pk])
    blank = page_text(client.get(page))
    assert "No benefits yet." in blank
    assert "No award schemes yet" in blank

    missing = page_text(client.post(page, {"kind": BenefitKind.OPPORTUNITY, "title": ""}))
    assert "Give the benefit a title members will recognise." in missing
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            page,
            {
                "kind": BenefitKind.OPPORTUNITY,
                "title": "Paid summer internships",
                "offered_by": "Careers service",
                "link": "https://careers.example.ac.uk/internships",
                "members_first_until": (timezone.localdate() + timedelta(days=14)).isoformat(),
            },
            follow=True,
        )
    text = page_text(added)
    assert "Added Paid summer internships." in text
    assert "offered by Careers service" in text
    assert "Took it up: 0 of fewer than 5 members." in text
    told = Notification.objects.filter(template="support/benefit_new")
    assert [notice.email or notice.user.email for notice in told] == [ann.email]  # type: ignore[union-attr]
    assert told.get().subject == "New from First in family network: Paid summer internships"

    event = make_event(world, title="CV workshop for members").event
    other = make_event(world, title="Beta open day", organiser=world.beta).event
    refused = page_text(client.post(page, {"kind": BenefitKind.EVENT, "event_id": str(other.pk)}))
    assert "Select a valid choice" in refused
    client.post(page, {"kind": BenefitKind.EVENT, "event_id": str(event.pk)})
    event.refresh_from_db()
    assert event.members_only is True
    benefit = Benefit.objects.get(kind=BenefitKind.EVENT)
    assert benefit.title == "CV workshop for members"

    # Withdrawn: members no longer see it.
    edit = reverse("support:scheme_benefit_edit", args=[scheme.pk, benefit.pk])
    client.post(edit, {"title": benefit.title, "event_id": str(event.pk)})
    benefit.refresh_from_db()
    assert benefit.is_active is False
    assert "(withdrawn)" in page_text(client.get(page))


def test_a_member_takes_up_an_opportunity_and_books_the_members_only_event(
    world: World, scheme: Scheme, django_capture_on_commit_callbacks: Any
) -> None:
    ann, cat = student(scheme, "S1", "Ann"), student(scheme, "S3", "Cat")
    member_of(scheme, ann)
    event = make_event(world, title="CV workshop for members").event
    Event.objects.filter(pk=event.pk).update(members_only=True)
    workshop = Benefit.objects.create(
        scheme=scheme, kind=BenefitKind.EVENT, title=event.title, event=event
    )
    internships = Benefit.objects.create(
        scheme=scheme,
        kind=BenefitKind.OPPORTUNITY,
        title="Paid summer internships",
        offered_by="Careers service",
        link="https://careers.example.ac.uk/internships",
        members_first_until=timezone.localdate() + timedelta(days=14),
    )
    client = signed_in_by_link(ann.email, django_capture_on_commit_callbacks)
    offered = page_text(client.get(reverse("support:my_benefits")))
    assert "CV workshop for members" in offered
    assert "For members of a support scheme only" in offered
    assert "Paid summer internships" in offered

    counted = client.post(reverse("support:my_benefit_take_up", args=[internships.pk]))
    assert counted.url == "https://careers.example.ac.uk/internships"
    book = reverse("support:my_benefit_book", args=[workshop.pk])
    assert "For members of a support scheme only" in page_text(client.get(book))
    with django_capture_on_commit_callbacks(execute=True):
        booked = page_text(client.post(book, {"access_requirements": "Step-free"}, follow=True))
    assert "You are booked on CV workshop for members" in booked
    assert "You have booked this." in booked
    assert Booking.objects.get(event=event).email == ann.email
    assert set(BenefitUse.objects.values_list("benefit_id", "student_id")) == {
        (internships.pk, ann.pk),
        (workshop.pk, ann.pk),
    }

    # Cat is no member: not the event, not its booking, not yet the opportunity.
    outsider = signed_in_by_link(cat.email, django_capture_on_commit_callbacks)
    text = page_text(outsider.get(reverse("support:my_benefits")))
    assert "CV workshop for members" not in text
    assert "Paid summer internships" not in text
    assert outsider.get(book).status_code == 404
    assert outsider.post(book).status_code == 404
    assert Booking.objects.filter(event=event).count() == 1
    # Once members no longer come first, every student of the provider sees the opportunity.
    Benefit.objects.filter(pk=internships.pk).update(
        members_first_until=timezone.localdate() - timedelta(days=1)
    )
    assert "Paid summer internships" in page_text(outsider.get(reverse("support:my_benefits")))
    assert "CV workshop for members" not in page_text(outsider.get(reverse("support:my_benefits")))
