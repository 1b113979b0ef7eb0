"""The conference programme (strands, talks, presenters with their roles) and each booking's
personal agenda, where two chosen talks at the same time are refused, naming both."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from tests.events.test_checkin import make_event
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError
from widen.events.agenda import agenda_choose, agenda_clash, programme
from widen.events.models import (
    AttendeeType,
    Event,
    EventKind,
    Presenter,
    PresenterRole,
    Strand,
    Talk,
)
from widen.events.services import BookingDetails, BookingMade, booking_cancel, booking_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
DAY = datetime(2027, 4, 22, 9, 0, tzinfo=LONDON)


def at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def conference(world: World) -> tuple[Event, dict[str, Talk]]:
    event = make_event(
        world,
        title="Staff and student conference: belonging",
        kind=EventKind.CONFERENCE,
        starts_at=at(9),
        ends_at=at(16),
        capacity=None,
        co_created_with="co-created with disabled and care-experienced students",
    )
    access = Strand.objects.create(event=event, title="Access")
    success = Strand.objects.create(event=event, title="Student success")
    talks = {
        "welcome": Talk.objects.create(
            event=event, title="Welcome", starts_at=at(9), ends_at=at(9, 30)
        ),
        "mentoring": Talk.objects.create(
            event=event,
            strand=access,
            title="Peer mentoring that works",
            starts_at=at(10),
            ends_at=at(11),
            room="Room A",
        ),
        "neuro": Talk.objects.create(
            event=event,
            strand=success,
            title="Neurodiverse students' first term",
            starts_at=at(10, 30),
            ends_at=at(11, 30),
            room="Room B",
        ),
        "after": Talk.objects.create(
            event=event,
            strand=success,
            title="Care leavers' bursaries",
            starts_at=at(11),
            ends_at=at(12),
            room="Room B",
        ),
    }
    Presenter.objects.create(
        talk=talks["mentoring"],
        name="Priya Shah",
        role=PresenterRole.STUDENT,
        job_title="BSc Psychology, second year",
    )
    Presenter.objects.create(
        talk=talks["mentoring"],
        name="Dr Alan Reed",
        role=PresenterRole.STAFF,
        job_title="Widening participation manager",
    )
    return event, talks


def booked(event: Event) -> BookingMade:
    return booking_create(
        event=event,
        details=BookingDetails(
            name="Sam Student", email="sam@example.org", attendee_type=AttendeeType.STUDENT
        ),
    )


def test_the_public_programme_shows_strands_talks_and_presenters_with_roles(world: World) -> None:
    event, _ = conference(world)
    groups = programme(event)
    assert [group.strand.title if group.strand else None for group in groups] == [
        None,
        "Access",
        "Student success",
    ]
    page = Client().get(reverse("checkin:programme", kwargs={"event_id": event.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Strand: Access" in text
    assert "Peer mentoring that works" in text
    assert (
        "Presented by Dr Alan Reed (staff, Widening participation manager) and "
        "Priya Shah (student, BSc Psychology, second year)"
    ) in text
    assert "10:00–11:00, Room A" in text
    assert "co-created with disabled and care-experienced students" in text


def test_an_invitation_only_programme_is_not_public(world: World) -> None:
    event, _ = conference(world)
    Event.objects.filter(pk=event.pk).update(is_public=False)
    url = reverse("checkin:programme", kwargs={"event_id": event.pk})
    assert Client().get(url).status_code == 404


def test_clashing_talks_are_refused_naming_both_and_nothing_is_saved(world: World) -> None:
    event, talks = conference(world)
    made = booked(event)
    agenda_choose(booking=made.booking, talk_ids=[talks["welcome"].pk])
    with pytest.raises(ApplicationError) as refused:
        agenda_choose(
            booking=made.booking,
            talk_ids=[talks["welcome"].pk, talks["mentoring"].pk, talks["neuro"].pk],
        )
    assert refused.value.message == (
        "“Peer mentoring that works” (10:00–11:00) and “Neurodiverse students' first term” "
        "(10:30–11:30) are on at the same time: choose one of them."
    )
    assert list(made.booking.agenda.all()) == [talks["welcome"]]


def test_back_to_back_talks_do_not_clash_and_the_change_is_audited(world: World) -> None:
    event, talks = conference(world)
    made = booked(event)
    chosen = agenda_choose(
        booking=made.booking,
        talk_ids=[str(talks["after"].pk), talks["mentoring"].pk, talks["welcome"].pk],
    )
    assert [talk.title for talk in chosen] == [
        "Welcome",
        "Peer mentoring that works",
        "Care leavers' bursaries",
    ]
    assert set(made.booking.agenda.all()) == {talks["welcome"], talks["mentoring"], talks["after"]}
    audit = AuditEvent.objects.filter(object_id=str(made.booking.pk), changed_fields=["agenda"])
    assert audit.count() == 1


def test_the_clash_check_finds_a_talk_inside_a_long_one() -> None:
    long = Talk(title="All-morning workshop", starts_at=at(9), ends_at=at(12))
    short = Talk(title="Short talk", starts_at=at(10), ends_at=at(10, 30))
    later = Talk(title="Later talk", starts_at=at(11), ends_at=at(11, 30))
    assert agenda_clash([short, later, long]) == (long, short)
    assert agenda_clash([short, later]) is None


def test_talks_of_another_event_or_nonsense_are_refused(world: World) -> None:
    event, _ = conference(world)
    other, other_talks = conference(world)
    made = booked(event)
    for wrong in (
        [other_talks["welcome"].pk],
        ["not-a-uuid"],
        ["00000000-0000-0000-0000-000000000000"],
    ):
        with pytest.raises(ApplicationError, match="Choose talks from this event's programme"):
            agenda_choose(booking=made.booking, talk_ids=wrong)
    assert made.booking.agenda.count() == 0


def test_the_holders_page_saves_the_agenda_and_shows_a_clash(world: World) -> None:
    event, talks = conference(world)
    made = booked(event)
    url = reverse("checkin:agenda", kwargs={"token": made.token})
    client = Client()
    page = client.get(url).content.decode()
    assert 'name="talk"' in page
    assert "Save my agenda" in page

    clash = client.post(url, {"talk": [talks["mentoring"].pk, talks["neuro"].pk]})
    assert clash.status_code == 200
    text = clash.content.decode()
    assert "There is a problem" in text
    assert "are on at the same time: choose one of them." in text
    assert made.booking.agenda.count() == 0

    saved = client.post(url, {"talk": [talks["mentoring"].pk, talks["after"].pk]}, follow=True)
    assert "Your agenda is saved." in saved.content.decode()
    assert set(made.booking.agenda.all()) == {talks["mentoring"], talks["after"]}


def test_a_cancelled_booking_cannot_change_its_agenda(world: World) -> None:
    event, talks = conference(world)
    made = booked(event)
    booking_cancel(booking=made.booking)
    with pytest.raises(ApplicationError, match="cancelled"):
        agenda_choose(booking=made.booking, talk_ids=[talks["welcome"].pk])
    assert made.booking.agenda.count() == 0


@pytest.mark.parametrize(
    "value",
    ["", "x" * 5000, "'; DROP TABLE events_talk; --", "\x00", "../../etc/passwd", "%00"],
)
def test_hostile_form_values_get_an_answer_not_an_error(world: World, value: str) -> None:
    event, _ = conference(world)
    made = booked(event)
    url = reverse("checkin:agenda", kwargs={"token": made.token})
    response = Client().post(url, {"talk": [value]})
    assert response.status_code == 200
    assert made.booking.agenda.count() == 0


def test_a_wrong_link_reaches_no_agenda(world: World) -> None:
    event, _ = conference(world)
    booked(event)
    for token in ("not-a-token", "x" * 300):
        response = Client().get(reverse("checkin:agenda", kwargs={"token": token}))
        assert response.status_code == 404
