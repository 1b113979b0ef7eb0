"""Only the organisation holding a learner changes their records (SECURITY 4, issue 14 §1.3).

Seeing a learner under a data-sharing agreement never allows changing them: enrolling them in a
programme, recording their leaving, re-joining, booking them onto an event in a group, editing
them, adding a parent or carer or a consent. Every write path (pages and API) is tried by every
relation to one learner, Alpha's record of a pupil at the school: Alpha's own officer; Beta's
officer under the agreement, with and without special category data; Alpha's evaluator; the
school's staff (who see Alpha's record under the agreement); and an officer of a stranger
partnership. A refusal answers as the path answers a learner that does not exist, and changes
nothing about the learner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import serializers
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.events.conftest import make_event
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.events.models import Booking, Event
from widen.learners.models import ConsentRecord, Learner, ParentCarer
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataSharingAgreement
from widen.programmes.models import Enrolment, Programme
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.testing.world import World, make_user, year_group_birthday

pytestmark = pytest.mark.django_db

RELATIONS = ("own", "partner", "partner_no_special", "evaluator", "school_staff", "stranger")


@dataclass
class Setting:
    world: World
    actor: User
    token: str
    programme: Programme
    event: Event
    learner: Learner

    def page(self) -> Client:
        return signed_in_client(self.actor)

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return api_call(self.token, method, f"/api/v1{path}", body or {})

    def enrol_now(self) -> Enrolment:
        return Enrolment.objects.create(
            programme=self.programme,
            learner=self.learner,
            organisation=self.learner.organisation,
            joined_on=timezone.localdate() - timedelta(days=30),
        )

    def enrol_and_leave(self) -> None:
        Enrolment.objects.filter(pk=self.enrol_now().pk).update(
            left_on=timezone.localdate() - timedelta(days=10), leaving_reason="Moved away"
        )


def _actor(world: World, relation: str) -> tuple[User, str]:
    if relation == "own":
        role = Role.OUTREACH_OFFICER
    elif relation == "evaluator":
        role = Role.EVALUATOR
    elif relation == "school_staff":
        role = Role.SCHOOL_STAFF
    else:
        organisation = world.gamma if relation == "stranger" else world.beta
        user = make_user(f"officer.{relation}", organisation, Role.OUTREACH_OFFICER)
        return user, api_token_create(user=user, name="test")[1]
    return world.users[role], world.tokens[role]


@pytest.fixture(params=RELATIONS)
def setting(request: Any, world: World) -> tuple[str, Setting]:
    relation = request.param
    if relation == "partner_no_special":
        DataSharingAgreement.objects.filter(pk=world.agreement.pk).update(
            shares_special_category=False, special_category_condition=""
        )
    actor, token = _actor(world, relation)
    rule_set = rule_set_create(
        actor=system_actor("test"),
        partnership=world.north,
        name="Free school meals",
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
    )
    eligibility_compute(rule_set)
    programme = Programme.objects.create(partnership=world.north, name="LPP", rule_set=rule_set)
    programme.stages.create(year_group=10, target_hours=6)
    event = make_event(world, capacity=None).event  # Alpha's, in North
    return relation, Setting(world, actor, token, programme, event, world.learner_alpha)


def snapshot(learner: Learner) -> str:
    """Everything recorded about the learner that these paths could change."""
    rows = [
        *Learner.objects.filter(pk=learner.pk),
        *ParentCarer.objects.filter(learner=learner).order_by("pk"),
        *ConsentRecord.objects.filter(learner=learner).order_by("pk"),
        *Enrolment.objects.filter(learner=learner).order_by("pk"),
        *Booking.objects.filter(learner=learner).order_by("pk"),
    ]
    return hashlib.sha256(serializers.serialize("json", rows).encode()).hexdigest()


def _enrolments_url(s: Setting) -> str:
    return f"/programmes/{s.programme.pk}/enrolments"


def page_enrol(s: Setting) -> Any:
    url = reverse("programmes:enrolment_change", kwargs={"programme_id": s.programme.pk})
    return s.page().post(url, {"action": "enrol", "learner": str(s.learner.pk)})


def page_leave(s: Setting) -> Any:
    url = reverse("programmes:enrolment_change", kwargs={"programme_id": s.programme.pk})
    return s.page().post(
        url, {"action": "leave", "learner": str(s.learner.pk), "reason": "Moved school"}
    )


def page_rejoin(s: Setting) -> Any:
    return page_enrol(s)


def page_enrol_eligible(s: Setting) -> Any:
    return s.page().post(reverse("programmes:enrol", kwargs={"programme_id": s.programme.pk}))


def api_enrol(s: Setting) -> Any:
    return s.api("POST", _enrolments_url(s), {"learner_ids": [str(s.learner.pk)]})


def api_enrol_eligible(s: Setting) -> Any:
    return s.api("POST", _enrolments_url(s), {"from_rule_set": True})


def api_leave(s: Setting) -> Any:
    return s.api("POST", f"{_enrolments_url(s)}/{s.learner.pk}/leave", {"reason": "Moved"})


def api_rejoin(s: Setting) -> Any:
    return api_enrol(s)


def group_booking(s: Setting) -> Any:
    return s.page().post(
        reverse("events:group_booking", kwargs={"event_id": s.event.pk}),
        {"source": "school", "school": str(s.world.school.pk), "contact_email": "me@example.org"},
    )


def learner_edit(s: Setting) -> Any:
    return s.page().post(
        reverse("learners:edit", kwargs={"learner_id": s.learner.pk}),
        {
            "first_name": "Edited",
            "last_name": "Person",
            "date_of_birth": year_group_birthday(10).isoformat(),
            "school": str(s.world.school.pk),
        },
    )


def api_learner_update(s: Setting) -> Any:
    return s.api("PATCH", f"/learners/{s.learner.pk}", {"preferred_name": "Edited"})


def parent_carer_add(s: Setting) -> Any:
    return s.page().post(
        reverse("learners:parent_carer_add", kwargs={"learner_id": s.learner.pk}),
        {"name": "Pat Parent", "relationship": "mother"},
    )


def consent_add(s: Setting) -> Any:
    return s.page().post(
        reverse("learners:consent_add", kwargs={"learner_id": s.learner.pk}),
        {
            "lawful_basis": "public_task",
            "given_by": "not_applicable",
            "recorded_on": "2025-09-01",
            "privacy_notice_version": "v9",
        },
    )


# The status each path answers when it changes the learner (own), and when it refuses a partner
# officer (whose organisation may use the programme or event, so the answer is the path's answer
# to a learner that does not exist); everyone else gets 404 (see REFUSED_OTHERS).
PATHS: dict[str, tuple[Callable[[Setting], Any], int, int]] = {
    "page enrol": (page_enrol, 302, 302),
    "page leave": (page_leave, 302, 302),
    "page re-join": (page_rejoin, 302, 302),
    "page enrol the eligible": (page_enrol_eligible, 302, 302),
    "API enrol": (api_enrol, 201, 422),
    "API enrol the eligible": (api_enrol_eligible, 201, 201),
    "API leave": (api_leave, 200, 404),
    "API re-join": (api_rejoin, 201, 422),
    "page group booking": (group_booking, 302, 302),
    "page edit": (learner_edit, 302, 404),
    "API edit": (api_learner_update, 200, 404),
    "page parent or carer": (parent_carer_add, 302, 404),
    "page consent": (consent_add, 302, 404),
}
# What is there before: on the programme now (to leave), or left (to re-join).
SETUPS: dict[str, Callable[[Setting], Any]] = {
    "page leave": Setting.enrol_now,
    "API leave": Setting.enrol_now,
    "page re-join": Setting.enrol_and_leave,
    "API re-join": Setting.enrol_and_leave,
}
# Evaluators, school staff and strangers: the programme, event or learner is not theirs to
# change at all. Group booking: the evaluator and the school's staff may not run Alpha's event.
REFUSED_OTHERS: dict[tuple[str, str], int] = {}


@pytest.mark.parametrize("path", PATHS)
def test_only_the_holding_organisation_changes_a_learner(
    setting: tuple[str, Setting], path: str
) -> None:
    relation, s = setting
    write, allowed, refused_partner = PATHS[path]
    sees = learner_policy.visible_to(s.actor).filter(pk=s.learner.pk).exists()
    assert sees == (relation != "stranger")  # every relation but a stranger sees the learner
    if path in SETUPS:
        SETUPS[path](s)
    before = snapshot(s.learner)
    response = write(s)
    after = snapshot(s.learner)
    where = f"{path} by {relation}"
    if relation == "own":
        assert response.status_code == allowed, where
        assert after != before, f"{where}: nothing changed"
        return
    expected = (
        refused_partner
        if relation.startswith("partner")
        else REFUSED_OTHERS.get((path, relation), 404)
    )
    assert response.status_code == expected, where
    assert after == before, f"{where}: the learner's records changed"
    if response.status_code == 404:
        assert s.learner.last_name not in response.content.decode(), where


def test_the_enrolments_page_offers_changes_only_for_learners_the_organisation_holds(
    world: World,
) -> None:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    for learner in (world.learner_alpha, world.learner_beta):
        Enrolment.objects.create(
            programme=programme,
            learner=learner,
            organisation=learner.organisation,
            joined_on=timezone.localdate(),
        )
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get(
        reverse("programmes:enrolments", kwargs={"programme_id": programme.pk})
    ).content.decode()
    assert "Record that Amara Alphason left" in page
    assert "Bea Betterton" in page  # seen by name under the agreement
    assert "Record that Bea Betterton left" not in page
    assert "Only Beta University changes this" in page
