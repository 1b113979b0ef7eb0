"""Pairs going quiet: which are (no meeting, or never one since they began, for the programme's
weeks), and `widen mentoring quiet-alerts` telling each coordinator once a quiet spell."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.mentoring.pairs_factories import pair_in, programme_at
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.core import request_context
from widen.mentoring.models import CheckIn, RelationshipStatus
from widen.mentoring.selectors.pairs import relationships_going_quiet
from widen.mentoring.services.pairs import meeting_log
from widen.notifications.models import Notification
from widen.testing.world import World

pytestmark = pytest.mark.django_db

QUIET = "mentoring/pair_going_quiet"


def test_the_pairs_going_quiet_follow_each_programmes_weeks(world: World) -> None:
    today = timezone.localdate()
    four = programme_at(world.alpha)
    eight = programme_at(world.alpha, "Law mentoring", quiet_after_weeks=8)
    long_ago = pair_in(four, "old", last_meeting_on=today - timedelta(weeks=4))
    recent = pair_in(four, "new", last_meeting_on=today - timedelta(weeks=4) + timedelta(days=1))
    never = pair_in(four, "nev", began_on=today - timedelta(weeks=5))
    just_began = pair_in(four, "jus", began_on=today - timedelta(days=10))
    patient = pair_in(eight, "pat", last_meeting_on=today - timedelta(weeks=6))
    ended = pair_in(
        four, "end", status=RelationshipStatus.ENDED, began_on=today - timedelta(weeks=20)
    )
    officer = world.users[Role.OUTREACH_OFFICER]
    quiet = set(relationships_going_quiet(actor=officer, today=today))
    assert quiet == {long_ago.relationship, never.relationship}
    assert (
        not {recent.relationship, just_began.relationship, patient.relationship, ended.relationship}
        & quiet
    )
    beta_officer = world.users[Role.EVALUATOR]
    assert not relationships_going_quiet(actor=beta_officer, today=today).exists()


def _alert(day: Any = None) -> str:
    out = StringIO()
    arguments = ["quiet-alerts"] + ([f"--day={day.isoformat()}"] if day else [])
    call_command("mentoring", *arguments, stdout=out)
    return out.getvalue()


def test_coordinators_are_told_once_a_quiet_spell(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    pair = pair_in(programme_at(world.alpha), "qui", last_meeting_on=today - timedelta(weeks=5))
    pair_in(programme_at(world.gamma, "Gamma mentoring"), "gam", last_meeting_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        said = _alert()
    assert "alerted coordinators to 1 pair going quiet" in said
    told = Notification.objects.filter(template=QUIET)
    officer = world.users[Role.OUTREACH_OFFICER]
    assert officer in {n.user for n in told}
    assert all(n.link == f"/mentoring/pairs/{pair.relationship.pk}/" for n in told)
    assert "not met since" in told.first().body_text  # type: ignore[union-attr]
    count = told.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert "to 0 pairs" in _alert()
        assert "to 0 pairs" in _alert(today + timedelta(days=1))
    assert Notification.objects.filter(template=QUIET).count() == count
    # They meet: the spell is over. Quiet again weeks later, they are told again.
    with request_context.bind(actor=pair.mentor, source="test"):
        meeting_log(
            actor=pair.mentor,
            relationship=pair.relationship,
            held_on=today,
            mode="online",
            minutes=30,
        )
    later = today + timedelta(weeks=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert "to 1 pair going quiet" in _alert(later)
    assert Notification.objects.filter(template=QUIET).count() == count * 2


def test_a_pair_without_a_check_in_is_given_its_first(world: World) -> None:
    pair = pair_in(programme_at(world.alpha), "chk")
    out = StringIO()
    call_command("mentoring", "check-ins", stdout=out)
    assert "Gave 1 pair a first check-in." in out.getvalue()
    assert CheckIn.objects.filter(relationship=pair.relationship).count() == 1
    call_command("mentoring", "check-ins", stdout=StringIO())
    assert CheckIn.objects.filter(relationship=pair.relationship).count() == 1


def test_only_widen_itself_sends_the_alerts(world: World) -> None:
    from widen.core.exceptions import NotFound  # noqa: PLC0415
    from widen.mentoring.services.pairs import pairs_quiet_alert  # noqa: PLC0415

    with pytest.raises(NotFound):
        pairs_quiet_alert(actor=world.users[Role.ORGANISATION_ADMIN])
    assert pairs_quiet_alert(actor=system_actor("tests")) == 0
