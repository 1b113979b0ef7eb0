"""A student who asked not to be contacted about being care experienced or estranged is sent
nothing about it: no invitation to a scheme for care-experienced students, no award offer, no
held or paid instalment of such an award. What is theirs stays on their own pages, and news of
schemes about anything else still reaches them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.awards import (
    DAYS,
    accepted,
    account_of,
    adviser,
    care_scheme,
    interrupt,
    make_award_scheme,
    members,
    offered,
    paid_run,
    student,
)
from tests.support.schemes import FIRST_IN_FAMILY, SYSTEM, make_scheme
from widen.core import request_context
from widen.notifications.models import Notification
from widen.students.models import Student
from widen.support.instalments import instalments_fall_due
from widen.support.models import InstalmentStatus, SchemeMembership, SupportRecord
from widen.support.services.memberships import memberships_invite
from widen.support.services.schemes import scheme_eligibility_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def asked_not_to_be_contacted(world: World, who: Student) -> None:
    SupportRecord.objects.create(organisation=world.alpha, student=who, do_not_contact=True)


def invite_all(world: World, scheme: Any, capture: Any) -> None:
    with capture(execute=True), request_context.bind(source="test"):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
        memberships_invite(scheme, actor=adviser(world))


def test_invitations_about_care_are_not_sent_but_other_schemes_news_is(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    quiet = student(world, "Q1", "Quinn", care_experienced=True, first_in_family=True)
    told = student(world, "T1", "Tara", care_experienced=True, first_in_family=True)
    account_of(quiet), account_of(told)
    asked_not_to_be_contacted(world, quiet)

    invite_all(world, care_scheme(world), django_capture_on_commit_callbacks)
    # Both are invited: the invitation waits on Quinn's own page, but nobody tells Quinn.
    assert SchemeMembership.objects.filter(student__in=[quiet, told]).count() == 2
    assert list(Notification.objects.values_list("user_id", flat=True)) == [told.user_id]

    invite_all(
        world,
        make_scheme(world, FIRST_IN_FAMILY, name="First in family"),
        django_capture_on_commit_callbacks,
    )
    assert Notification.objects.filter(user_id=quiet.user_id).count() == 1


def test_an_award_for_care_is_neither_offered_nor_held_nor_paid_by_message(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    quiet = student(world, "Q1", "Quinn", care_experienced=True)
    account_of(quiet)
    asked_not_to_be_contacted(world, quiet)
    members(world, scheme, quiet)

    award = offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)[
        "quinn"
    ]
    accepted(award)
    with django_capture_on_commit_callbacks(execute=True), request_context.bind(source="test"):
        instalments_fall_due(day=DAYS[0])
    interrupt(quiet, DAYS[0] + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True), request_context.bind(source="test"):
        instalments_fall_due(day=DAYS[1])
    paid_run(world, django_capture_on_commit_callbacks)

    statuses = list(award.instalments.order_by("number").values_list("status", flat=True))
    assert statuses[:2] == [InstalmentStatus.PAID, InstalmentStatus.HELD]
    assert not Notification.objects.filter(user_id=quiet.user_id).exists()
