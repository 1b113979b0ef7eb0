"""A flexibility plan the student owns: they set when they can work (weekly windows, one-off
changes), the most hours a week, the ways of working and what helps; their coordinator reads it,
never the reasons unless the student shares them; nobody else sees it at all."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import make_partner, signed_in_partner
from widen.accounts.models import Role as StaffRole
from widen.audit.models import AccessLogEntry
from widen.core.exceptions import ApplicationError, NotFound
from widen.partners.models import Partner, PlanChange, PlanPattern, WorkMode
from widen.partners.services.plans import Window, plan_change_add, plan_update
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

TODAY = date(2026, 11, 4)  # a Wednesday
REASONS = "I take my mum to dialysis on Monday mornings."
HELPS = "No early starts on Mondays"


@pytest.fixture(autouse=True)
def wednesday() -> Any:
    with freeze_time("2026-11-04 09:00:00"):
        yield


def coordinator(world: World) -> Any:
    return world.users[StaffRole.OUTREACH_OFFICER]


def student_of(partner: Partner, capture: Any) -> tuple[Client, Any]:
    client = signed_in_partner(partner, capture)
    partner.student.refresh_from_db()
    return client, partner.student.user


def week_without_monday_mornings() -> dict[str, str]:
    """The plan form as a student fills it: Monday afternoons only, two windows on Wednesday,
    at most 12.5 hours, online or hybrid."""
    rows = [
        ("0", "13:00", "18:00"),
        ("2", "09:00", "12:00"),
        ("2", "14:00", "17:00"),
        ("", "", ""),
    ]
    data = {
        "windows-TOTAL_FORMS": str(len(rows)),
        "windows-INITIAL_FORMS": "0",
        "max_weekly_hours": "12.5",
        "modes": [WorkMode.ONLINE, WorkMode.HYBRID],
        "what_helps": HELPS,
        "reasons": REASONS,
    }
    for number, (weekday, starts_at, ends_at) in enumerate(rows):
        data[f"windows-{number}-weekday"] = weekday
        data[f"windows-{number}-starts_at"] = starts_at
        data[f"windows-{number}-ends_at"] = ends_at
    return data  # type: ignore[return-value]


def windows_of(partner: Partner) -> list[tuple[int, time, time]]:
    return [
        (pattern.weekday, pattern.starts_at, pattern.ends_at)
        for pattern in PlanPattern.objects.filter(plan__partner=partner)
    ]


def test_a_student_without_monday_mornings_saves_their_plan(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P1", first_name="Amara")
    client, _ = student_of(partner, django_capture_on_commit_callbacks)

    page = client.get(reverse("partners:my_plan_edit", args=[partner.pk]))
    assert page.status_code == 200
    assert 'name="windows-TOTAL_FORMS"' in page.content.decode()

    response = client.post(
        reverse("partners:my_plan_edit", args=[partner.pk]), week_without_monday_mornings()
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("partners:my_plan")
    assert windows_of(partner) == [
        (0, time(13), time(18)),
        (2, time(9), time(12)),
        (2, time(14), time(17)),
    ]
    partner.plan.refresh_from_db()
    assert partner.plan.max_weekly_minutes == 750
    assert partner.plan.modes == [WorkMode.ONLINE, WorkMode.HYBRID]
    assert partner.plan.what_helps == HELPS
    assert partner.plan.reasons == REASONS
    assert partner.plan.share_reasons is False
    mine = client.get(reverse("partners:my_plan")).content.decode()
    assert "13:00–18:00" in mine
    assert "09:00–12:00, 14:00–17:00" in mine
    assert "12.5 hours" in mine
    assert REASONS in mine  # the reasons are the student's own


def test_more_rows_are_had_by_posting_and_keep_what_was_typed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P2")
    client, _ = student_of(partner, django_capture_on_commit_callbacks)
    data = week_without_monday_mornings()
    data["add_rows"] = "1"

    response = client.post(reverse("partners:my_plan_edit", args=[partner.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="windows-TOTAL_FORMS" value="6"' in page  # three typed, three empty
    assert 'value="13:00"' in page
    assert "There is a problem" not in page
    assert len(windows_of(partner)) == 7  # nothing saved yet: the factory's every day


def test_a_window_ending_before_it_starts_is_refused_with_a_clear_error(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P3")
    client, _ = student_of(partner, django_capture_on_commit_callbacks)
    data = week_without_monday_mornings()
    data["windows-0-ends_at"] = "12:00"

    response = client.post(reverse("partners:my_plan_edit", args=[partner.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Row 1: The time you finish must be after the time you start" in page
    assert len(windows_of(partner)) == 7


def test_overlapping_windows_on_a_day_are_refused(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P4")
    client, user = student_of(partner, django_capture_on_commit_callbacks)
    data = week_without_monday_mornings()
    data["windows-2-starts_at"] = "11:00"

    response = client.post(reverse("partners:my_plan_edit", args=[partner.pk]), data)

    assert "Wednesday: 09:00–12:00 and 11:00–17:00 overlap" in response.content.decode()
    with pytest.raises(ApplicationError, match="Choose at least one way of working"):
        plan_update(
            actor=user,
            partner=partner,
            windows=[Window(0, time(13), time(18))],
            max_weekly_hours=None,
            modes=[],
            what_helps="",
            reasons="",
            share_reasons=False,
        )
    with pytest.raises(ApplicationError, match="more than 0"):
        plan_update(
            actor=user,
            partner=partner,
            windows=[],
            max_weekly_hours=Decimal(0),
            modes=[WorkMode.ONLINE],
            what_helps="",
            reasons="",
            share_reasons=False,
        )
    assert len(windows_of(partner)) == 7


def test_the_coordinator_sees_what_helps_but_never_the_reasons_unless_shared(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P5", first_name="Amara", last_name="Osei")
    client, _ = student_of(partner, django_capture_on_commit_callbacks)
    client.post(reverse("partners:my_plan_edit", args=[partner.pk]), week_without_monday_mornings())
    staff = signed_in_client(coordinator(world))
    url = reverse("partners:partner_plan", args=[partner.pk])

    page = staff.get(url).content.decode()

    assert HELPS in page
    assert "13:00–18:00" in page
    assert "12.5 hours" in page
    assert "Online, Hybrid" in page
    assert REASONS not in page
    assert "Their reasons are private to them" in page
    logged = AccessLogEntry.objects.filter(subject_id=str(partner.plan.pk))
    assert [(entry.actor_id, entry.purpose) for entry in logged] == [
        (coordinator(world).pk, "Partner's flexibility plan")
    ]

    shared = week_without_monday_mornings()
    shared["share_reasons"] = "on"
    client.post(reverse("partners:my_plan_edit", args=[partner.pk]), shared)
    page = staff.get(url).content.decode()

    assert REASONS in page
    assert AccessLogEntry.objects.filter(
        subject_id=str(partner.plan.pk), purpose="Partner's flexibility plan (reasons shared)"
    ).exists()


def test_only_the_student_changes_their_plan_not_their_coordinator(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P6")
    staff = signed_in_client(coordinator(world))

    assert staff.get(reverse("partners:my_plan")).status_code == 404
    response = staff.post(
        reverse("partners:my_plan_edit", args=[partner.pk]), week_without_monday_mornings()
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        plan_update(
            actor=coordinator(world),
            partner=partner,
            windows=[],
            max_weekly_hours=None,
            modes=[WorkMode.ONLINE],
            what_helps="",
            reasons="",
            share_reasons=False,
        )
    assert len(windows_of(partner)) == 7


def test_another_student_and_another_providers_coordinator_get_404(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P7")
    other = make_partner(world.alpha, "P8")
    other_client, _ = student_of(other, django_capture_on_commit_callbacks)
    own_client, _ = student_of(partner, django_capture_on_commit_callbacks)
    change = plan_change_add(actor=partner.student.user, partner=partner, on=date(2026, 11, 9))

    for url in (
        reverse("partners:my_plan_edit", args=[partner.pk]),
        reverse("partners:my_plan_change_add", args=[partner.pk]),
        reverse("partners:partner_plan", args=[partner.pk]),
    ):
        assert other_client.get(url).status_code == 404, url
    assert (
        other_client.post(reverse("partners:my_plan_change_remove", args=[change.pk])).status_code
        == 404
    )
    assert PlanChange.objects.filter(pk=change.pk).exists()
    # The student's own plan is theirs at "My plan", not on the coordinators' page.
    assert own_client.get(reverse("partners:partner_plan", args=[partner.pk])).status_code == 404
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    beta = signed_in_client(beta_coordinator)
    assert beta.get(reverse("partners:partner_plan", args=[partner.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(subject_id=str(partner.plan.pk)).exists()


def test_one_off_changes_for_a_day_off_or_a_window_and_never_in_the_past(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P9")
    client, _ = student_of(partner, django_capture_on_commit_callbacks)
    url = reverse("partners:my_plan_change_add", args=[partner.pk])

    day_off = client.post(url, {"on": "2026-11-09"})
    window = client.post(url, {"on": "2026-11-10", "starts_at": "10:00", "ends_at": "12:00"})
    past = client.post(url, {"on": "2026-11-03"})
    backwards = client.post(url, {"on": "2026-11-11", "starts_at": "12:00", "ends_at": "10:00"})
    half = client.post(url, {"on": "2026-11-12", "starts_at": "12:00"})
    overlapping = client.post(url, {"on": "2026-11-10", "starts_at": "11:00", "ends_at": "13:00"})

    assert day_off.status_code == 302
    assert window.status_code == 302
    assert "The date has passed" in past.content.decode()
    assert "The time you finish must be after the time you start" in backwards.content.decode()
    assert "Give both the time you start and the time you finish" in half.content.decode()
    assert "This overlaps 10:00–12:00" in overlapping.content.decode()
    assert [
        (change.date, change.starts_at, change.ends_at)
        for change in PlanChange.objects.filter(plan__partner=partner)
    ] == [(date(2026, 11, 9), None, None), (date(2026, 11, 10), time(10), time(12))]
    page = client.get(reverse("partners:my_plan")).content.decode()
    assert "Not available on 9 November 2026" in page
    assert "10 November 2026 10:00–12:00" in page

    removed = PlanChange.objects.get(plan__partner=partner, date=date(2026, 11, 9))
    client.post(reverse("partners:my_plan_change_remove", args=[removed.pk]))
    assert not PlanChange.objects.filter(pk=removed.pk).exists()


def test_a_saved_change_asks_for_open_shifts_to_be_offered_again(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = make_partner(world.alpha, "P10")
    _, user = student_of(partner, django_capture_on_commit_callbacks)
    offered_to: list[Partner] = []
    from widen.partners.services import plans  # noqa: PLC0415

    # What is offered is tested in tests/partners/test_reoffering.py; here, when it is asked.
    monkeypatch.setattr(plans, "offer_open_shifts_to_partner", offered_to.append)

    with django_capture_on_commit_callbacks(execute=True):
        plan_update(
            actor=user,
            partner=partner,
            windows=[Window(0, time(13), time(18))],
            max_weekly_hours=Decimal(10),
            modes=[WorkMode.ON_SITE],
            what_helps="",
            reasons="",
            share_reasons=False,
        )
    with django_capture_on_commit_callbacks(execute=True):
        plan_change_add(actor=user, partner=partner, on=date(2026, 11, 16))
    with django_capture_on_commit_callbacks(execute=True) as unchanged:
        changed = plan_update(
            actor=user,
            partner=partner,
            windows=[Window(0, time(13), time(18))],
            max_weekly_hours=Decimal(10),
            modes=[WorkMode.ON_SITE],
            what_helps="",
            reasons="",
            share_reasons=False,
        )

    assert [item.pk for item in offered_to] == [partner.pk, partner.pk]
    assert changed is False
    assert unchanged == []


def test_a_new_partner_without_a_plan_sets_one_and_is_told_until_then(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "P11")
    partner.plan.delete()
    partner = Partner.objects.get(pk=partner.pk)
    client, _ = student_of(partner, django_capture_on_commit_callbacks)

    before = client.get(reverse("partners:my_plan")).content.decode()
    response = client.post(
        reverse("partners:my_plan_edit", args=[partner.pk]), week_without_monday_mornings()
    )

    assert "You have not set your plan yet" in before
    assert response.status_code == 302
    assert windows_of(partner) == [
        (0, time(13), time(18)),
        (2, time(9), time(12)),
        (2, time(14), time(17)),
    ]
    assert Partner.objects.get(pk=partner.pk).plan.what_helps == HELPS
