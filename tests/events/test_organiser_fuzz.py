"""The organisers' event form under hostile input: never a server error, and a refused form
saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import signed_in_client
from tests.events.test_public_fuzz import HOSTILE
from widen.accounts.models import Role
from widen.events.models import Event
from widen.testing.world import World

pytestmark = pytest.mark.django_db

TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
WHEN = st.one_of(
    st.sampled_from(["2031-03-04T18:00", "2031-03-04T20:00", "2031-03-04T17:00"]),
    st.sampled_from(["", "2031-02-30T10:00", "31/12/2031", "\x00", "9999-12-31T23:59"]),
    TEXT,
)


VALID = {
    "organiser": "",  # filled in with the test's organisation
    "title": "Open evening",
    "kind": "seminar",
    "starts_at": "2031-03-04T18:00",
    "ends_at": "2031-03-04T20:00",
    "venue": "Main hall",
    "online_link": "",
    "capacity": "",
    "year_groups": ["12"],
    "is_public": "yes",
}
HOSTILE_VALUES = {
    "title": TEXT,
    "kind": TEXT,
    "starts_at": WHEN,
    "ends_at": WHEN,
    "venue": TEXT,
    "online_link": st.one_of(st.just("https://meet.example.org/x"), TEXT),
    "capacity": st.one_of(st.integers(-5, 10**12).map(str), TEXT),
    "year_groups": st.lists(st.one_of(st.sampled_from(["7", "13"]), TEXT), max_size=3),
    "is_public": st.sampled_from(["no", "", "maybe"]),
}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # Each example makes one, two or three fields hostile; the rest are as a person types them.
    changes=st.lists(
        st.sampled_from(sorted(HOSTILE_VALUES)).flatmap(
            lambda name: st.tuples(st.just(name), HOSTILE_VALUES[name])
        ),
        min_size=1,
        max_size=3,
    )
)
def test_the_event_form_never_fails_and_a_refusal_saves_nothing(
    world: World, record_property: Any, changes: list[tuple[str, Any]]
) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    before = Event.objects.count()
    form = {**VALID, "organiser": str(world.alpha.pk), **dict(changes)}
    response = client.post(f"/events/partnerships/{world.north.pk}/new/", form)
    record_property("bad_inputs_tried", 1)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert Event.objects.count() == before
        assert "There is a problem" in response.content.decode()
    else:
        event = Event.objects.latest("created_at")
        assert event.title == form["title"].strip()
        assert event.venue == form["venue"].strip()
        assert event.ends_at > event.starts_at
