"""Who may plan and deliver activities, take which registers and enrol learners, as the policies
decide: a role without the capability and a person of another organisation meet 'not found' and
change nothing; a school's staff take only their school's registers; the system may do
everything, and a service asked to act for nobody refuses."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from conftest import api_call, signed_in_client
from widen.accounts.capabilities import GRANTS, Capability, system_actor
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.activities.models import Activity, Attendance, Session
from widen.activities.permissions import (
    PLAN,
    TAKE_REGISTER,
    activity_policy,
    registers_taken_by,
    session_policy,
)
from widen.activities.services import (
    SessionDetails,
    activity_create,
    attendance_mark,
    register_add,
    session_create,
)
from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation, OrganisationType, PartnershipMember
from widen.programmes.models import ActivitySubType, Enrolment, Programme
from widen.programmes.permissions import ENROL, programme_policy
from widen.programmes.services import StagePlan, enrol, enrolment_leave, programme_create
from widen.testing.delivery import north_activity, planned_session
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("test")
SESSION_IN = {"date": "2026-12-02", "starts_at": "13:00", "ends_at": "14:30", "venue": "Hall"}


def _activity(world: World) -> Activity:
    return north_activity(world, "Campus day", sub_type="Campus tour")


def _session(world: World, activity: Activity, school: Organisation | None = None) -> Session:
    return planned_session(
        activity,
        day=date(2026, 11, 20),
        starts_at=time(10, 0),
        ends_at=time(12, 0),
        venue="Great Hall",
        school=school if school is not None else world.school,
    )


def _written() -> tuple[int, ...]:
    return (
        Activity.objects.count(),
        Session.objects.count(),
        Attendance.objects.count(),
        Programme.objects.count(),
        Enrolment.objects.count(),
    )


def _api(user: User, method: str, path: str, body: Any = None) -> Any:
    token = api_token_create(user=user, name="policy test")[1]
    return api_call(token, method, f"/api/v1{path}", body)


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_plans_and_enrols_exactly_as_its_capabilities_say(
    world: World, role: str
) -> None:
    activity = _activity(world)
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    user = world.users[role]
    delivers = Capability.ACTIVITIES_DELIVER in GRANTS[role]
    assert activity_policy.may(user, PLAN, activity) == (
        delivers and world.organisation_of(role) == world.alpha
    )
    assert programme_policy.may(user, ENROL, programme) == (
        Capability.PROGRAMMES_ENROL in GRANTS[role]
    )
    page = signed_in_client(user).get(
        reverse("activities:session_create", kwargs={"activity_id": activity.pk})
    )
    assert page.status_code == (200 if activity_policy.may(user, PLAN, activity) else 404)


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.EVALUATOR])
def test_a_role_without_the_capability_meets_not_found_and_changes_nothing(
    world: World, role: str
) -> None:
    activity = _activity(world)
    session = _session(world, activity)
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    user = world.users[role]
    client = signed_in_client(user)
    before = _written()
    pages = [
        ("get", reverse("activities:create", kwargs={"partnership_id": world.north.pk})),
        ("post", reverse("activities:create", kwargs={"partnership_id": world.north.pk})),
        ("post", reverse("activities:session_create", kwargs={"activity_id": activity.pk})),
        ("get", reverse("activities:register", kwargs={"session_id": session.pk})),
        ("post", reverse("activities:register", kwargs={"session_id": session.pk})),
        ("post", reverse("programmes:enrol", kwargs={"programme_id": programme.pk})),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, (method, url)
    calls = [
        ("POST", f"/activities/{activity.pk}/sessions", SESSION_IN),
        ("GET", f"/sessions/{session.pk}/register", None),
        ("POST", f"/sessions/{session.pk}/register", {"add": [str(world.learner_alpha.pk)]}),
        ("POST", f"/programmes/{programme.pk}/enrolments", {"from_rule_set": True}),
    ]
    for method, path, body in calls:
        assert _api(user, method, path, body).status_code == 404, (method, path)
    assert _written() == before
    # Seeing is not delivering: the activity itself is open to everyone in the partnership.
    detail = client.get(reverse("activities:detail", kwargs={"activity_id": activity.pk}))
    assert detail.status_code == 200
    assert reverse("activities:register", kwargs={"session_id": session.pk}) not in (
        detail.content.decode()
    )


def test_another_organisations_officer_meets_not_found_unless_delivering_jointly(
    world: World,
) -> None:
    activity = _activity(world)
    session = _session(world, activity)
    beta_officer = make_user("officer.beta", world.beta, Role.OUTREACH_OFFICER)
    gamma_officer = make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER)
    register = reverse("activities:register", kwargs={"session_id": session.pk})
    plan = reverse("activities:session_create", kwargs={"activity_id": activity.pk})
    detail = reverse("activities:detail", kwargs={"activity_id": activity.pk})
    before = _written()
    beta = signed_in_client(beta_officer)
    assert beta.get(detail).status_code == 200  # the same partnership sees it
    assert beta.get(plan).status_code == 404  # but only Alpha plans Alpha's sessions
    added = beta.post(register, {"action": "add", "learner": [world.learner_beta.pk]})
    assert added.status_code == 404
    assert beta.get(register).status_code == 404
    gamma = signed_in_client(gamma_officer)  # another partnership: nothing at all
    for url in (detail, plan, register):
        assert gamma.get(url).status_code == 404
    assert _api(gamma_officer, "GET", f"/activities/{activity.pk}").status_code == 404
    assert _written() == before
    # Delivering the session jointly opens its register to Beta, and still not its planning.
    session.joint_partners.add(world.beta)
    assert beta.get(register).status_code == 200
    assert beta.get(plan).status_code == 404
    assert session_policy.may(beta_officer, TAKE_REGISTER, session)
    assert not session_policy.may(gamma_officer, TAKE_REGISTER, session)


def test_school_staff_take_only_their_own_schools_registers(world: World) -> None:
    other_school = Organisation.objects.create(
        name="Riverside Academy", organisation_type=OrganisationType.SCHOOL, urn="100002"
    )
    PartnershipMember.objects.create(partnership=world.north, organisation=other_school)
    activity = _activity(world)
    ours = _session(world, activity)
    theirs = _session(world, activity, school=other_school)
    nobodys = _session(world, activity, school=None)
    nobodys.school = None
    nobodys.save()
    teacher = world.users[Role.SCHOOL_STAFF]
    client = signed_in_client(teacher)
    assert registers_taken_by(teacher, [ours, theirs, nobodys]) == {ours.pk}
    assert (
        client.get(reverse("activities:register", kwargs={"session_id": ours.pk})).status_code
        == 200
    )
    for session in (theirs, nobodys):
        url = reverse("activities:register", kwargs={"session_id": session.pk})
        assert client.get(url).status_code == 404
        assert _api(teacher, "GET", f"/sessions/{session.pk}/register").status_code == 404
    # Taking a register is not planning: the school's staff add no sessions.
    plan = reverse("activities:session_create", kwargs={"activity_id": activity.pk})
    assert client.get(plan).status_code == 404
    # Their school's pupils go on their school's register, through the service too.
    register_add(actor=teacher, session=ours, learners=[world.learner_school])
    assert Attendance.objects.filter(session=ours, learner=world.learner_school).exists()
    with pytest.raises(ApplicationError, match="deliverers and its school"):
        register_add(actor=teacher, session=theirs, learners=[world.learner_school])
    assert not Attendance.objects.filter(session=theirs).exists()


def test_the_system_may_do_everything(world: World) -> None:
    activity = _activity(world)
    session = _session(world, activity)
    assert activity.created_by is None  # no person made it
    change = register_add(actor=SYSTEM, session=session, learners=[world.learner_gamma])
    assert change.added == [world.learner_gamma]
    marked = attendance_mark(
        actor=SYSTEM, session=session, marks={world.learner_gamma.pk: "attended"}
    )
    assert marked == 1
    programme = programme_create(
        actor=SYSTEM,
        partnership=world.north,
        name="LPP",
        stages=[StagePlan(10, Decimal("4"))],
    )
    enrolled = enrol(actor=SYSTEM, programme=programme, learners=[world.learner_beta])
    left = enrolment_leave(actor=SYSTEM, enrolment=enrolled.enrolled[0], reason="Moved away")
    assert left.left_on is not None
    assert registers_taken_by(SYSTEM, [session]) == {session.pk}
    assert activity_policy.may(SYSTEM, PLAN, activity)
    assert programme_policy.may(SYSTEM, ENROL, programme)


def test_a_service_asked_to_act_for_nobody_refuses_and_writes_nothing(world: World) -> None:
    activity = _activity(world)
    session = _session(world, activity)
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    enrolment = enrol(actor=SYSTEM, programme=programme, learners=[world.learner_alpha])
    before = _written()
    sub_type = ActivitySubType.objects.get(name="Campus tour", partnership=None)
    refused = {
        "activity_create": lambda: activity_create(
            actor=None,
            partnership=world.north,
            delivered_by=world.alpha,
            name="X",
            sub_type=sub_type,
        ),
        "session_create": lambda: session_create(
            actor=None,
            activity=activity,
            details=SessionDetails(
                date=date(2026, 11, 21), starts_at=time(9), ends_at=time(10), venue="Hall"
            ),
        ),
        "register_add": lambda: register_add(
            actor=None, session=session, learners=[world.learner_alpha]
        ),
        "attendance_mark": lambda: attendance_mark(actor=None, session=session, marks={}),
        "programme_create": lambda: programme_create(
            actor=None, partnership=world.north, name="Y", stages=[StagePlan(10, Decimal(1))]
        ),
        "enrol": lambda: enrol(actor=None, programme=programme, learners=[world.learner_beta]),
        "enrolment_leave": lambda: enrolment_leave(
            actor=None, enrolment=enrolment.enrolled[0], reason="Moved"
        ),
    }
    for name, call in refused.items():
        with pytest.raises(TypeError, match="Say who is acting"):
            call()
        assert _written() == before, name
