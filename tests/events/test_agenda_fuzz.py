"""The agenda form on a booking's page under hostile input: never a server error; the agenda is
saved exactly when every value names one of the event's talks and none of them clash, and is
left as it was otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events.test_checkin import make_event
from widen.events.agenda import agenda_clash
from widen.events.models import AttendeeType, EventKind, Talk
from widen.events.services import BookingDetails, booking_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
HOSTILE = [
    "",
    "\x00",
    "'; DROP TABLE events_talk; --",
    "00000000-0000-0000-0000-000000000000",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    "\u202e" + "1" * 36,
    "😀" * 40,
    "x" * 5000,
    "-1",
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_the_agenda_form_under_hostile_input(world: World, data: Any) -> None:
    cache.clear()  # rate limits: every example is one visitor's first few requests
    starts = datetime(2027, 5, 5, 9, 0, tzinfo=LONDON)
    event = make_event(
        world,
        kind=EventKind.CONFERENCE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        capacity=None,
    )
    talks = [
        Talk.objects.create(
            event=event,
            title=f"Talk {number}",
            starts_at=starts + timedelta(minutes=45 * number),
            ends_at=starts + timedelta(minutes=45 * number + 60),
        )
        for number in range(4)
    ]
    made = booking_create(
        event=event,
        details=BookingDetails(
            name="Sam Student", email="sam@example.org", attendee_type=AttendeeType.STUDENT
        ),
    )
    made.booking.agenda.set([talks[0]])
    values = data.draw(
        st.lists(
            st.one_of(
                st.sampled_from([str(talk.pk) for talk in talks]),
                st.sampled_from([str(talk.pk).upper() for talk in talks]),
                st.sampled_from(HOSTILE),
                st.text(max_size=80),
            ),
            max_size=6,
        )
    )
    url = reverse("checkin:agenda", kwargs={"token": made.token})
    response = Client().post(url, {"talk": values})
    assert response.status_code in {200, 302}, response.status_code

    by_id = {str(talk.pk): talk for talk in talks}
    named = [by_id.get(value.lower()) for value in values]
    valid = (
        all(talk is not None for talk in named)
        and agenda_clash({talk.pk: talk for talk in named if talk is not None}.values()) is None
    )
    saved = set(made.booking.agenda.all())
    if valid:
        assert response.status_code == 302
        assert saved == {talk for talk in named if talk is not None}
    else:
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert saved == {talks[0]}
