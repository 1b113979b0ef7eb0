"""Programme pages: designing a programme stage by stage, enrolling from the rule set, and the
list of who is falling behind, with the reason."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import signed_in_client
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.models import Activity
from widen.activities.services import (
    SessionDetails,
    attendance_mark,
    register_add,
    session_create,
)
from widen.core.academic_years import AcademicYear
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_partnership_admin_designs_a_programme_stage_by_stage(world: World) -> None:
    rule_set = rule_set_create(
        actor=system_actor("test"),
        partnership=world.north,
        name="Free school meals",
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
    )
    admin = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    url = reverse("programmes:create", kwargs={"partnership_id": world.north.pk})
    iag = ActivityType.objects.get(key="iag")
    masterclasses = ActivityType.objects.get(key="masterclasses")
    refused = admin.post(
        url,
        {
            "name": "LPP",
            "sustained_hours": "10",
            "sustained_activities": "3",
            "sustained_years": "2",
        },
    )
    assert "Plan at least one stage" in refused.content.decode()
    without_hours = admin.post(
        url,
        {
            "name": "LPP",
            "sustained_hours": "10",
            "sustained_activities": "3",
            "sustained_years": "2",
            "year_12_required": [str(iag.pk)],
        },
    )
    assert "Give Year 12 target hours, or untick its activity types." in (
        without_hours.content.decode()
    )
    assert not Programme.objects.filter(name="LPP").exists()
    response = admin.post(
        url,
        {
            "name": "Learner Progression Programme",
            "rule_set": str(rule_set.pk),
            "sustained_hours": "10",
            "sustained_activities": "3",
            "sustained_years": "2",
            "year_10_hours": "6",
            "year_10_required": [str(iag.pk)],
            "year_10_optional": [str(masterclasses.pk)],
            "year_11_hours": "4",
        },
    )
    programme = Programme.objects.get(name="Learner Progression Programme")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programmes:detail", kwargs={"programme_id": programme.pk}
    )
    stage = programme.stages.get(year_group=10)
    assert (stage.target_hours, list(stage.required_types.all())) == (Decimal("6"), [iag])
    assert list(programme.stages.values_list("year_group", flat=True)) == [10, 11]
    page = admin.get(response["Location"]).content.decode()
    assert "Information, advice and guidance" in page
    assert "Enrol 4 learners" not in page  # not worked out yet: nobody eligible
    eligibility_compute(rule_set)
    page = admin.get(response["Location"]).content.decode()
    # Alpha's admin enrols Alpha's learners; the others' eligible learners are counted.
    assert "1 eligible learner not enrolled, by school" in page
    assert "more eligible learners held by other members" in page
    enrolled = admin.post(reverse("programmes:enrol", kwargs={"programme_id": programme.pk}))
    assert enrolled.status_code == 302
    assert Enrolment.objects.filter(programme=programme, left_on=None).count() >= 1
    assert world.learner_alpha.enrolments.filter(programme=programme).exists()


def test_the_progress_page_lists_who_is_falling_behind_and_why(world: World) -> None:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    stage = programme.stages.create(year_group=10, target_hours=Decimal("6"))
    stage.required_types.set([ActivityType.objects.get(key="iag")])
    Enrolment.objects.create(
        programme=programme,
        learner=world.learner_alpha,
        organisation=world.alpha,
        joined_on=AcademicYear.current().starts_on,
    )
    Enrolment.objects.create(
        programme=programme,
        learner=world.learner_gamma,
        organisation=world.gamma,
        joined_on=AcademicYear.current().starts_on,
    )
    activity = Activity.objects.create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Campus day",
        sub_type=ActivitySubType.objects.get(name="Campus tour", partnership=None),
    )
    session = session_create(
        actor=system_actor("test"),
        activity=activity,
        details=SessionDetails(
            date=AcademicYear.current().starts_on,
            starts_at=time(10, 0),
            ends_at=time(12, 30),
            venue="Campus",
        ),
    )
    register_add(actor=system_actor("test"), session=session, learners=[world.learner_alpha])
    attendance_mark(
        actor=system_actor("test"), session=session, marks={world.learner_alpha.pk: "attended"}
    )
    talk = Activity.objects.create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Student finance talk",
        sub_type=ActivitySubType.objects.get(name="Student finance talk", partnership=None),
    )
    session_create(
        actor=system_actor("test"),
        activity=talk,
        details=SessionDetails(
            date=timezone.localdate() + timedelta(days=7),
            starts_at=time(10, 0),
            ends_at=time(11, 0),
            venue="Hall",
        ),
    )
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = reverse("activities:progress", kwargs={"programme_id": programme.pk})
    page = officer.get(url, {"status": "behind"}).content.decode()
    assert world.learner_alpha.last_name in page
    assert "Year 10: no IAG yet, 0 of 6 hours" in page  # campus visits are not in the stage
    assert world.learner_gamma.last_name not in page  # held by a stranger: counted, not named
    assert "1 more held by members whose learners you cannot see by name" in page
    assert "Student finance talk</a> (Information, advice and guidance)" in page
    assert "Not yet: 2.5 hours, 1 activity, 1 year" in page
    # Who is falling behind per partner: each learner counted under the partner holding them.
    partners = page[
        page.index(">By partner (the organisation") : page.index(
            "</table>", page.index(">By partner (the organisation")
        )
    ]
    for partner in (world.alpha, world.gamma):
        row = f"<tr><td>{escape(partner.name)}</td><td>1</td><td>0</td><td>0</td><td>0</td>"
        assert row in partners, partners
    assert escape(world.beta.name) not in partners  # holds no enrolled learner
