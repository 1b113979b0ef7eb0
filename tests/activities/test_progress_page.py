"""Who is falling behind: the programme progress page a page at a time, filtered by school, year
group, status and the activity type still needed, and the chosen learners put on a suggested
session's register in one step."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.models import Activity, Attendance, Session
from widen.activities.services import (
    SessionDetails,
    attendance_mark,
    register_add,
    session_create,
)
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.organisations.models import Organisation, OrganisationType, PartnershipMember
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def _programme(world: World, partnership: Any = None) -> Programme:
    programme = Programme.objects.create(partnership=partnership or world.north, name="LPP")
    year_10 = programme.stages.create(year_group=10, target_hours=Decimal("6"))
    year_10.required_types.set([ActivityType.objects.get(key="iag")])
    year_11 = programme.stages.create(year_group=11, target_hours=Decimal("4"))
    year_11.required_types.set([ActivityType.objects.get(key="campus_visits")])
    return programme


def _enrol(
    world: World,
    programme: Programme,
    count: int,
    *,
    prefix: str = "Learner",
    school: Organisation | None = None,
    year: int = 10,
    holder: Organisation | None = None,
) -> list[Learner]:
    holder = holder or world.alpha
    with request_context.bind(source="test"):
        learners = Learner.objects.bulk_create(
            [
                Learner(
                    organisation=holder,
                    school=school or world.school,
                    first_name="Pat",
                    last_name=f"{prefix}{index:03d}",
                    date_of_birth=year_group_birthday(year),
                )
                for index in range(count)
            ]
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    programme=programme,
                    learner=learner,
                    organisation=holder,
                    joined_on=AcademicYear.current().starts_on,
                )
                for learner in learners
            ]
        )
    return learners


def _activity(world: World, sub_type: str, delivered_by: Organisation | None = None) -> Activity:
    return Activity.objects.create(
        partnership=world.north,
        delivered_by=delivered_by or world.alpha,
        name=sub_type,
        sub_type=ActivitySubType.objects.get(name=sub_type, partnership=None),
    )


def _attended(world: World, learners: list[Learner], sub_type: str, hours: int) -> None:
    session = session_create(
        actor=system_actor("test"),
        activity=_activity(world, sub_type),
        details=SessionDetails(
            date=AcademicYear.current().starts_on,
            starts_at=time(9, 0),
            ends_at=time(9 + hours, 0),
            venue="Campus",
        ),
    )
    register_add(actor=system_actor("test"), session=session, learners=learners)
    attendance_mark(
        actor=system_actor("test"),
        session=session,
        marks={learner.pk: "attended" for learner in learners},
    )


def _upcoming(
    world: World, sub_type: str, *, capacity: int | None = None, by: Organisation | None = None
) -> Session:
    return session_create(
        actor=system_actor("test"),
        activity=_activity(world, sub_type, by),
        details=SessionDetails(
            date=timezone.localdate() + timedelta(days=14),
            starts_at=time(10, 0),
            ends_at=time(11, 0),
            venue="Hall",
            year_groups=[10],
            capacity=capacity,
        ),
    )


def _url(programme: Programme) -> str:
    return reverse("activities:progress", kwargs={"programme_id": programme.pk})


def _messages(response: Any) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_the_progress_page_lists_learners_a_page_at_a_time_in_name_order(world: World) -> None:
    programme = _programme(world)
    _enrol(world, programme, 120)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    first = officer.get(_url(programme)).content.decode()
    assert "120 learners behind (page 1 of 3)" in first
    assert "Pat Learner049" in first
    assert "Pat Learner050" not in first
    assert first.index("Pat Learner000") < first.index("Pat Learner001")
    third = officer.get(_url(programme), {"page": "3"}).content.decode()
    assert "Pat Learner119" in third
    assert "Pat Learner069" not in third
    assert third.count('name="learner"') == 20
    # The pages keep the filter chosen.
    filtered = officer.get(_url(programme), {"year": "10", "status": "behind"}).content.decode()
    assert 'href="?year=10&amp;status=behind&amp;page=2#learners" rel="next"' in filtered


def test_the_progress_page_filters_by_school_year_status_and_the_type_still_needed(
    world: World,
) -> None:
    programme = _programme(world)
    other = Organisation.objects.create(
        name="Riverside School", organisation_type=OrganisationType.SCHOOL, urn="100003"
    )
    PartnershipMember.objects.create(partnership=world.north, organisation=other)
    at_school = _enrol(world, programme, 3, prefix="Home")
    _enrol(world, programme, 2, prefix="River", school=other)
    _enrol(world, programme, 2, prefix="Eleven", year=11)
    _attended(world, at_school[:1], "Student finance talk", 6)  # IAG: complete
    _attended(world, at_school[1:2], "Student finance talk", 3)  # IAG, 3 of 6 hours: on track
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])

    def names(**query: str) -> set[str]:
        page = officer.get(_url(programme), query).content.decode()
        return {
            name
            for name in ("Home000", "Home001", "Home002", "River000", "River001", "Eleven000")
            if f"Pat {name}</a>" in page
        }

    assert names() == {"Home002", "River000", "River001", "Eleven000"}  # behind, by default
    assert names(status="complete") == {"Home000"}
    assert names(status="on_track") == {"Home001"}
    assert names(status="all", school=str(other.pk)) == {"River000", "River001"}
    assert names(status="all", year="11") == {"Eleven000"}
    iag = ActivityType.objects.get(key="iag")
    campus = ActivityType.objects.get(key="campus_visits")
    assert names(status="all", missing=str(iag.pk)) == {"Home002", "River000", "River001"}
    assert names(status="all", missing=str(campus.pk)) == {"Eleven000"}
    page = officer.get(_url(programme), {"status": "all", "school": str(other.pk)}).content
    assert b"2 learners in any state" in page
    assert b" selected>Riverside School</option>" in page


def test_the_progress_page_sends_the_same_queries_for_10_or_100_learners(world: World) -> None:
    programme = _programme(world)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    _upcoming(world, "Student finance talk")
    counts = []
    for size in (10, 90):
        learners = _enrol(world, programme, size, prefix=f"Size{size}-")
        _attended(world, learners[:5], "Student finance talk", 1)
        _attended(world, learners[-5:], "Campus tour", 1)
        officer.get(_url(programme), {"status": "all"})  # warm the policy's caches alike
        with CaptureQueriesContext(connection) as queries:
            response = officer.get(_url(programme), {"status": "all"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_chosen_learners_go_on_a_suggested_sessions_register_in_one_step(world: World) -> None:
    programme = _programme(world)
    learners = _enrol(world, programme, 4)
    gamma_learner = _enrol(world, programme, 1, prefix="Gamma", holder=world.gamma)[0]
    talk = _upcoming(world, "Student finance talk", capacity=3)
    betas = _upcoming(world, "Higher education information talk", by=world.beta)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get(_url(programme), {"year": "10"}).content.decode()
    assert f'<option value="{talk.pk}">Student finance talk' in page
    assert str(betas.pk) not in page.split('id="add-session"')[1]  # beta's register is not ours
    add = reverse("activities:progress_add", kwargs={"programme_id": programme.pk})
    events_before = AuditEvent.objects.filter(object_type="activities.attendance").count()
    response = officer.post(
        add,
        {
            "session": str(talk.pk),
            "learner": [str(learners[0].pk), str(learners[1].pk)],
            "status": "behind",
            "year": "10",
            "page": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url(programme) + "?status=behind&year=10&page=1"
    assert "Added 2 learners to Student finance talk on" in _messages(response)
    assert set(talk.register.values_list("learner_id", flat=True)) == {
        learners[0].pk,
        learners[1].pk,
    }
    assert (
        AuditEvent.objects.filter(object_type="activities.attendance").count() == events_before + 2
    )
    # More than the places left: nobody is added, and the message says why.
    full = officer.post(
        add,
        {"session": str(talk.pk), "learner": [str(learners[2].pk), str(learners[3].pk)]},
    )
    assert "Nobody was added. The session has room for 1 more learner" in _messages(full)
    assert talk.register.count() == 2
    # A session whose register the officer does not take, a learner they cannot see by name.
    refused = officer.post(add, {"session": str(betas.pk), "learner": [str(learners[2].pk)]})
    assert "Choose one of the suggested sessions whose register you take" in _messages(refused)
    assert not betas.register.exists()
    hidden = officer.post(add, {"session": str(talk.pk), "learner": [str(gamma_learner.pk)]})
    assert "Tick at least one learner" in _messages(hidden)
    assert not Attendance.objects.filter(learner=gamma_learner).exists()
    # A programme of another partnership answers like a missing one.
    stranger = _programme(world, world.south)
    assert (
        officer.post(
            reverse("activities:progress_add", kwargs={"programme_id": stranger.pk}),
            {"session": str(talk.pk), "learner": [str(learners[2].pk)]},
        ).status_code
        == 404
    )
    assert talk.register.count() == 2
