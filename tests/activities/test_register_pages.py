"""Registers as officers and school staff use them: planning a session for a school says who can
fill its register, "Register" links appear only where they open, adding pupils is filtered by
year group and name, and attendance is marked only once a session has started."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils.html import escape

from conftest import signed_in_client
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Membership, Role
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.activities.services import (
    SessionDetails,
    attendance_mark,
    register_add,
    session_create,
)
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.models import Learner
from widen.organisations.models import Organisation, OrganisationType, PartnershipMember
from widen.programmes.models import ActivitySubType
from widen.testing.world import World, make_user, year_group_birthday

pytestmark = pytest.mark.django_db

PAST = date(2026, 11, 26)


def _activity(world: World, delivered_by: Organisation | None = None) -> Activity:
    return Activity.objects.create(
        partnership=world.north,
        delivered_by=delivered_by or world.alpha,
        name="Campus day",
        sub_type=ActivitySubType.objects.get(name="Campus tour", partnership=None),
    )


def _session(world: World, activity: Activity, **changes: Any) -> Session:
    details = SessionDetails(
        date=PAST, starts_at=time(10, 0), ends_at=time(12, 0), venue="Campus", school=world.school
    )
    for name, value in changes.items():
        setattr(details, name, value)
    return session_create(actor=system_actor("test"), activity=activity, details=details)


def _pupil(holder: Organisation, school: Organisation, first: str, last: str, year: int) -> Learner:
    with request_context.bind(source="test"):
        return Learner.objects.create(
            organisation=holder,
            school=school,
            first_name=first,
            last_name=last,
            date_of_birth=year_group_birthday(year),
        )


def _hidden_school(world: World, *, staff: bool = True) -> Organisation:
    """A member school outside the data-sharing agreement: its pupils are its own."""
    school = Organisation.objects.create(
        name="Hillside Academy", organisation_type=OrganisationType.SCHOOL, urn="100002"
    )
    PartnershipMember.objects.create(partnership=world.north, organisation=school)
    _pupil(school, school, "Hana", "Hillside", 10)
    if staff:
        make_user("teacher.hillside", school, Role.SCHOOL_STAFF)
    return school


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_planning_a_session_for_a_school_whose_pupils_the_officer_cannot_see_says_so(
    world: World,
) -> None:
    hidden = _hidden_school(world)
    activity = _activity(world)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = reverse("activities:session_create", kwargs={"activity_id": activity.pk})
    form = officer.get(url).content.decode()
    assert escape("Hillside Academy (you cannot see its pupils: its staff take the register)") in (
        form
    )
    assert f">{escape(world.school.name)}</option>" in form  # pupils the officer sees
    response = officer.post(
        url,
        {
            "date": "2027-01-14",
            "starts_at": "10:00",
            "ends_at": "12:00",
            "venue": "Campus",
            "school": str(hidden.pk),
        },
    )
    assert response.status_code == 302
    said = " ".join(_messages(response))
    assert "You cannot see Hillside Academy's pupils by name" in said
    assert "The register can be taken by Hillside Academy's staff." in said
    session = Session.objects.get(school=hidden)
    register = officer.get(reverse("activities:register", kwargs={"session_id": session.pk}))
    page = register.content.decode()
    assert escape("You cannot see Hillside Academy's pupils by name") in page
    assert "is on the register" not in page  # no claim that everyone has been added
    # The school's staff, who can see them, are offered their pupils.
    teacher = signed_in_client(Membership.objects.get(organisation=hidden).user)
    theirs = teacher.get(reverse("activities:register", kwargs={"session_id": session.pk}))
    text = theirs.content.decode()
    assert "Hillside (Year 10)</label>" in text, text[text.index("<h1>") : text.index("<footer")]
    assert "You cannot see" not in theirs.content.decode()


def test_a_school_with_no_staff_and_no_holder_delivering_is_told_plainly(world: World) -> None:
    hidden = _hidden_school(world, staff=False)
    session = _session(world, _activity(world), school=hidden)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get(reverse("activities:register", kwargs={"session_id": session.pk}))
    text = page.content.decode()
    assert escape("You cannot see Hillside Academy's pupils by name") in text
    assert "Nobody who takes it can see them either" in text
    assert "held by Hillside Academy." in text
    assert escape("Hillside Academy's staff once they have accounts") in text
    assert "The register can be taken by" not in text


def test_register_links_appear_exactly_where_the_register_opens(world: World) -> None:
    alpha_activity = _activity(world)
    beta_activity = _activity(world, world.beta)
    sessions = [
        _session(world, alpha_activity),
        _session(world, alpha_activity, school=None, starts_at=time(14, 0), ends_at=time(15, 0)),
        _session(world, beta_activity),
        _session(world, beta_activity, school=None),
    ]
    for role, user in world.users.items():
        client = signed_in_client(user)
        for activity in (alpha_activity, beta_activity):
            page = client.get(reverse("activities:detail", kwargs={"activity_id": activity.pk}))
            if page.status_code == 404:
                continue
            text = page.content.decode()
            for session in activity.sessions.all():
                url = reverse("activities:register", kwargs={"session_id": session.pk})
                opens = client.get(url).status_code == 200
                assert (f'href="{url}"' in text) is opens, (role, session.school_id, activity)
    # The alpha officer sees the link only on alpha's sessions; the school's staff on sessions
    # for their school.
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    beta_page = officer.get(
        reverse("activities:detail", kwargs={"activity_id": beta_activity.pk})
    ).content.decode()
    assert "Taken by its deliverers and" in beta_page
    assert reverse("activities:register", kwargs={"session_id": sessions[2].pk}) not in beta_page
    teacher = signed_in_client(world.users[Role.SCHOOL_STAFF])
    for_school = teacher.get(
        reverse("activities:detail", kwargs={"activity_id": beta_activity.pk})
    ).content.decode()
    assert reverse("activities:register", kwargs={"session_id": sessions[2].pk}) in for_school
    assert reverse("activities:register", kwargs={"session_id": sessions[3].pk}) not in for_school


def test_adding_pupils_starts_with_the_sessions_year_groups_and_filters_by_name(
    world: World,
) -> None:
    for year in (9, 10, 11):
        for index in range(3):
            _pupil(world.alpha, world.school, f"Kerry{year}{index}", f"Adams{year}", year)
    _pupil(world.alpha, world.school, "Kerry", "Adams", 10)
    session = _session(world, _activity(world), year_groups=[10])
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = reverse("activities:register", kwargs={"session_id": session.pk})
    page = officer.get(url).content.decode()
    assert 'id="year-10" name="year" value="10" checked' in page
    assert 'id="year-9" name="year" value="9">' in page
    assert "Kerry100 Adams10" in page
    assert "Kerry90 Adams9" not in page
    assert "Kerry110 Adams11" not in page
    years_9 = officer.get(url, {"filtered": "1", "year": ["9"]}).content.decode()
    assert "Kerry90 Adams9" in years_9
    assert "Kerry100 Adams10" not in years_9
    everyone = officer.get(url, {"filtered": "1", "q": ""}).content.decode()
    assert "Kerry90 Adams9" in everyone
    assert "Kerry110 Adams11" in everyone
    # A name as school systems export it.
    named = officer.get(url, {"filtered": "1", "q": "Adams, Kerry"}).content.decode()
    assert "Kerry Adams (Year 10)</label>" in named
    assert "Kerry90 Adams9" in named  # "Kerry90" holds "Kerry"
    precise = officer.get(url, {"filtered": "1", "q": "Adams9"}).content.decode()
    assert "Kerry90 Adams9" in precise
    assert "Kerry Adams (Year 10)</label>" not in precise
    # "Add all shown" adds exactly the pupils the filter lists.
    response = officer.post(url, {"action": "add_shown", "filtered": "1", "year": ["9"], "q": ""})
    assert response.status_code == 302
    added = set(session.register.values_list("learner__last_name", flat=True))
    assert added == {"Adams9"}
    assert session.register.count() == 3
    assert "Added 3 learners to the register." in _messages(response)
    # Ticked pupils outside the filter are not added with it.
    year_11 = Learner.objects.filter(last_name="Adams11").first()
    assert year_11 is not None
    officer.post(
        url,
        {"action": "add", "filtered": "1", "year": ["10"], "learner": [str(year_11.pk)]},
    )
    assert not session.register.filter(learner=year_11).exists()
    nothing = officer.post(url, {"action": "add", "filtered": "1", "year": ["10"]})
    assert "Choose at least one pupil to add" in " ".join(_messages(nothing))


def _frozen(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """The register's idea of now, in the services and the page, set to `moment`."""
    clock = SimpleNamespace(
        now=lambda: moment,
        localdate=lambda value=None: django_timezone.localdate(value or moment),
        get_current_timezone=django_timezone.get_current_timezone,
    )
    monkeypatch.setattr("widen.activities.services.timezone", clock)
    monkeypatch.setattr("widen.activities.views.registers.timezone", clock)


def test_attendance_waits_for_the_session_to_start_unless_it_started_early(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = datetime.combine(PAST, time(9, 0), tzinfo=django_timezone.get_current_timezone())
    _frozen(monkeypatch, moment)
    activity = _activity(world)
    today = _session(world, activity, starts_at=time(13, 30), ends_at=time(15, 0))
    next_week = _session(world, activity, date=PAST + timedelta(days=7))
    learner = world.learner_alpha
    for session in (today, next_week):
        register_add(actor=system_actor("test"), session=session, learners=[learner])
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    # Later today: refused with what to do, unless the person says it has started.
    url = reverse("activities:register", kwargs={"session_id": today.pk})
    page = officer.get(url).content.decode()
    assert "The session has started early: record attendance now" in page
    refused = officer.post(url, {"action": "mark", f"status-{learner.pk}": "attended"})
    assert "has not started yet" in " ".join(_messages(refused))
    row = Attendance.objects.get(session=today, learner=learner)
    assert row.status == AttendanceStatus.REGISTERED
    marked = officer.post(
        url, {"action": "mark", f"status-{learner.pk}": "attended", "started": "yes"}
    )
    assert "Saved the register (1 changed)." in _messages(marked)
    row.refresh_from_db()
    assert (row.status, row.marked_before_start) == (AttendanceStatus.ATTENDED, True)
    event = AuditEvent.objects.filter(object_id=str(row.pk), action="update").get()
    assert "marked_before_start" in event.changed_fields
    assert event.actor_username == world.users[Role.OUTREACH_OFFICER].username
    assert "marked before the planned start" in officer.get(url).content.decode()
    # Next week: no marking at all, whatever is said.
    later = reverse("activities:register", kwargs={"session_id": next_week.pk})
    page = officer.get(later).content.decode()
    assert "has not taken place yet" in page
    assert 'name="action" value="mark"' not in page
    refused = officer.post(
        later, {"action": "mark", f"status-{learner.pk}": "attended", "started": "yes"}
    )
    assert "has not taken place yet" in " ".join(_messages(refused))
    assert Attendance.objects.get(session=next_week).status == AttendanceStatus.REGISTERED
    with pytest.raises(ApplicationError, match="has not taken place yet"):
        attendance_mark(
            actor=world.users[Role.OUTREACH_OFFICER],
            session=next_week,
            marks={learner.pk: "absent"},
            before_start=True,
        )
    # Once started, marking needs nothing more, and is not flagged.
    _frozen(monkeypatch, moment.replace(hour=14))
    assert (
        attendance_mark(
            actor=world.users[Role.OUTREACH_OFFICER], session=today, marks={learner.pk: "absent"}
        )
        == 1
    )
    row.refresh_from_db()
    assert (row.status, row.marked_before_start) == (AttendanceStatus.ABSENT, False)


def test_the_api_refuses_marks_for_a_session_not_started(world: World) -> None:
    activity = _activity(world)
    upcoming = _session(world, activity, date=django_timezone.localdate() + timedelta(days=3))
    register_add(actor=system_actor("test"), session=upcoming, learners=[world.learner_alpha])
    token = world.tokens[Role.OUTREACH_OFFICER]
    response = signed_in_client(world.users[Role.OUTREACH_OFFICER]).post(
        f"/api/v1/sessions/{upcoming.pk}/register",
        {"marks": {str(world.learner_alpha.pk): "attended"}, "started_early": True},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "has not taken place yet" in response.content.decode()
    assert Attendance.objects.get(session=upcoming).status == AttendanceStatus.REGISTERED
