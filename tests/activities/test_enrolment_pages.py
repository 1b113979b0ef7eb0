"""The enrolments page: an officer enrols one learner by hand, records that they left (with the
reason), and enrols them again; every period is kept and shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import signed_in_client
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.learners.models import Learner
from widen.programmes.models import ActivityType, Enrolment, Programme
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _programme(world: World) -> Programme:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    stage = programme.stages.create(year_group=10, target_hours=Decimal("6"))
    stage.required_types.set([ActivityType.objects.get(key="iag")])
    return programme


def _enrol_directly(programme: Programme, learner: Learner) -> Enrolment:
    """`learner` enrolled by the organisation that holds them the day `programme` was made."""
    return Enrolment.objects.create(
        programme=programme,
        learner=learner,
        organisation=learner.organisation,
        joined_on=programme.created_at.date(),
    )


def test_an_officer_enrols_by_hand_records_leaving_and_rejoining(world: World) -> None:
    programme = _programme(world)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page_url = reverse("programmes:enrolments", kwargs={"programme_id": programme.pk})
    change_url = reverse("programmes:enrolment_change", kwargs={"programme_id": programme.pk})
    learner = world.learner_alpha

    found = officer.get(page_url, {"q": "Alphason"}).content.decode()
    assert f"Enrol {escape(learner.display_name)}" in found
    stranger = officer.get(page_url, {"q": "Gammage"}).content.decode()
    assert f"Enrol {escape(world.learner_gamma.display_name)}" not in stranger
    assert "No learner your organisation holds matches" in stranger
    # Beta's learner is seen by name under the agreement, but only Beta enrols them.
    partners = officer.get(page_url, {"q": "Betterton"}).content.decode()
    assert f"Enrol {escape(world.learner_beta.display_name)}" not in partners

    officer.post(change_url, {"action": "enrol", "learner": str(learner.pk)})
    current = Enrolment.objects.get(programme=programme, learner=learner)
    assert current.left_on is None
    page = officer.get(page_url, {"q": "Alphason"}).content.decode()
    assert "On the programme" in page
    assert f"Enrol {escape(learner.display_name)}" not in page  # on it now: not offered again

    # Leaving needs a reason; without one nothing changes and the person is told why.
    refused = officer.post(change_url, {"action": "leave", "learner": str(learner.pk)}, follow=True)
    assert "Say why the learner is leaving." in refused.content.decode()
    current.refresh_from_db()
    assert current.left_on is None

    officer.post(
        change_url, {"action": "leave", "learner": str(learner.pk), "reason": "Moved to Leeds"}
    )
    current.refresh_from_db()
    assert current.left_on is not None
    assert current.leaving_reason == "Moved to Leeds"
    assert AuditEvent.objects.filter(object_id=str(current.pk), action="update").exists()

    officer.post(change_url, {"action": "enrol", "learner": str(learner.pk)})
    periods = Enrolment.objects.filter(programme=programme, learner=learner).order_by("created_at")
    assert [period.left_on is None for period in periods] == [False, True]
    page = officer.get(page_url).content.decode()
    assert "2 enrolments" in page
    assert "Moved to Leeds" in page
    assert f"Re-join {escape(learner.display_name)}" not in page  # on it again: no re-join offer


def test_nobody_enrols_or_removes_a_learner_their_organisation_does_not_hold(
    world: World,
) -> None:
    programme = _programme(world)
    _enrol_directly(programme, world.learner_beta)
    change_url = reverse("programmes:enrolment_change", kwargs={"programme_id": programme.pk})
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    stranger = officer.post(
        change_url, {"action": "enrol", "learner": str(world.learner_gamma.pk)}, follow=True
    )
    assert "There is no such learner your organisation holds." in stranger.content.decode()
    assert not Enrolment.objects.filter(learner=world.learner_gamma).exists()
    for bad in ("not-a-uuid", "", str(programme.pk)):
        officer.post(change_url, {"action": "enrol", "learner": bad})
    assert Enrolment.objects.filter(programme=programme).count() == 1
    # School staff see the programme's enrolments but may not change them.
    school_staff = signed_in_client(world.users[Role.SCHOOL_STAFF])
    response = school_staff.post(
        change_url,
        {"action": "leave", "learner": str(world.learner_beta.pk), "reason": "No"},
    )
    assert response.status_code == 404
    assert Enrolment.objects.get(learner=world.learner_beta).left_on is None
    page = school_staff.get(
        reverse("programmes:enrolments", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert 'name="action"' not in page


def test_an_evaluator_sees_how_many_are_enrolled_but_no_names(world: World) -> None:
    programme = _programme(world)
    _enrol_directly(programme, world.learner_alpha)
    evaluator = signed_in_client(world.users[Role.EVALUATOR])
    page = evaluator.get(
        reverse("programmes:enrolments", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert world.learner_alpha.last_name not in page
    assert "1 more learner on the programme held by members" in page
