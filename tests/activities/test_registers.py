"""Activities, sessions and registers: the MOAT catalogue, the rules for planning sessions, and
contact hours that count a joint session once."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from conftest import signed_in_client
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Membership, Role, User
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    contact_hours,
    register_add,
    session_create,
)
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.models import Learner
from widen.programmes.models import ActivitySubType, ActivityType
from widen.testing.delivery import attend, north_activity, planned_session
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _sub_type(name: str) -> ActivitySubType:
    return ActivitySubType.objects.get(name=name, partnership=None)


def _officer_at(world: World, organisation_name: str) -> User:
    organisation = {"alpha": world.alpha, "beta": world.beta}[organisation_name]
    user = User.objects.create_user(username=f"officer-{organisation_name}", password="x" * 20)
    Membership.objects.create(user=user, organisation=organisation, role=Role.OUTREACH_OFFICER)
    return user


def _masterclass(world: World) -> Activity:
    return activity_create(
        actor=world.users[Role.OUTREACH_OFFICER],
        partnership=world.north,
        delivered_by=world.alpha,
        name="Year 10 science masterclass",
        sub_type=_sub_type("Subject masterclass"),
    )


def _session(world: World, activity: Activity, **changes: object) -> Session:
    details = SessionDetails(
        date=date(2026, 11, 26),  # past: attendance is marked once a session has started
        starts_at=time(13, 30),
        ends_at=time(15, 45),
        venue="Science block, Alpha University",
        year_groups=[10],
        school=world.school,
    )
    for name, value in changes.items():
        setattr(details, name, value)
    return session_create(
        actor=world.users[Role.OUTREACH_OFFICER], activity=activity, details=details
    )


def test_the_moat_activity_types_arrive_with_sub_types_and_intended_outcomes() -> None:
    names = list(ActivityType.objects.values_list("name", flat=True))
    assert names[:3] == ["Campus visits", "Information, advice and guidance", "Mentoring"]
    assert {
        "Summer schools",
        "Masterclasses",
        "Skills and attainment",
        "Parents and carers",
        "Teacher CPD",
    } <= set(names)
    mentoring = ActivityType.objects.get(key="mentoring")
    assert "Peer-to-peer mentoring" in mentoring.sub_types.values_list("name", flat=True)
    assert all(kind.intended_outcomes for kind in ActivityType.objects.all())


def test_a_partnership_adds_its_own_sub_type_that_only_it_can_use(world: World) -> None:
    own = ActivitySubType.objects.create(
        activity_type=ActivityType.objects.get(key="iag"),
        partnership=world.north,
        name="Care leavers' finance clinic",
    )
    activity = activity_create(
        actor=world.users[Role.OUTREACH_OFFICER],
        partnership=world.north,
        delivered_by=world.alpha,
        name="Finance clinic",
        sub_type=own,
    )
    assert activity.sub_type.activity_type.name == "Information, advice and guidance"
    with pytest.raises(ApplicationError, match="Choose a type of activity"):
        activity_create(
            actor=system_actor("test"),
            partnership=world.south,
            delivered_by=world.gamma,
            name="X",
            sub_type=own,
        )


def test_only_a_members_officers_add_its_activities(world: World) -> None:
    with pytest.raises(ApplicationError, match="not a member of North"):
        activity_create(
            actor=system_actor("test"),
            partnership=world.north,
            delivered_by=world.gamma,
            name="Campus day",
            sub_type=_sub_type("Campus tour"),
        )
    with pytest.raises(ApplicationError, match="outreach officers and admins"):
        activity_create(
            actor=world.users[Role.READ_ONLY],
            partnership=world.north,
            delivered_by=world.alpha,
            name="Campus day",
            sub_type=_sub_type("Campus tour"),
        )


def test_a_session_gets_its_contact_hours_from_its_times_and_its_rules_are_kept(
    world: World,
) -> None:
    activity = _masterclass(world)
    session = _session(world, activity)
    assert session.contact_hours == Decimal("2.25")
    assert _session(world, activity, contact_hours=Decimal("1.5")).contact_hours == Decimal("1.5")
    refusals = {
        "end after it starts": {"ends_at": time(13, 0)},
        "at most the session's length": {"contact_hours": Decimal("3")},
        "Year 7 to Year 13": {"year_groups": [10, 14]},
        "venue, or the link": {"venue": "", "online_link": ""},
        "not a school or college": {"school": world.beta},
        "Capacity must be at least 1": {"capacity": 0},
        "not a member of North": {"joint_partners": [world.gamma]},
    }
    for message, changes in refusals.items():
        with pytest.raises(ApplicationError, match=message):
            _session(world, activity, **changes)
    online = _session(world, activity, venue="", online_link="https://meet.example.org/abc")
    assert online.online


def test_a_register_holds_each_learner_once_and_keeps_to_capacity(world: World) -> None:
    session = _session(world, _masterclass(world), capacity=2)
    officer = world.users[Role.OUTREACH_OFFICER]
    change = register_add(actor=officer, session=session, learners=[world.learner_alpha])
    assert [learner.pk for learner in change.added] == [world.learner_alpha.pk]
    again = register_add(
        actor=officer, session=session, learners=[world.learner_alpha, world.learner_beta]
    )
    assert [learner.pk for learner in again.already_on] == [world.learner_alpha.pk]
    assert session.register.count() == 2
    with request_context.bind(source="test"):
        extra = Learner.objects.create(
            organisation=world.alpha,
            first_name="Ife",
            last_name="Extra",
            date_of_birth=world.learner_alpha.date_of_birth,
        )
    with pytest.raises(ApplicationError, match="room for 0 more learners"):
        register_add(actor=officer, session=session, learners=[extra])
    # A learner the officer cannot see by name cannot be put on the register.
    with pytest.raises(ApplicationError, match="learners you can see by name"):
        register_add(
            actor=officer, session=_session(world, session.activity), learners=[world.learner_gamma]
        )


def test_a_joint_session_counts_its_hours_once_whichever_partner_marks_it(world: World) -> None:
    activity = _masterclass(world)
    joint = _session(world, activity, joint_partners=[world.beta])
    other = _session(world, activity, starts_at=time(10, 0), ends_at=time(11, 0))
    alpha_officer = world.users[Role.OUTREACH_OFFICER]
    beta_officer = _officer_at(world, "beta")
    learner = world.learner_alpha
    register_add(actor=alpha_officer, session=joint, learners=[learner])
    register_add(actor=beta_officer, session=joint, learners=[learner])
    attendance_mark(actor=alpha_officer, session=joint, marks={learner.pk: "attended"})
    assert attendance_mark(actor=beta_officer, session=joint, marks={learner.pk: "attended"}) == 0
    assert contact_hours([learner.pk]) == {learner.pk: Decimal("2.25")}
    register_add(actor=alpha_officer, session=other, learners=[learner])
    attendance_mark(actor=alpha_officer, session=other, marks={learner.pk: "attended"})
    assert contact_hours([learner.pk]) == {learner.pk: Decimal("3.25")}
    attendance_mark(actor=beta_officer, session=joint, marks={learner.pk: "absent"})
    assert contact_hours([learner.pk]) == {learner.pk: Decimal("1.00")}
    row = Attendance.objects.get(session=joint, learner=learner)
    assert (row.status, row.marked_by) == (AttendanceStatus.ABSENT, world.beta)


def test_registers_are_taken_by_deliverers_and_the_schools_staff_only(world: World) -> None:
    session = _session(world, _masterclass(world))
    register_add(actor=system_actor("test"), session=session, learners=[world.learner_school])
    teacher = world.users[Role.SCHOOL_STAFF]
    assert (
        attendance_mark(actor=teacher, session=session, marks={world.learner_school.pk: "attended"})
        == 1
    )
    for outsider in (world.users[Role.READ_ONLY], world.users[Role.EVALUATOR]):
        with pytest.raises(ApplicationError, match="deliverers and its school"):
            attendance_mark(
                actor=outsider, session=session, marks={world.learner_school.pk: "absent"}
            )
    with pytest.raises(ApplicationError, match="not a way to mark"):
        attendance_mark(actor=teacher, session=session, marks={world.learner_school.pk: "late"})
    with pytest.raises(ApplicationError, match="add them first"):
        attendance_mark(actor=teacher, session=session, marks={world.learner_alpha.pk: "attended"})


def test_attendance_is_audited_and_keeps_its_learner(world: World) -> None:
    session = _session(world, _masterclass(world))
    officer = world.users[Role.OUTREACH_OFFICER]
    learner = world.learner_alpha
    register_add(actor=officer, session=session, learners=[learner])
    attendance_mark(actor=officer, session=session, marks={learner.pk: "attended"})
    events = AuditEvent.objects.filter(learner_id=learner.pk, object_type="activities.attendance")
    assert events.count() == 2
    with pytest.raises(ProtectedError), request_context.bind(source="test"):
        learner.delete()


def test_the_register_page_shows_and_marks_only_learners_the_person_may_see_by_name(
    world: World,
) -> None:
    session = _session(world, _masterclass(world))
    register_add(
        actor=system_actor("test"),
        session=session,
        learners=[world.learner_school, world.learner_gamma],
    )
    teacher = signed_in_client(world.users[Role.SCHOOL_STAFF])
    url = reverse("activities:register", kwargs={"session_id": session.pk})
    page = teacher.get(url).content.decode()
    assert world.learner_school.last_name in page
    assert world.learner_gamma.last_name not in page
    assert "2 of" not in page  # no capacity: no places count
    response = teacher.post(
        url, {"action": "mark", f"status-{world.learner_school.pk}": "attended"}
    )
    assert response.status_code == 302
    statuses = dict(session.register.values_list("learner_id", "status"))
    assert statuses == {
        world.learner_school.pk: AttendanceStatus.ATTENDED,
        world.learner_gamma.pk: AttendanceStatus.REGISTERED,
    }


def test_a_learners_journey_shows_what_every_partner_did(world: World) -> None:
    alpha_session = _session(world, _masterclass(world))
    beta_activity = north_activity(world, "Beta campus day", sub_type="Campus tour", by=world.beta)
    beta_session = planned_session(
        beta_activity,
        day=date(2027, 1, 20),
        starts_at=time(9, 0),
        ends_at=time(12, 0),
        venue="Beta",
    )
    learner = world.learner_alpha
    register_add(actor=system_actor("test"), session=alpha_session, learners=[learner])
    attend(beta_session, [learner])
    url = reverse("activities:learner", kwargs={"learner_id": learner.pk})
    page = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(url).content.decode()
    assert page.index("Beta campus day") < page.index("Year 10 science masterclass")  # newest first
    assert "Campus visits: attended, 3 hours" in page
    assert "Masterclasses: registered" in page
    assert "3 contact hours in all" in page
    assert learner.last_name in page
    evaluator = signed_in_client(world.users[Role.EVALUATOR]).get(url).content.decode()
    assert "Beta campus day" in evaluator
    assert learner.last_name not in evaluator  # pseudonymised
