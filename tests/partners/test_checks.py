"""Onboarding checks: the coordinator records them on a partner's page, which says when each
expires; `widen partners check-expiry` warns the partner and their roles' coordinators once
before one expires; `checks_missing` says what a partner lacks for a piece of work."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import make_partner, make_role
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.notifications.models import Notification
from widen.partners.checks import checks_missing
from widen.partners.models import CheckKind, OnboardingCheck, Partner
from widen.partners.services.checks import check_record
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

TODAY = "2026-11-02 09:00"  # a Monday


def coordinator(world: World) -> User:
    return world.users[StaffRole.OUTREACH_OFFICER]


def partner_with(world: World, *checks: tuple[str, date | None]) -> Partner:
    role = make_role(world.alpha, coordinator(world))
    partner = make_partner(
        world.alpha, "P1", first_name="Priya", last_name="Shah", checks=(), roles=(role,)
    )
    with request_context.bind(source="test"):
        for kind, expires_on in checks:
            OnboardingCheck.objects.create(
                partner=partner, kind=kind, completed_on=date(2026, 1, 5), expires_on=expires_on
            )
    return partner


def page_of(partner: Partner) -> str:
    return reverse("partners:partner", kwargs={"partner_id": partner.pk})


@freeze_time(TODAY)
def test_a_partners_page_says_when_each_check_expires(world: World) -> None:
    partner = partner_with(
        world,
        (CheckKind.RIGHT_TO_WORK, None),
        (CheckKind.DBS, date(2026, 11, 14)),
        (CheckKind.TRAINING, date(2026, 10, 31)),
    )
    page = signed_in_client(coordinator(world)).get(page_of(partner)).content.decode()
    assert "Priya Shah" in page
    assert "Does not expire" in page
    assert "Expires in 12 days" in page
    assert "Expired on 31 October 2026" in page


@freeze_time(TODAY)
def test_the_coordinator_records_a_check(world: World) -> None:
    partner = partner_with(world)
    client = signed_in_client(coordinator(world))
    response = client.post(
        page_of(partner),
        {
            "kind": CheckKind.DBS,
            "completed_on": "2026-10-20",
            "expires_on": "2029-10-20",
            "note": "Certificate 001234567890",
        },
    )
    assert response["Location"] == page_of(partner)
    check = OnboardingCheck.objects.get(partner=partner)
    assert check.kind == CheckKind.DBS
    assert check.checked_by == coordinator(world)
    assert "Certificate 001234567890" in client.get(page_of(partner)).content.decode()
    # An expiry before completion is refused on its field, and nothing more is recorded.
    refused = client.post(
        page_of(partner),
        {"kind": CheckKind.TRAINING, "completed_on": "2026-10-20", "expires_on": "2026-10-01"},
    )
    assert "The check must expire after it was completed" in refused.content.decode()
    assert OnboardingCheck.objects.filter(partner=partner).count() == 1
    with pytest.raises(ApplicationError, match="in the future"):
        check_record(
            actor=coordinator(world),
            partner=partner,
            kind=CheckKind.TRAINING,
            completed_on=date(2026, 11, 3),
        )


@freeze_time(TODAY)
def test_a_coordinator_of_another_provider_gets_404(world: World) -> None:
    partner = partner_with(world)
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    client = signed_in_client(beta_coordinator)
    assert client.get(page_of(partner)).status_code == 404
    posted = client.post(page_of(partner), {"kind": CheckKind.DBS, "completed_on": "2026-10-20"})
    assert posted.status_code == 404
    assert "Priya" not in client.get(reverse("partners:partner_list")).content.decode()
    assert not OnboardingCheck.objects.exists()


def _warned(*users: User) -> int:
    return Notification.objects.filter(user__in=users, template="partners/check_expiring").count()


@freeze_time(TODAY)
def test_expiry_is_warned_once_to_the_partner_and_their_coordinator(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = partner_with(
        world,
        (CheckKind.RIGHT_TO_WORK, date(2026, 12, 2)),  # in 30 days: warned
        (CheckKind.DBS, date(2026, 12, 3)),  # in 31 days: not yet
    )
    student_user = make_user("priya", None, None)
    partner.student.user = student_user
    with request_context.bind(source="test"):
        partner.student.save(update_fields=["user"])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partners", "check-expiry", stdout=out)
    assert "Warned of 1 onboarding check expiring within 30 days (2 people told)." in out.getvalue()
    right_to_work = OnboardingCheck.objects.get(kind=CheckKind.RIGHT_TO_WORK)
    assert right_to_work.expiry_warned_at is not None
    assert OnboardingCheck.objects.get(kind=CheckKind.DBS).expiry_warned_at is None
    told = Notification.objects.get(user=student_user, template="partners/check_expiring")
    assert "Right to work" in told.subject
    assert "2 December 2026" in told.subject
    assert _warned(coordinator(world)) == 1
    # Run again the same day: nobody is told twice.
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partners", "check-expiry", stdout=out)
    assert "Warned of 0 onboarding checks" in out.getvalue()
    assert _warned(student_user, coordinator(world)) == 2
    # Further ahead with --days: the DBS check now.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partners", "check-expiry", "--days", "31", stdout=StringIO())
    assert _warned(student_user, coordinator(world)) == 4


@freeze_time(TODAY)
def test_a_renewed_check_is_not_warned_of(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner_with(
        world,
        (CheckKind.TRAINING, date(2026, 11, 20)),
        (CheckKind.TRAINING, date(2027, 11, 20)),  # renewed
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("partners", "check-expiry", stdout=out)
    assert "Warned of 0 onboarding checks" in out.getvalue()
    assert _warned(coordinator(world)) == 0


def test_checks_missing_names_what_a_partner_lacks_for_the_work(world: World) -> None:
    partner = partner_with(
        world,
        (CheckKind.RIGHT_TO_WORK, None),
        (CheckKind.DBS, date(2026, 11, 14)),
    )
    before = date(2026, 11, 13)
    assert checks_missing(partner, before, with_under_18s=True, needs_training=False) == []
    assert checks_missing(partner, before, with_under_18s=True, needs_training=True) == ["Training"]
    # The DBS check no longer counts on the day it expires.
    on_expiry = date(2026, 11, 14)
    assert checks_missing(partner, on_expiry, with_under_18s=True, needs_training=False) == [
        "DBS check (work with under-18s) (expired on 14 November 2026)"
    ]
    assert checks_missing(partner, on_expiry, with_under_18s=False, needs_training=False) == []
    # Nothing counts before it was completed.
    assert checks_missing(
        partner, date(2025, 12, 1), with_under_18s=False, needs_training=False
    ) == ["Right to work"]
