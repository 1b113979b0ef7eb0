"""Hours and pay: a coordinator's pay periods; the timesheet drafted from the shifts a partner
worked; the partner confirming or correcting it with a note; the coordinator approving it (never
below the minimum wage for the student's age on the day) or querying it back; what a student
will be paid and when. A student sees their own timesheets only; a coordinator their own
provider's."""

from __future__ import annotations

import importlib
from datetime import date, time
from typing import Any

import pytest

from tests.partners.factories import make_partner, make_role, make_shift, signed_in_partner
from widen.accounts.models import Role as StaffRole
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.partners.models import (
    AssignmentStatus,
    Partner,
    PayPeriod,
    Shift,
    ShiftAssignment,
    Timesheet,
    TimesheetLine,
    TimesheetStatus,
)
from widen.partners.models import Role as PartnerRole
from widen.partners.selectors.payroll import payroll_lines
from widen.partners.services.timesheets import (
    pay_period_create,
    timesheet_approve,
    timesheet_confirm,
    timesheet_line_add,
    timesheet_line_correct,
    timesheet_query,
    timesheets_draft,
)
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
PAY_DAY = date(2026, 12, 18)


def coordinator(world: World) -> Any:
    return world.users[StaffRole.OUTREACH_OFFICER]


def november(world: World, provider: Any = None) -> PayPeriod:
    return pay_period_create(
        actor=coordinator(world),
        organisation=provider or world.alpha,
        starts_on=NOVEMBER[0],
        ends_on=NOVEMBER[1],
        pay_date=PAY_DAY,
    )


def worked(
    shift: Shift, partner: Partner, minutes: int | None = None, status: str = "worked"
) -> ShiftAssignment:
    with request_context.bind(source="test"):
        return ShiftAssignment.objects.create(
            shift=shift, partner=partner, status=status, worked_minutes=minutes
        )


def student_user(partner: Partner, capture: Any) -> Any:
    """The partner's own account, made when they first sign in by a link."""
    signed_in_partner(partner, capture)
    partner.student.refresh_from_db()
    return partner.student.user


def draft(world: World, period: PayPeriod, capture: Any) -> Any:
    with capture(execute=True):
        return timesheets_draft(actor=coordinator(world), pay_period=period)


def lines_of(partner: Partner) -> list[tuple[date, str, int, int]]:
    return [
        (line.worked_on, line.description, line.minutes, line.hourly_rate_pence)
        for line in TimesheetLine.objects.filter(timesheet__partner=partner).order_by("worked_on")
    ]


@pytest.fixture
def ambassador(world: World) -> PartnerRole:
    return make_role(world.alpha, coordinator(world), hourly_rate_pence=1400)


# --- Pay periods ---------------------------------------------------------------------------


def test_a_coordinator_sets_up_pay_periods_that_never_overlap(world: World) -> None:
    november(world)
    with pytest.raises(ApplicationError, match="overlap the pay period from 1 November 2026"):
        pay_period_create(
            actor=coordinator(world),
            organisation=world.alpha,
            starts_on=date(2026, 11, 20),
            ends_on=date(2026, 12, 19),
            pay_date=date(2027, 1, 15),
        )
    with pytest.raises(ApplicationError, match="pay date cannot be before") as refused:
        pay_period_create(
            actor=coordinator(world),
            organisation=world.alpha,
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 31),
            pay_date=date(2026, 12, 20),
        )
    assert refused.value.field == "pay_date"
    december = pay_period_create(
        actor=coordinator(world),
        organisation=world.alpha,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        pay_date=date(2027, 1, 15),
    )
    assert december.pay_date == date(2027, 1, 15)
    # Another provider's periods are its own: the same dates are fine there.
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    pay_period_create(
        actor=beta_coordinator,
        organisation=world.beta,
        starts_on=NOVEMBER[0],
        ends_on=NOVEMBER[1],
        pay_date=PAY_DAY,
    )
    assert PayPeriod.objects.count() == 3


def test_only_the_providers_coordinators_set_its_pay_periods(world: World) -> None:
    with pytest.raises(NotFound):
        pay_period_create(
            actor=coordinator(world),
            organisation=world.beta,
            starts_on=NOVEMBER[0],
            ends_on=NOVEMBER[1],
            pay_date=PAY_DAY,
        )
    with pytest.raises(NotFound):
        pay_period_create(
            actor=world.users[StaffRole.READ_ONLY],
            organisation=world.alpha,
            starts_on=NOVEMBER[0],
            ends_on=NOVEMBER[1],
            pay_date=PAY_DAY,
        )
    assert not PayPeriod.objects.exists()


# --- Drafting ------------------------------------------------------------------------------


def test_a_timesheet_is_drafted_from_the_shifts_worked_in_the_period_only(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T1", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3), title="Campus tour"), partner, minutes=150)
    worked(
        make_shift(ambassador, date(2026, 11, 30), time(18), hours=2, title="Late event"), partner
    )
    worked(make_shift(ambassador, date(2026, 11, 5), title="Booked only"), partner, status="booked")
    worked(make_shift(ambassador, date(2026, 11, 6), title="Dropped"), partner, status="dropped")
    worked(
        make_shift(ambassador, date(2026, 11, 7), title="Called off"),
        partner,
        status=AssignmentStatus.NOT_WORKED,
    )
    worked(make_shift(ambassador, date(2026, 10, 31), title="October"), partner, minutes=60)
    worked(make_shift(ambassador, date(2026, 12, 1), title="December"), partner, minutes=60)

    drafted = draft(world, period, django_capture_on_commit_callbacks)

    assert (drafted.timesheets_started, drafted.lines_added, drafted.partners_told) == (1, 2, 1)
    # The minutes recorded as worked, or the shift's length when none were recorded.
    assert lines_of(partner) == [
        (date(2026, 11, 3), "Campus tour", 150, 1400),
        (date(2026, 11, 30), "Late event", 120, 1400),
    ]
    # Each line names the role its shift was in.
    assert {line.role for line in TimesheetLine.objects.filter(timesheet__partner=partner)} == {
        ambassador
    }
    timesheet = Timesheet.objects.get(partner=partner, pay_period=period)
    assert timesheet.status == TimesheetStatus.DRAFT
    assert (timesheet.total_minutes, timesheet.total_pence) == (270, 6300)
    told = Notification.objects.get(template="partners/timesheet_drafted")
    assert told.email == partner.student.email
    assert "ready to confirm" in told.subject


def test_drafting_again_adds_new_worked_shifts_and_never_a_line_twice(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T2", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3), title="Campus tour"), partner)
    draft(world, period, django_capture_on_commit_callbacks)

    again = draft(world, period, django_capture_on_commit_callbacks)
    assert (again.timesheets_started, again.lines_added, again.partners_told) == (0, 0, 0)
    assert len(lines_of(partner)) == 1

    # A rise in the role's rate applies to shifts drafted after it, not to lines drafted before.
    PartnerRole.objects.filter(pk=ambassador.pk).update(hourly_rate_pence=1500)
    worked(make_shift(ambassador, date(2026, 11, 10), title="Open day"), partner)
    later = draft(world, period, django_capture_on_commit_callbacks)

    assert later.lines_added == 1
    assert lines_of(partner) == [
        (date(2026, 11, 3), "Campus tour", 180, 1400),
        (date(2026, 11, 10), "Open day", 180, 1500),
    ]
    timesheet = Timesheet.objects.get(partner=partner)
    assert (timesheet.total_minutes, timesheet.total_pence) == (360, 4200 + 4500)
    assert Timesheet.objects.filter(partner=partner).count() == 1


def test_an_approved_timesheet_is_never_changed_by_drafting(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T3", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3)), partner)
    draft(world, period, django_capture_on_commit_callbacks)
    timesheet = Timesheet.objects.get(partner=partner)
    user = student_user(partner, django_capture_on_commit_callbacks)
    timesheet_confirm(actor=user, timesheet=timesheet)
    timesheet_approve(actor=coordinator(world), timesheet=timesheet)
    worked(make_shift(ambassador, date(2026, 11, 12), title="After approval"), partner)

    drafted = draft(world, period, django_capture_on_commit_callbacks)

    assert (drafted.lines_added, drafted.shifts_waiting) == (0, 1)
    timesheet.refresh_from_db()
    assert timesheet.status == TimesheetStatus.APPROVED
    assert [line[1] for line in lines_of(partner)] == ["Campus tour"]


def december(world: World) -> PayPeriod:
    return pay_period_create(
        actor=coordinator(world),
        organisation=world.alpha,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
        pay_date=date(2027, 1, 22),
    )


def test_a_shift_recorded_worked_after_approval_is_paid_once_with_the_next_period(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T30", roles=(ambassador,))
    other = make_partner(world.alpha, "T31", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3), title="Campus tour"), partner)
    # Another student's November timesheet is still theirs to confirm: their late-recorded
    # shift belongs on it, not on December's.
    worked(make_shift(ambassador, date(2026, 11, 4), title="Their tour"), other)
    draft(world, period, django_capture_on_commit_callbacks)
    november_sheet = Timesheet.objects.get(partner=partner)
    user = student_user(partner, django_capture_on_commit_callbacks)
    timesheet_confirm(actor=user, timesheet=november_sheet)
    timesheet_approve(actor=coordinator(world), timesheet=november_sheet)
    late = worked(make_shift(ambassador, date(2026, 11, 12), title="After approval"), partner)
    worked(make_shift(ambassador, date(2026, 11, 13), title="Their late tour"), other)
    worked(make_shift(ambassador, date(2026, 12, 2), title="December tour"), partner)
    again = draft(world, period, django_capture_on_commit_callbacks)
    # The other student's shift goes on their November timesheet; this student's waits, and
    # they see it waiting for the next pay period (the other student's is not theirs to see).
    assert (again.lines_added, again.shifts_waiting) == (1, 1)
    client = signed_in_partner(partner, django_capture_on_commit_callbacks)
    waiting = client.get("/partners/pay/").content.decode()
    assert "Worked after you confirmed your timesheet" in waiting
    assert "After approval, 12 November 2026" in waiting
    assert "December tour" not in waiting
    assert "Their late tour" not in waiting

    drafted = draft(world, december(world), django_capture_on_commit_callbacks)

    assert (drafted.lines_added, drafted.late_added) == (2, 1)
    december_sheet = Timesheet.objects.get(partner=partner, pay_period__starts_on__month=12)
    assert [
        (line.worked_on, line.description, line.is_late) for line in december_sheet.lines.all()
    ] == [
        (date(2026, 11, 12), "After approval", True),
        (date(2026, 12, 2), "December tour", False),
    ]
    assert late.timesheet_line.timesheet == december_sheet
    assert december_sheet.total_pence == 2 * 4200
    assert not Timesheet.objects.filter(partner=other, pay_period__starts_on__month=12).exists()
    # The student is told, and sees it among what they will be paid and when.
    assert Notification.objects.filter(template="partners/timesheet_drafted", user=user).exists()
    pay = client.get("/partners/pay/").content.decode()
    assert "Worked after you confirmed your timesheet" not in pay
    assert "£84.00 on 22 January 2027, once approved" in pay
    assert "After approval, 12 November 2026: £42.00" in pay
    page = client.get(f"/partners/timesheets/{december_sheet.pk}/").content.decode()
    assert "Worked in an earlier pay period" in page

    # Drafting either period again never puts the shift on a second line.
    for drafting in (period, december_sheet.pay_period):
        assert draft(world, drafting, django_capture_on_commit_callbacks).lines_added == 0
    assert TimesheetLine.objects.filter(assignment=late).count() == 1
    november_sheet.refresh_from_db()
    assert [line.description for line in november_sheet.lines.all()] == ["Campus tour"]
    assert lines_of(other) == [
        (date(2026, 11, 4), "Their tour", 180, 1400),
        (date(2026, 11, 13), "Their late tour", 180, 1400),
    ]

    # Confirmed and approved as usual: December's payroll holds it, November's does not again.
    timesheet_confirm(actor=user, timesheet=december_sheet)
    timesheet_approve(actor=coordinator(world), timesheet=december_sheet)
    in_file = {
        drafting.starts_on.month: [line.description for line in payroll_lines(drafting)]
        for drafting in (period, december_sheet.pay_period)
    }
    assert in_file == {
        11: ["Campus tour"],
        12: ["After approval", "December tour"],
    }


def test_a_shift_recorded_after_confirming_stays_on_one_line_when_the_timesheet_is_queried(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T32", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3), title="Campus tour"), partner)
    draft(world, period, django_capture_on_commit_callbacks)
    november_sheet = Timesheet.objects.get(partner=partner)
    user = student_user(partner, django_capture_on_commit_callbacks)
    timesheet_confirm(actor=user, timesheet=november_sheet)
    late = worked(make_shift(ambassador, date(2026, 11, 20), title="Late"), partner)
    assert draft(world, december(world), django_capture_on_commit_callbacks).late_added == 1

    # November is queried back (open to the student again) and drafted again: the late shift
    # is on December's timesheet already, so November does not take it too.
    timesheet_query(actor=coordinator(world), timesheet=november_sheet, note="Check the tour")
    assert draft(world, period, django_capture_on_commit_callbacks).lines_added == 0
    assert TimesheetLine.objects.filter(assignment=late).count() == 1
    assert late.timesheet_line.timesheet.pay_period.starts_on == date(2026, 12, 1)


def test_drafting_is_for_the_providers_coordinators_only(
    world: World, ambassador: PartnerRole
) -> None:
    period = november(world)
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    with pytest.raises(NotFound):
        timesheets_draft(actor=beta_coordinator, pay_period=period)


# --- The partner: confirm, correct, add -------------------------------------------------


@pytest.fixture
def drafted(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> Timesheet:
    partner = make_partner(world.alpha, "T4", first_name="Aisha", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3), title="Campus tour"), partner)
    draft(world, period, django_capture_on_commit_callbacks)
    return Timesheet.objects.get(partner=partner)


def test_correcting_a_line_needs_a_note_and_keeps_the_totals_right(
    drafted: Timesheet, django_capture_on_commit_callbacks: Any
) -> None:
    user = student_user(drafted.partner, django_capture_on_commit_callbacks)
    line = drafted.lines.get()

    with pytest.raises(ApplicationError, match="Say what was different") as refused:
        timesheet_line_correct(actor=user, line=line, minutes=240, note="  ")
    assert refused.value.field == "note"
    line.refresh_from_db()
    assert line.minutes == 180

    timesheet_line_correct(actor=user, line=line, minutes=240, note="The tour ran an hour late.")
    line.refresh_from_db()
    drafted.refresh_from_db()
    assert (line.minutes, line.drafted_minutes, line.corrected) == (240, 180, True)
    assert line.correction_note == "The tour ran an hour late."
    assert (drafted.total_minutes, drafted.total_pence) == (240, 5600)

    # Putting the drafted time back needs no note, and clears it.
    timesheet_line_correct(actor=user, line=line, minutes=180, note="")
    line.refresh_from_db()
    assert (line.minutes, line.correction_note) == (180, "")


def test_a_partner_adds_work_not_on_a_shift_with_a_note_then_confirms(
    drafted: Timesheet, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    user = student_user(drafted.partner, django_capture_on_commit_callbacks)
    add = {
        "actor": user,
        "timesheet": drafted,
        "role": ambassador,
        "worked_on": date(2026, 11, 4),
        "description": "Preparing the tour route",
        "minutes": 45,
    }
    with pytest.raises(ApplicationError, match="Add a note"):
        timesheet_line_add(**add, note="")
    with pytest.raises(ApplicationError, match="a day in this pay period") as refused:
        timesheet_line_add(**{**add, "worked_on": date(2026, 12, 2)}, note="Asked by Jo")
    assert refused.value.field == "worked_on"
    other_role = make_role(drafted.pay_period.organisation, ambassador.coordinator, title="Other")
    with pytest.raises(ApplicationError, match="one of your roles"):
        timesheet_line_add(**{**add, "role": other_role}, note="Asked by Jo")

    line = timesheet_line_add(**add, note="Asked by Jo in the outreach team")

    assert line.description == "Student ambassador: Preparing the tour route"
    assert (line.minutes, line.hourly_rate_pence, line.assignment_id) == (45, 1400, None)
    assert line.role == ambassador
    drafted.refresh_from_db()
    assert (drafted.total_minutes, drafted.total_pence) == (225, 4200 + 1050)

    timesheet_confirm(actor=user, timesheet=drafted, note="All done")
    drafted.refresh_from_db()
    assert drafted.status == TimesheetStatus.CONFIRMED
    assert drafted.partner_note == "All done"
    assert drafted.confirmed_at is not None
    # Confirmed: waiting for the coordinator, no longer the partner's to change.
    with pytest.raises(ApplicationError, match="confirmed, waiting for approval"):
        timesheet_line_correct(actor=user, line=line, minutes=60, note="Longer")
    line.refresh_from_db()
    assert line.minutes == 45


def test_a_partner_cannot_touch_another_partners_timesheet(
    world: World,
    drafted: Timesheet,
    ambassador: PartnerRole,
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = make_partner(world.alpha, "T5", roles=(ambassador,))
    intruder = student_user(other, django_capture_on_commit_callbacks)
    with pytest.raises(NotFound):
        timesheet_line_correct(actor=intruder, line=drafted.lines.get(), minutes=1, note="x")
    with pytest.raises(NotFound):
        timesheet_confirm(actor=intruder, timesheet=drafted)
    drafted.refresh_from_db()
    assert drafted.status == TimesheetStatus.DRAFT


# --- The coordinator: approve or query ------------------------------------------------------


def confirmed(world: World, partner: Partner, period: PayPeriod, capture: Any) -> Timesheet:
    draft(world, period, capture)
    timesheet = Timesheet.objects.get(partner=partner, pay_period=period)
    return timesheet_confirm(actor=student_user(partner, capture), timesheet=timesheet)


def test_approval_refuses_a_line_below_the_minimum_wage_for_the_students_age_that_day(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    cheap = make_role(world.alpha, coordinator(world), title="Note taker", hourly_rate_pence=1100)
    # Turns 21 on 15 November 2026: £11.00 meets the 18 to 20 rate (£10.85) until then only.
    partner = make_partner(world.alpha, "T6", date_of_birth=date(2005, 11, 15), roles=(cheap,))
    period = november(world)
    worked(make_shift(cheap, date(2026, 11, 14), title="Before the birthday"), partner)
    worked(make_shift(cheap, date(2026, 11, 16), title="After the birthday"), partner)
    timesheet = confirmed(world, partner, period, django_capture_on_commit_callbacks)

    with pytest.raises(ApplicationError) as refused:
        timesheet_approve(actor=coordinator(world), timesheet=timesheet)

    assert str(refused.value.message) == (
        "After the birthday on 16 November 2026: £11.00 an hour is below the National Living "
        "Wage (21 and over), £12.71 an hour for someone aged 21 on 16 November 2026. Correct "
        "the role's rate (or query the timesheet) before approving it."
    )
    timesheet.refresh_from_db()
    assert (timesheet.status, timesheet.approved_at, timesheet.approved_by) == (
        TimesheetStatus.CONFIRMED,
        None,
        None,
    )


def test_a_coordinator_approves_a_lawful_timesheet(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T7", date_of_birth=date(2007, 1, 1), roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3)), partner)
    timesheet = confirmed(world, partner, period, django_capture_on_commit_callbacks)

    approved = timesheet_approve(actor=coordinator(world), timesheet=timesheet)

    assert approved.status == TimesheetStatus.APPROVED
    assert approved.approved_by == coordinator(world)
    assert approved.approved_at is not None
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    with pytest.raises(NotFound):  # approved once; and never another provider's
        timesheet_approve(actor=beta_coordinator, timesheet=approved)


def test_a_query_needs_a_note_tells_the_partner_and_lets_them_confirm_again(
    world: World, ambassador: PartnerRole, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "T8", roles=(ambassador,))
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3)), partner)
    timesheet = confirmed(world, partner, period, django_capture_on_commit_callbacks)

    with pytest.raises(ApplicationError, match="Say what the partner should check"):
        timesheet_query(actor=coordinator(world), timesheet=timesheet, note="")
    with django_capture_on_commit_callbacks(execute=True):
        queried = timesheet_query(
            actor=coordinator(world), timesheet=timesheet, note="Was the tour 3 hours?"
        )

    assert (queried.status, queried.query_note) == (
        TimesheetStatus.QUERIED,
        "Was the tour 3 hours?",
    )
    told = Notification.objects.get(template="partners/timesheet_queried")
    assert "Was the tour 3 hours?" in told.body_text
    again = timesheet_confirm(
        actor=student_user(partner, django_capture_on_commit_callbacks), timesheet=queried
    )
    assert again.status == TimesheetStatus.CONFIRMED


# --- The pages -----------------------------------------------------------------------------


def test_a_student_confirms_and_corrects_their_timesheet_on_its_page(
    drafted: Timesheet, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in_partner(drafted.partner, django_capture_on_commit_callbacks)
    url = f"/partners/timesheets/{drafted.pk}/"
    line = drafted.lines.get()

    page = client.get(url).content.decode()
    assert "Campus tour" in page
    assert "3 hours" in page
    assert "£42.00" in page
    assert "Confirm my timesheet" in page

    refused = client.post(f"{url}lines/{line.pk}/", {"minutes": "200", "note": ""})
    assert refused.status_code == 200
    assert "Say what was different" in refused.content.decode()
    line.refresh_from_db()
    assert line.minutes == 180

    saved = client.post(f"{url}lines/{line.pk}/", {"minutes": "200", "note": "Stayed late"})
    assert saved["Location"] == url
    confirmed = client.post(url, {"note": ""})
    assert confirmed["Location"] == url
    drafted.refresh_from_db()
    assert (drafted.status, drafted.total_minutes) == (TimesheetStatus.CONFIRMED, 200)
    page = client.get(url).content.decode()
    assert "Confirm my timesheet" not in page
    assert "Confirmed, waiting for approval" in page

    pay = client.get("/partners/pay/").content.decode()
    assert "£46.67 on 18 December 2026, once approved" in pay


def test_a_student_never_sees_another_students_timesheet(
    world: World,
    drafted: Timesheet,
    ambassador: PartnerRole,
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = make_partner(world.alpha, "T9", first_name="Ben", roles=(ambassador,))
    client = signed_in_partner(other, django_capture_on_commit_callbacks)
    line = drafted.lines.get()

    assert client.get(f"/partners/timesheets/{drafted.pk}/").status_code == 404
    assert client.post(f"/partners/timesheets/{drafted.pk}/", {}).status_code == 404
    assert (
        client.post(
            f"/partners/timesheets/{drafted.pk}/lines/{line.pk}/", {"minutes": "1", "note": "x"}
        ).status_code
        == 404
    )
    mine = client.get("/partners/timesheets/")
    assert mine.status_code == 200
    assert "You have no timesheets yet" in mine.content.decode()
    drafted.refresh_from_db()
    assert drafted.status == TimesheetStatus.DRAFT


def test_staff_have_no_timesheets_of_their_own(world: World, client_for: Any) -> None:
    client = client_for(coordinator(world))
    assert client.get("/partners/timesheets/").status_code == 404
    assert client.get("/partners/pay/").status_code == 404


def test_a_coordinator_drafts_approves_and_queries_from_the_approvals_queue(
    world: World,
    ambassador: PartnerRole,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    aisha = make_partner(world.alpha, "T10", first_name="Aisha", last_name="Khan")
    aisha.roles.set([ambassador])
    ben = make_partner(world.alpha, "T11", first_name="Ben", last_name="Adams")
    ben.roles.set([ambassador])
    period = november(world)
    worked(make_shift(ambassador, date(2026, 11, 3)), aisha)
    worked(make_shift(ambassador, date(2026, 11, 4)), ben)
    client = client_for(coordinator(world))
    url = f"/partners/pay-periods/{period.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        drafted_now = client.post(url, {"action": "draft"}, follow=True)
    assert "2 worked shifts added to timesheets; 2 partners told" in drafted_now.content.decode()
    # The coordinator reads the state in their words, not the student's.
    page = client.get(url).content.decode()
    assert page.count("Waiting for the student to confirm") == 2
    assert "Waiting for you to confirm" not in page
    for partner in (aisha, ben):
        sheet = Timesheet.objects.get(partner=partner)
        timesheet_confirm(
            actor=student_user(partner, django_capture_on_commit_callbacks), timesheet=sheet
        )
    page = client.get(url).content.decode()
    assert "2 timesheets to approve" in page
    assert page.count("Confirmed, waiting for your approval") == 2

    aisha_sheet = Timesheet.objects.get(partner=aisha)
    review = f"/partners/pay-periods/timesheets/{aisha_sheet.pk}/"
    approved = client.post(review, {"action": "approve"}, follow=True)
    assert "approved for payroll" in approved.content.decode()
    ben_sheet = Timesheet.objects.get(partner=ben)
    review_ben = f"/partners/pay-periods/timesheets/{ben_sheet.pk}/"
    no_note = client.post(review_ben, {"action": "query", "note": ""})
    assert "Say what the student should check or change." in no_note.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_ben, {"action": "query", "note": "Which school?"})
    aisha_sheet.refresh_from_db()
    ben_sheet.refresh_from_db()
    assert aisha_sheet.status == TimesheetStatus.APPROVED
    assert (ben_sheet.status, ben_sheet.query_note) == (TimesheetStatus.QUERIED, "Which school?")


def test_a_coordinator_adds_a_pay_period_and_is_told_of_an_overlap(
    world: World, client_for: Any
) -> None:
    client = client_for(coordinator(world))
    november(world)
    body = {
        "organisation": str(world.alpha.pk),
        "starts_on": "2026-11-15",
        "ends_on": "2026-12-14",
        "pay_date": "2026-12-31",
    }
    refused = client.post("/partners/pay-periods/new/", body)
    assert refused.status_code == 200
    assert "These dates overlap the pay period" in refused.content.decode()
    added = client.post(
        "/partners/pay-periods/new/",
        {**body, "starts_on": "2026-12-01", "ends_on": "2026-12-31", "pay_date": "2027-01-15"},
    )
    assert added.status_code == 302
    periods = client.get("/partners/pay-periods/").content.decode()
    assert "1 Dec to 31 Dec 2026" in periods


def test_another_providers_coordinator_gets_404_for_a_timesheet(
    world: World, drafted: Timesheet, client_for: Any
) -> None:
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    client = client_for(beta_coordinator)
    review = f"/partners/pay-periods/timesheets/{drafted.pk}/"
    assert client.get(review).status_code == 404
    assert client.post(review, {"action": "approve"}).status_code == 404
    assert client.get(f"/partners/pay-periods/{drafted.pay_period_id}/").status_code == 404
    assert "Alpha" not in client.get("/partners/pay-periods/").content.decode()


def test_lines_kept_from_before_roles_were_recorded_take_their_shift_or_named_role(
    world: World,
    drafted: Timesheet,
    ambassador: PartnerRole,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The migration that added the role to timesheet lines fills it for the lines kept."""
    from django.apps import apps  # noqa: PLC0415

    fill_roles = importlib.import_module(
        "widen.partners.migrations.0002_timesheetline_role"
    )._fill_roles
    user = student_user(drafted.partner, django_capture_on_commit_callbacks)
    added = timesheet_line_add(
        actor=user,
        timesheet=drafted,
        role=ambassador,
        worked_on=date(2026, 11, 4),
        description="Preparing the tour route",
        minutes=45,
        note="Asked by Jo",
    )
    unknown = TimesheetLine.objects.create(
        timesheet=drafted,
        worked_on=date(2026, 11, 5),
        description="Helping out",
        minutes=30,
        hourly_rate_pence=1400,
    )
    TimesheetLine.objects.filter(timesheet=drafted).update(role=None)

    fill_roles(apps, None)

    roles = dict(TimesheetLine.objects.filter(timesheet=drafted).values_list("pk", "role"))
    shift_line = drafted.lines.get(assignment__isnull=False)
    assert roles == {shift_line.pk: ambassador.pk, added.pk: ambassador.pk, unknown.pk: None}
