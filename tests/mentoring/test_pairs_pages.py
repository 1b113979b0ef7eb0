"""A pair's pages as the mentor, the student mentee and the coordinator use them: the mentor
reads only what the mentee shared, both keep the space, the coordinator sees the pairs going
quiet and steps in, and reads messages only after a concern."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.mentoring.pairs_factories import Pair, pair_in, programme_at
from widen.accounts.models import Role
from widen.mentoring.models import Concern, Goal, Meeting, Message, RelationshipStatus
from widen.mentoring.services.pairs import check_in_first_create, message_send
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world: World) -> Pair:
    return pair_in(programme_at(world.alpha), "ann")


def _url(name: str, pair: Pair, **kwargs: Any) -> str:
    return reverse(f"mentoring:{name}", kwargs={"relationship_id": pair.relationship.pk, **kwargs})


def test_the_mentor_reads_only_what_the_mentee_shared(pair: Pair) -> None:
    page = signed_in_client(pair.mentor).get(_url("pair", pair)).content.decode()
    assert "Mentoring Tobi" in page
    assert "To find out what working in audit is like." in page
    assert "First in family to go to university" in page
    assert "Okoro" not in page  # the mentee's surname, never shared
    assert pair.student.student_number not in page


def test_the_mentee_sees_their_mentor_and_keeps_the_space(pair: Pair) -> None:
    client = signed_in_client(pair.mentee)
    page = client.get(_url("pair", pair)).content.decode()
    assert "Your mentoring with Maya Mentor" in page
    assert "Auditor" in page
    response = client.post(_url("pair_goal", pair), {"text": "Apply for an internship"})
    assert response.status_code == 302
    assert Goal.objects.get().text == "Apply for an internship"
    response = client.post(
        _url("pair_meeting", pair),
        {
            "held_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "mode": "online",
            "minutes": "45",
            "note": "CV",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get().minutes == 45
    page = client.get(_url("pair", pair)).content.decode()
    assert "Logged your meeting" in page


def test_a_refused_meeting_says_why_on_the_page(pair: Pair) -> None:
    response = signed_in_client(pair.mentor).post(
        _url("pair_meeting", pair),
        {
            "held_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "mode": "online",
            "minutes": "45",
        },
    )
    assert response.status_code == 200
    assert "not a future day" in response.content.decode()
    assert not Meeting.objects.exists()


def test_messages_between_the_sides_and_the_coordinator_only_after_a_concern(
    world: World, pair: Pair
) -> None:
    mentor = signed_in_client(pair.mentor)
    assert mentor.post(_url("pair_message", pair), {"body": "See you Tuesday"}).status_code == 302
    assert (
        "See you Tuesday" in signed_in_client(pair.mentee).get(_url("pair", pair)).content.decode()
    )
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get(_url("pair", pair)).content.decode()
    assert "See you Tuesday" not in page
    assert "once a concern about the pair has been raised" in page
    assert officer.post(_url("pair_message", pair), {"body": "Hi"}).status_code == 404
    mentor.post(_url("pair_message", pair), {"body": "Shall we meet alone?"})
    page = officer.get(_url("pair", pair)).content.decode()
    assert "1 of their messages holds words on the safeguarding list" in page
    assert "meet alone" not in page
    response = officer.post(_url("pair_concern", pair), {"reason": "No meetings, odd messages"})
    assert response.status_code == 302
    assert Concern.objects.count() == 1
    page = officer.get(_url("pair", pair)).content.decode()
    assert "See you Tuesday" in page
    assert "Shall we meet alone?" in page
    assert "(flagged: meet alone)" in page
    assert Message.objects.count() == 2


def test_the_check_in_due_is_answered_on_the_page(pair: Pair) -> None:
    check_in = check_in_first_create(pair.relationship)  # due 28 days after it began: past
    client = signed_in_client(pair.mentee)
    assert (
        f"Check-in due {check_in.due_on:%-d %B %Y}"
        in client.get(_url("pair", pair)).content.decode()
    )
    response = client.post(
        _url("pair_check_in", pair, check_in_id=check_in.pk),
        {"how_it_is_going": "going_well", "note": ""},
    )
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.how_it_is_going == "going_well"


def test_ending_and_then_feedback(pair: Pair) -> None:
    mentee = signed_in_client(pair.mentee)
    assert mentee.get(_url("pair_end", pair)).status_code == 200
    response = mentee.post(_url("pair_end", pair), {"reason": "I have a job now"})
    assert response.status_code == 302
    pair.relationship.refresh_from_db()
    assert pair.relationship.status == RelationshipStatus.ENDED
    page = mentee.get(_url("pair", pair)).content.decode()
    assert "Your feedback" in page
    assert mentee.post(_url("pair_feedback", pair), {"rating": "5"}).status_code == 302
    assert "Your feedback" not in mentee.get(_url("pair", pair)).content.decode()


def test_the_coordinator_sees_the_pairs_going_quiet(world: World) -> None:
    programme = programme_at(world.alpha)
    today = timezone.localdate()
    quiet = pair_in(programme, "qui", last_meeting_on=today - timedelta(weeks=5))
    busy = pair_in(programme, "bus", last_meeting_on=today - timedelta(days=3))
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = officer.get(reverse("mentoring:programme_pairs", args=[programme.pk]))
    page = response.content.decode()
    assert "1 pair is going quiet" in page
    assert page.index(str(quiet.relationship.pk)) < page.index(str(busy.relationship.pk))
    assert "<strong>Yes</strong>: no meeting for 5 weeks" in page


def test_nobody_else_opens_the_pair_or_the_programme(world: World, pair: Pair) -> None:
    stranger = signed_in_client(make_user("someone", None, None))
    for url in (_url("pair", pair), _url("pair_concern", pair), _url("pair_end", pair)):
        assert stranger.get(url).status_code == 404
    assert stranger.get(reverse("mentoring:pairs_mine")).status_code == 404
    beta = programme_at(world.beta, "Beta mentoring")
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    assert officer.get(reverse("mentoring:programme_pairs", args=[beta.pk])).status_code == 404
    other = pair_in(beta, "bob")
    assert signed_in_client(pair.mentor).get(_url("pair", other)).status_code == 404
    assert officer.get(_url("pair", other)).status_code == 404


def test_my_mentoring_lists_my_pairs(pair: Pair) -> None:
    message_send(actor=pair.mentor, relationship=pair.relationship, body="Hello")
    page = signed_in_client(pair.mentee).get(reverse("mentoring:pairs_mine")).content.decode()
    assert "Mentored by Maya Mentor" in page
    page = signed_in_client(pair.mentor).get(reverse("mentoring:pairs_mine")).content.decode()
    assert "Mentoring Tobi" in page
