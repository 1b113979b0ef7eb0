"""Organisers' writes and reads: events (public or by invitation), strands, talks, presenters."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.events.conftest import event_details, make_event
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import AuditAction, AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.links import link_token_digest
from widen.events.models import Event, EventKind, PresenterRole
from widen.events.selectors import (
    event_for_organiser,
    events_for_user,
    invited_event,
    public_event,
    public_events,
)
from widen.events.services import (
    event_create,
    event_invitation_renew,
    event_update,
    presenter_add,
    strand_create,
    talk_create,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_an_outreach_officer_creates_a_public_event_and_it_is_audited(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    made = event_create(
        actor=officer, partnership=world.north, organiser=world.alpha, details=event_details()
    )
    event = Event.objects.get(pk=made.event.pk)
    assert event.is_public
    assert made.invitation_token == ""
    assert event.invitation_token_digest == ""
    assert event.created_by == officer
    assert event.audiences == ["learners", "parents_carers"]
    assert event.year_groups == [11, 12]
    audit = AuditEvent.objects.get(object_type="events.event", object_id=str(event.pk))
    assert audit.action == AuditAction.CREATE
    assert audit.organisation_id == world.alpha.pk
    assert "title" in audit.changed_fields


def test_an_invitation_only_event_gives_its_link_once_and_keeps_only_the_digest(
    world: World,
) -> None:
    made = event_create(
        actor=world.users[Role.OUTREACH_OFFICER],
        partnership=world.north,
        organiser=world.alpha,
        details=event_details(is_public=False),
        link_base="/events/invitation/",
    )
    assert made.invitation_token
    assert made.invitation_link == f"/events/invitation/{made.invitation_token}/"
    event = Event.objects.get(pk=made.event.pk)
    assert event.invitation_token_digest == link_token_digest(made.invitation_token)
    assert made.invitation_token not in str(Event.objects.filter(pk=event.pk).values().get())
    assert invited_event(made.invitation_token) == event
    # It is not listed, and its page cannot be reached by its id.
    assert event not in public_events()
    with pytest.raises(NotFound):
        public_event(event.pk)


def test_a_new_invitation_link_stops_the_old_one(world: World) -> None:
    made = event_create(
        actor=system_actor("test"),
        partnership=world.north,
        organiser=world.alpha,
        details=event_details(is_public=False),
    )
    renewed = event_invitation_renew(actor=world.users[Role.OUTREACH_OFFICER], event=made.event)
    assert renewed.invitation_token != made.invitation_token
    assert invited_event(renewed.invitation_token) == made.event
    with pytest.raises(NotFound):
        invited_event(made.invitation_token)
    for wrong in ("", "x" * 500, "abc\x00", renewed.invitation_token[:-1]):
        with pytest.raises(NotFound):
            invited_event(wrong)


def test_making_an_event_public_ends_its_invitation_link(world: World) -> None:
    made = event_create(
        actor=system_actor("test"),
        partnership=world.north,
        organiser=world.alpha,
        details=event_details(is_public=False),
    )
    event_update(
        actor=system_actor("test"), event=made.event, details=event_details(is_public=True)
    )
    with pytest.raises(NotFound):
        invited_event(made.invitation_token)
    again = event_update(
        actor=system_actor("test"), event=made.event, details=event_details(is_public=False)
    )
    assert again.invitation_token
    assert invited_event(again.invitation_token) == made.event


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": None}, "ends_at", "must end after it starts"),
        ({"capacity": -1}, "capacity", "0 or more"),
        ({"venue": "", "online_link": ""}, "venue", "venue, or the link"),
        ({"online_link": "javascript:alert(1)"}, "online_link", "web address"),
        ({"title": "   "}, "title", "Enter title"),
        ({"title": "Open evening\r\nBcc: everyone@example.org"}, "title", "one line"),
        ({"kind": "party"}, "kind", "kind of event"),
        ({"year_groups": [6]}, "year_groups", "Year 7 to Year 13"),
        ({"audiences": ["aliens"]}, "audiences", "who the event is for"),
    ],
)
def test_bad_event_details_are_refused_clearly(
    world: World, changes: dict[str, object], field: str, message: str
) -> None:
    details = event_details()
    if changes.get("ends_at", 1) is None:
        changes = {"ends_at": details.starts_at}
    with pytest.raises(ApplicationError, match=message) as refused:
        event_create(
            actor=system_actor("test"),
            partnership=world.north,
            organiser=world.alpha,
            details=replace(details, **changes),  # type: ignore[arg-type]
        )
    assert refused.value.field == field
    assert not Event.objects.exists()


def test_capacity_zero_is_allowed_and_everyone_waits(world: World) -> None:
    made = event_create(
        actor=system_actor("test"),
        partnership=world.north,
        organiser=world.alpha,
        details=event_details(capacity=0),
    )
    assert made.event.capacity == 0


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY])
def test_only_those_who_deliver_may_create_events(world: World, role: str) -> None:
    with pytest.raises(NotFound):
        event_create(
            actor=world.users[role],
            partnership=world.north,
            organiser=world.organisation_of(role),
            details=event_details(),
        )
    assert not Event.objects.exists()


def test_an_organiser_cannot_create_for_an_organisation_they_do_not_work_for(
    world: World,
) -> None:
    with pytest.raises(NotFound):
        event_create(
            actor=world.users[Role.OUTREACH_OFFICER],
            partnership=world.north,
            organiser=world.beta,
            details=event_details(),
        )
    with pytest.raises(ApplicationError, match="not a member"):
        event_create(
            actor=system_actor("test"),
            partnership=world.north,
            organiser=world.gamma,
            details=event_details(),
        )


def test_places_cannot_drop_below_those_already_booked(world: World) -> None:
    from widen.events.services import BookingDetails, booking_create  # noqa: PLC0415

    event = make_event(world, capacity=5).event
    for name in ("Asha Patel", "Ben Okafor", "Cara Jones"):
        booking_create(
            event=event,
            details=BookingDetails(name=name, email="p@example.org", attendee_type="parent_carer"),
        )
    with pytest.raises(ApplicationError, match="3 people are booked") as refused:
        event_update(
            actor=system_actor("test"),
            event=event,
            details=event_details(
                capacity=2, starts_at=event.starts_at, ends_at=event.ends_at, is_public=True
            ),
        )
    assert refused.value.field == "capacity"
    event.refresh_from_db()
    assert event.capacity == 5


def test_a_conference_has_strands_talks_within_its_times_and_presenters(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    event = make_event(world, kind=EventKind.CONFERENCE, title="Our voices conference").event
    strand = strand_create(actor=officer, event=event, title="Student voice")
    talk = talk_create(
        actor=officer,
        event=event,
        strand=strand,
        title="What helped me get to university",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=45),
        room="Room 2",
    )
    student = presenter_add(
        actor=officer,
        talk=talk,
        name="Jordan Lee",
        role=PresenterRole.STUDENT,
        job_title="BSc Social Work, second year",
    )
    staff = presenter_add(actor=officer, talk=talk, name="Dr Priya Shah", role=PresenterRole.STAFF)
    assert list(talk.presenters.order_by("role")) == [staff, student]
    assert talk.strand == strand
    assert AuditEvent.objects.filter(object_type="events.presenter").count() == 2
    with pytest.raises(ApplicationError, match="within the event's times") as refused:
        talk_create(
            actor=officer,
            event=event,
            title="Too late",
            starts_at=event.ends_at - timedelta(minutes=10),
            ends_at=event.ends_at + timedelta(minutes=20),
        )
    assert refused.value.field == "starts_at"
    with pytest.raises(ApplicationError, match="end after it starts"):
        talk_create(
            actor=officer,
            event=event,
            title="Backwards",
            starts_at=event.starts_at + timedelta(hours=1),
            ends_at=event.starts_at,
        )
    with pytest.raises(ApplicationError, match="student or staff"):
        presenter_add(actor=officer, talk=talk, name="Someone", role="guest")
    assert event.talks.count() == 1


def test_a_school_member_cannot_add_to_the_programme(world: World) -> None:
    event = make_event(world).event
    with pytest.raises(NotFound):
        strand_create(actor=world.users[Role.SCHOOL_STAFF], event=event, title="Sneaky")
    assert not event.strands.exists()


def test_reads_are_scoped_to_the_partnership_and_to_those_who_deliver(world: World) -> None:
    north_event = make_event(world).event
    beta_event = make_event(world, organiser=world.beta, title="Beta open day").event
    south_event = make_event(world, organiser=world.gamma, title="Gamma open day").event
    officer = world.users[Role.OUTREACH_OFFICER]
    assert set(events_for_user(officer)) == {north_event, beta_event}
    assert set(events_for_user(world.users[Role.SCHOOL_STAFF])) == {north_event, beta_event}
    assert event_for_organiser(officer, beta_event.pk) == beta_event
    for user, event_id in (
        (officer, south_event.pk),
        (world.users[Role.SCHOOL_STAFF], north_event.pk),
        (world.users[Role.EVALUATOR], north_event.pk),
        (officer, "not-a-uuid"),
    ):
        with pytest.raises(NotFound):
            event_for_organiser(user, event_id)


def test_public_events_are_those_still_to_come(world: World) -> None:
    coming = make_event(world).event
    started = make_event(world, title="Already on", days=0).event
    Event.objects.filter(pk=started.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    assert list(public_events()) == [coming]
    with pytest.raises(NotFound):
        public_event(started.pk)


def test_only_the_organisation_running_an_event_changes_it(world: World) -> None:
    # Beta runs the event; Alpha's officer is in the same partnership but does not run it.
    officer = world.users[Role.OUTREACH_OFFICER]
    made = make_event(world, organiser=world.beta, kind=EventKind.CONFERENCE, is_public=False)
    event = made.event
    title = event.title
    # Not theirs to run: refused as if it were not there.
    with pytest.raises(NotFound):
        event_update(actor=officer, event=event, details=event_details(title="Taken over"))
    with pytest.raises(NotFound):
        event_invitation_renew(actor=officer, event=event)
    with pytest.raises(NotFound):
        strand_create(actor=officer, event=event, title="Hijacked strand")
    with pytest.raises(NotFound):
        talk_create(
            actor=officer,
            event=event,
            title="Hijacked talk",
            starts_at=event.starts_at,
            ends_at=event.starts_at + timedelta(minutes=30),
        )
    event.refresh_from_db()
    assert event.title == title
    assert not event.strands.exists()
    assert not event.talks.exists()
    assert invited_event(made.invitation_token) == event  # the invitation link still works
