"""The report of an event or a programme counts its own participants; another partnership's
activity answers like a missing one; the activity, programme and event pages link to reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.evaluation.report_world import (
    OTHERS,
    PARTICIPANTS,
    answer,
    evaluated_activity,
    learner,
    page_text,
    report_url,
    theory_of,
    with_pairs,
)
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.events.models import AttendeeType, Booking, BookingStatus, Event, EventKind
from widen.programmes.models import Enrolment, Programme, ProgrammeStage
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def _conference(world: World, title: str, *, days_away: int, **fields: Any) -> Event:
    """Alpha's two-hour conference in North, starting `days_away` days from now."""
    starts = timezone.now() + timedelta(days=days_away)
    return Event.objects.create(
        partnership=world.north,
        organiser=world.alpha,
        title=title,
        kind=EventKind.CONFERENCE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        **fields,
    )


def test_another_partnerships_activity_answers_like_a_missing_one(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    stranger = signed_in_client(make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER))
    assert stranger.get(report_url(evaluated)).status_code == 404
    assert stranger.get(report_url(evaluated), {"format": "pdf"}).status_code == 404
    assert not AccessLogEntry.objects.filter(subject_type="evaluation.report").exists()


def test_event_report_counts_checked_in_learners_as_participants(world: World) -> None:
    evaluated = evaluated_activity(world)
    event = _conference(world, "Parents' evening", days_away=-2, activity=evaluated.activity)
    starts = event.starts_at
    for index, (before, after) in enumerate(PARTICIPANTS):
        person = learner(world, f"Booked{index}")
        Booking.objects.create(
            event=event,
            organisation=world.alpha,
            name=person.display_name,
            email=f"b{index}@example.org",
            attendee_type=AttendeeType.LEARNER,
            learner=person,
            status=BookingStatus.BOOKED,
            requested_at=starts - timedelta(days=5),
            checked_in_at=starts,
            token_digest=f"{index:064d}",
        )
        for timing, score in (("pre", before), ("post", after)):
            response = answer(evaluated, person, timing, score)
            response.event = event
            response.activity = None
            response.save(update_fields=["event", "activity"])
    theory_of(evaluated)
    url = reverse("evaluation_reports:event", kwargs={"event_id": event.pk})
    page = page_text(signed_in_client(world.users[Role.SCHOOL_STAFF]).get(url))
    assert "Evaluation report: Parents' evening" in page
    assert "Participants who answered a survey before or after 6" in page
    assert "Type 2: empirical enquiry" in page
    assert "Few learners in the ward" in page  # the event's activity's theory of change


def test_programme_report_counts_enrolled_learners_as_participants(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS, OTHERS)
    programme = Programme.objects.create(partnership=world.north, name="Year 10 pathway")
    stage = ProgrammeStage.objects.create(programme=programme, year_group=10, target_hours=6)
    stage.required_types.add(evaluated.activity.sub_type.activity_type)
    for person in evaluated.participants[:5]:
        Enrolment.objects.create(
            programme=programme,
            learner=person,
            organisation=person.organisation,
            joined_on=timezone.localdate() - timedelta(days=60),
        )
    url = reverse("evaluation_reports:programme", kwargs={"programme_id": programme.pk})
    page = page_text(signed_in_client(world.users[Role.READ_ONLY]).get(url))
    assert "Participants who answered a survey before or after 5" in page
    assert "Learners who answered but did not take part 7" in page


def test_the_activity_and_programme_pages_link_to_their_reports(world: World) -> None:
    evaluated = evaluated_activity(world)
    programme = Programme.objects.create(partnership=world.north, name="Linked pathway")
    client = signed_in_client(world.users[Role.READ_ONLY])
    activity_page = client.get(
        reverse("activities:detail", kwargs={"activity_id": evaluated.activity.pk})
    ).content.decode()
    assert f'href="{report_url(evaluated)}">Evaluation report</a>' in activity_page
    programme_page = client.get(
        reverse("programmes:detail", kwargs={"programme_id": programme.pk})
    ).content.decode()
    report = reverse("evaluation_reports:programme", kwargs={"programme_id": programme.pk})
    assert f'href="{report}">Evaluation report</a>' in programme_page


def test_the_event_page_links_to_its_report(world: World) -> None:
    event = _conference(world, "Open evening", days_away=5)
    page = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(
        reverse("events:detail", kwargs={"event_id": event.pk})
    )
    report = reverse("evaluation_reports:event", kwargs={"event_id": event.pk})
    assert f'href="{report}">Evaluation report</a>' in page.content.decode()
