"""The payroll file of a pay period: one row per line of an approved timesheet, in documented
columns, every cell safe to open in a spreadsheet; each export recorded on the period (who and
when), audited and in the access log; a period exported again gives what was approved since."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from tests.partners.factories import make_partner, make_role, make_shift, signed_in_partner
from widen.accounts.models import Role as StaffRole
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core import request_context
from widen.partners.models import (
    Partner,
    PayPeriod,
    Role,
    ShiftAssignment,
    Timesheet,
    TimesheetLine,
)
from widen.partners.services.timesheets import (
    pay_period_create,
    timesheet_approve,
    timesheet_confirm,
    timesheet_line_add,
    timesheets_draft,
)
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

HEADER = [
    "Provider UKPRN",
    "Provider",
    "Pay period start",
    "Pay period end",
    "Pay date",
    "Student number",
    "Family name",
    "Given name",
    "Date of birth",
    "Role",
    "Date worked",
    "Description",
    "Hours",
    "Hourly rate",
    "Gross pay",
    "Timesheet reference",
    "Approved by",
    "Approved on",
]


def coordinator(world: World) -> Any:
    return world.users[StaffRole.OUTREACH_OFFICER]


@pytest.fixture
def period(world: World) -> PayPeriod:
    return pay_period_create(
        actor=coordinator(world),
        organisation=world.alpha,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        pay_date=date(2026, 12, 18),
    )


def work_and_confirm(
    world: World, partner: Partner, period: PayPeriod, capture: Any, shifts: list[Any]
) -> Timesheet:
    with request_context.bind(source="test"):
        for shift, minutes in shifts:
            ShiftAssignment.objects.create(
                shift=shift, partner=partner, status="worked", worked_minutes=minutes
            )
    with capture(execute=True):
        timesheets_draft(actor=coordinator(world), pay_period=period)
    signed_in_partner(partner, capture)
    partner.student.refresh_from_db()
    return Timesheet.objects.get(partner=partner, pay_period=period)


def rows_of(response: StreamingHttpResponse) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(content, newline="")))


def export(client: Client, period: PayPeriod) -> Any:
    return client.post(f"/partners/pay-periods/{period.pk}/payroll/")


def test_the_payroll_file_has_one_row_per_approved_line_in_documented_columns(
    world: World,
    period: PayPeriod,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    role = make_role(world.alpha, coordinator(world), hourly_rate_pence=1400)
    aisha = make_partner(
        world.alpha,
        "P100",
        first_name="Aisha",
        last_name="Khan",
        date_of_birth=date(2005, 5, 1),
        roles=(role,),
    )
    ben = make_partner(world.alpha, "P200", first_name="Ben", last_name="Adams", roles=(role,))
    timesheet = work_and_confirm(
        world,
        aisha,
        period,
        django_capture_on_commit_callbacks,
        [(make_shift(role, date(2026, 11, 3), title="Campus tour"), 150)],
    )
    timesheet_line_add(
        actor=aisha.student.user,
        timesheet=timesheet,
        role=role,
        worked_on=date(2026, 11, 4),
        description="Preparing the route",
        minutes=45,
        note="Asked by the outreach team",
    )
    timesheet_confirm(actor=aisha.student.user, timesheet=timesheet)
    timesheet_approve(actor=coordinator(world), timesheet=timesheet)
    # Ben's timesheet is drafted, not approved: not in the file.
    work_and_confirm(
        world,
        ben,
        period,
        django_capture_on_commit_callbacks,
        [(make_shift(role, date(2026, 11, 5), title="Open day"), None)],
    )
    timesheet.refresh_from_db()
    approver = coordinator(world)
    approved_by = approver.get_full_name() or approver.username
    approved_on = timesheet.approved_at.astimezone().date().isoformat()  # type: ignore[union-attr]

    response = export(client_for(coordinator(world)), period)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    common = ["10000001", "Alpha University", "2026-11-01", "2026-11-30", "2026-12-18"]
    student = ["P100", "Khan", "Aisha", "2005-05-01"]
    assert rows_of(response) == [
        HEADER,
        [
            *common,
            *student,
            "Student ambassador",
            "2026-11-03",
            "Campus tour",
            "2.50",
            "14.00",
            "35.00",
            str(timesheet.pk),
            approved_by,
            approved_on,
        ],
        [
            *common,
            *student,
            "Student ambassador",
            "2026-11-04",
            "Student ambassador: Preparing the route",
            "0.75",
            "14.00",
            "10.50",
            str(timesheet.pk),
            approved_by,
            approved_on,
        ],
    ]


def test_the_role_column_is_the_role_recorded_on_each_line(
    world: World,
    period: PayPeriod,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    role = make_role(world.alpha, coordinator(world), title="Student ambassador")
    partner = make_partner(world.alpha, "P150", roles=(role,))
    timesheet = work_and_confirm(
        world,
        partner,
        period,
        django_capture_on_commit_callbacks,
        [(make_shift(role, date(2026, 11, 3), title="Campus tour"), 60)],
    )
    for day, what in ((4, "Preparing the route"), (5, "Writing the script")):
        timesheet_line_add(
            actor=partner.student.user,
            timesheet=timesheet,
            role=role,
            worked_on=date(2026, 11, day),
            description=what,
            minutes=30,
            note="Asked by the outreach team",
        )
    # The role is renamed after the work: the lines still name it, whatever their description.
    Role.objects.filter(pk=role.pk).update(title="Campus guide")
    # A line kept from before roles were recorded on lines still shows the role it names.
    TimesheetLine.objects.filter(description__endswith="Writing the script").update(role=None)
    timesheet_confirm(actor=partner.student.user, timesheet=timesheet)
    timesheet_approve(actor=coordinator(world), timesheet=timesheet)

    (header, *rows) = rows_of(export(client_for(coordinator(world)), period))

    shown = [
        (cells["Date worked"], cells["Role"], cells["Description"])
        for cells in (dict(zip(header, row, strict=True)) for row in rows)
    ]
    assert shown == [
        ("2026-11-03", "Campus guide", "Campus tour"),
        ("2026-11-04", "Campus guide", "Student ambassador: Preparing the route"),
        ("2026-11-05", "Student ambassador", "Student ambassador: Writing the script"),
    ]


def test_cells_that_a_spreadsheet_would_run_as_formulae_are_neutralised(
    world: World,
    period: PayPeriod,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    role = make_role(world.alpha, coordinator(world), title="=cmd|' /C calc'!A0")
    partner = make_partner(
        world.alpha, "P300", first_name="@SUM(A1)", last_name="+Jones", roles=(role,)
    )
    timesheet = work_and_confirm(
        world,
        partner,
        period,
        django_capture_on_commit_callbacks,
        [(make_shift(role, date(2026, 11, 3), title='-2+3+cmd|"/C calc"!A0'), 60)],
    )
    timesheet_confirm(actor=partner.student.user, timesheet=timesheet)
    timesheet_approve(actor=coordinator(world), timesheet=timesheet)

    (header, row) = rows_of(export(client_for(coordinator(world)), period))

    cells = dict(zip(header, row, strict=True))
    assert cells["Family name"] == "'+Jones"
    assert cells["Given name"] == "'@SUM(A1)"
    assert cells["Role"] == "'=cmd|' /C calc'!A0"
    assert cells["Description"] == '\'-2+3+cmd|"/C calc"!A0'
    assert cells["Hours"] == "1.00"


def test_each_export_is_recorded_and_a_later_one_adds_what_was_approved_since(
    world: World,
    period: PayPeriod,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    role = make_role(world.alpha, coordinator(world))
    first = make_partner(world.alpha, "P400", last_name="Early", roles=(role,))
    second = make_partner(world.alpha, "P500", last_name="Later", roles=(role,))
    one = work_and_confirm(
        world,
        first,
        period,
        django_capture_on_commit_callbacks,
        [(make_shift(role, date(2026, 11, 3)), 60)],
    )
    two = work_and_confirm(
        world,
        second,
        period,
        django_capture_on_commit_callbacks,
        [(make_shift(role, date(2026, 11, 4), title="Open day"), 90)],
    )
    timesheet_confirm(actor=first.student.user, timesheet=one)
    timesheet_approve(actor=coordinator(world), timesheet=one)
    client = client_for(coordinator(world))
    page = client.get(f"/partners/pay-periods/{period.pk}/").content.decode()
    assert "Not exported yet." in page

    first_file = rows_of(export(client, period))

    period.refresh_from_db()
    assert period.payroll_exported_by == coordinator(world)
    assert period.payroll_exported_at is not None
    exported_at = period.payroll_exported_at
    assert [row[6] for row in first_file[1:]] == ["Early"]
    assert AuditEvent.objects.filter(
        object_type="partners.payperiod", object_id=str(period.pk), action="update"
    ).exists()
    logged = AccessLogEntry.objects.filter(subject_type="partners.timesheet")
    assert {entry.subject_id for entry in logged} == {str(one.pk)}
    page = client.get(f"/partners/pay-periods/{period.pk}/").content.decode()
    assert "Last exported on" in page

    timesheet_confirm(actor=second.student.user, timesheet=two)
    timesheet_approve(actor=coordinator(world), timesheet=two)
    second_file = rows_of(export(client, period))

    assert second_file[:2] == first_file[:2]
    assert [row[6] for row in second_file[1:]] == ["Early", "Later"]
    period.refresh_from_db()
    assert period.payroll_exported_at is not None
    assert period.payroll_exported_at >= exported_at


def test_another_providers_coordinator_gets_no_payroll_file(
    world: World, period: PayPeriod, client_for: Any
) -> None:
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    client = client_for(beta_coordinator)

    assert export(client, period).status_code == 404
    assert client.get(f"/partners/pay-periods/{period.pk}/").status_code == 404
    assert (
        client_for(coordinator(world))
        .get(f"/partners/pay-periods/{period.pk}/payroll/")
        .status_code
        == 405
    )  # a download that records an export is asked for with a button
    period.refresh_from_db()
    assert period.payroll_exported_at is None
