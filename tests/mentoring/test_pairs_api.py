"""A pair's space in the JSON API: each side and the coordinator see the pairs they should, the
mentor only what the mentee shared; goals, meetings, messages (a coordinator's only after a
concern), ending and feedback; refusals answer 404 and inputs are bounded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import api_call
from tests.mentoring.pairs_factories import Pair, pair_in, programme_at
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.mentoring.models import Meeting, Message
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/mentoring/pairs"


def token(user: object) -> str:
    return api_token_create(user=user, name="mine")[1]


@pytest.fixture
def pair(world: World) -> Pair:
    return pair_in(programme_at(world.alpha), "ann")


def test_each_sees_their_pairs_and_the_mentor_only_the_shared_profile(
    world: World, pair: Pair
) -> None:
    other = pair_in(programme_at(world.gamma, "Gamma mentoring"), "gus")
    mentor = token(pair.mentor)
    listed = api_call(mentor, "GET", BASE).json()
    assert [row["id"] for row in listed["results"]] == [str(pair.relationship.pk)]
    assert listed["results"][0]["my_side"] == "mentor"
    detail = api_call(mentor, "GET", f"{BASE}/{pair.relationship.pk}").json()
    assert detail["mentee_profile"]["first_name"] == "Tobi"
    assert detail["mentee_profile"]["shared"] == ["first_in_family"]
    assert "Okoro" not in str(detail)
    mentee_detail = api_call(token(pair.mentee), "GET", f"{BASE}/{pair.relationship.pk}").json()
    assert mentee_detail["mentee_profile"] is None
    assert mentee_detail["mentor_name"] == "Maya Mentor"
    officer = world.tokens[Role.OUTREACH_OFFICER]
    ids = {row["id"] for row in api_call(officer, "GET", BASE).json()["results"]}
    assert str(pair.relationship.pk) in ids
    assert str(other.relationship.pk) not in ids
    assert api_call(officer, "GET", f"{BASE}/{other.relationship.pk}").status_code == 404
    nobody = token(make_user("nobody", None, None))
    assert api_call(nobody, "GET", BASE).json() == {"count": 0, "results": []}


def test_goals_and_meetings(pair: Pair) -> None:
    mentee = token(pair.mentee)
    response = api_call(mentee, "POST", f"{BASE}/{pair.relationship.pk}/goals", {"text": "Apply"})
    assert response.status_code == 201
    goals = api_call(mentee, "GET", f"{BASE}/{pair.relationship.pk}/goals").json()
    assert [goal["text"] for goal in goals["results"]] == ["Apply"]
    held_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = {"held_on": held_on, "mode": "phone", "minutes": 20}
    assert (
        api_call(mentee, "POST", f"{BASE}/{pair.relationship.pk}/meetings", body).status_code == 201
    )
    for bad in ({**body, "minutes": 0}, {**body, "minutes": 601}, {**body, "mode": "fax"}):
        response = api_call(mentee, "POST", f"{BASE}/{pair.relationship.pk}/meetings", bad)
        assert response.status_code == 422
    future = {**body, "held_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    response = api_call(mentee, "POST", f"{BASE}/{pair.relationship.pk}/meetings", future)
    assert response.status_code == 422
    assert Meeting.objects.count() == 1
    meetings = api_call(mentee, "GET", f"{BASE}/{pair.relationship.pk}/meetings?limit=1").json()
    assert meetings["count"] == 1
    assert (
        api_call(mentee, "GET", f"{BASE}/{pair.relationship.pk}/meetings?limit=500").status_code
        == 422
    )


def test_messages_and_the_coordinator_after_a_concern(world: World, pair: Pair) -> None:
    mentor = token(pair.mentor)
    url = f"{BASE}/{pair.relationship.pk}/messages"
    assert api_call(mentor, "POST", url, {"body": "Hello Tobi"}).status_code == 201
    page = api_call(token(pair.mentee), "GET", url).json()
    assert [(m["body"], m["from_me"]) for m in page["results"]] == [("Hello Tobi", False)]
    officer = world.tokens[Role.OUTREACH_OFFICER]
    assert api_call(officer, "GET", url).status_code == 404
    assert api_call(officer, "POST", url, {"body": "Hi"}).status_code == 404
    concern = {"reason": "Worried"}
    assert (
        api_call(officer, "POST", f"{BASE}/{pair.relationship.pk}/concern", concern).status_code
        == 201
    )
    assert api_call(officer, "GET", url).json()["results"][0]["body"] == "Hello Tobi"
    assert Message.objects.count() == 1


def test_ending_then_feedback_once(world: World, pair: Pair) -> None:
    mentee = token(pair.mentee)
    feedback = f"{BASE}/{pair.relationship.pk}/feedback"
    assert api_call(mentee, "POST", feedback, {"rating": 5}).status_code == 422
    ended = api_call(mentee, "POST", f"{BASE}/{pair.relationship.pk}/end", {"reason": "Done"})
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert api_call(mentee, "POST", feedback, {"rating": 6}).status_code == 422
    assert api_call(mentee, "POST", feedback, {"rating": 5}).status_code == 201
    assert api_call(mentee, "POST", feedback, {"rating": 4}).status_code == 422
    officer = world.tokens[Role.OUTREACH_OFFICER]
    assert api_call(officer, "POST", feedback, {"rating": 3}).status_code == 404


def test_the_quiet_filter(world: World) -> None:
    today = timezone.localdate()
    programme = programme_at(world.alpha)
    quiet = pair_in(programme, "qui", last_meeting_on=today - timedelta(weeks=6))
    pair_in(programme, "bus", last_meeting_on=today)
    officer = world.tokens[Role.OUTREACH_OFFICER]
    rows = api_call(officer, "GET", f"{BASE}?quiet=true&programme_id={programme.pk}").json()
    assert [row["id"] for row in rows["results"]] == [str(quiet.relationship.pk)]
    assert rows["results"][0]["going_quiet"] is True


def test_the_list_reads_as_many_times_however_many_pairs(world: World) -> None:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    programme = programme_at(world.alpha)
    officer = world.tokens[Role.OUTREACH_OFFICER]
    pair_in(programme, "one")

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_call(officer, "GET", BASE).status_code == 200
        return len(queries)

    reads()  # the token's first use is written down once
    once = reads()
    pair_in(programme, "two")
    pair_in(programme, "three")
    assert reads() == once, "more reads for more pairs"
