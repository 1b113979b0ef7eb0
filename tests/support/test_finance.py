"""The awards' money as finance reads it: committed, paid, forecast by month and held, by award
scheme and academic year, with awards and instalments in every state; reconciliation of what was
marked paid against the payment runs; the forecast's CSV safe in a spreadsheet; and nobody
outside the provider sees any of it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.students.records import make_student
from tests.support.finance_world import (
    INSTALMENT,
    AwardsWorld,
    awards_world,
    make_award,
    make_award_scheme,
    paid_run,
)
from tests.support.schemes import SYSTEM
from tests.test_export_safety import PAYLOADS, spreadsheet_would_run
from widen.accounts.models import Role
from widen.core import request_context
from widen.core.spreadsheets import csv_download
from widen.payments.services import payee_bank_details_set
from widen.support.models import AwardStatus, Instalment, InstalmentStatus
from widen.support.selectors.finance import (
    finance_reconciliation,
    finance_summary,
    forecast_rows,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(world: World) -> AwardsWorld:
    return awards_world(world)


def test_committed_paid_forecast_and_held_count_each_award_by_its_state(
    world: World, made: AwardsWorld
) -> None:
    finance = finance_summary(actor=world.users[Role.STUDENT_SUPPORT_ADVISER])

    [year] = finance.years
    assert year.academic_year == "2026/27"
    [money] = year.schemes
    assert money.award_scheme == made.award_scheme
    # Ann's November instalment was paid; Dan's stopped award still owes what is in the ledger.
    assert money.paid_pence == INSTALMENT
    # Ann's and Ben's February and May, and Dan's November (due, waiting for a run); never the
    # offer Cat has not answered, Eve's declined award nor Dan's cancelled instalments.
    assert money.forecast_pence == 5 * INSTALMENT
    assert money.held_pence == INSTALMENT  # Ben's November, held
    assert money.committed_pence == 7 * INSTALMENT
    assert money.offered_pence == 3 * INSTALMENT
    assert finance.committed_pence == 7 * INSTALMENT


def test_the_forecast_is_by_the_month_instalments_fall_due(world: World, made: AwardsWorld) -> None:
    finance = finance_summary(actor=world.users[Role.STUDENT_SUPPORT_ADVISER])

    by_month = {
        month.month: (month.amount_pence, month.lines[0].instalments) for month in finance.months
    }
    assert by_month == {
        date(2026, 11, 1): (INSTALMENT, 1),
        date(2027, 2, 1): (2 * INSTALMENT, 2),
        date(2027, 5, 1): (2 * INSTALMENT, 2),
    }
    assert sum(month.amount_pence for month in finance.months) == finance.forecast_pence


def test_each_academic_year_has_its_own_figures(world: World, made: AwardsWorld) -> None:
    with request_context.bind(source="test", actor=None):
        later = make_award_scheme(world.alpha, made.scheme, academic_year="2027/28")
        student = make_student(world.alpha, "AW9", "Zed", "Later")
        make_award(later, student, AwardStatus.ACCEPTED, [InstalmentStatus.SCHEDULED])

    finance = finance_summary(actor=world.users[Role.STUDENT_SUPPORT_ADVISER])

    assert [(y.academic_year, y.committed_pence) for y in finance.years] == [
        ("2027/28", INSTALMENT),
        ("2026/27", 7 * INSTALMENT),
    ]
    only = finance_summary(actor=world.users[Role.STUDENT_SUPPORT_ADVISER], academic_year="2027/28")
    assert only.committed_pence == INSTALMENT


def test_reconciliation_agrees_when_a_paid_run_s_instalments_are_marked_paid(
    world: World, made: AwardsWorld
) -> None:
    found = finance_reconciliation(actor=world.users[Role.STUDENT_SUPPORT_ADVISER])

    [check] = found.runs
    assert check.run == made.paid_run
    assert (check.instalments, check.run_pence, check.marked_paid_pence) == (
        1,
        INSTALMENT,
        INSTALMENT,
    )
    assert check.agrees
    # Dan gave no bank details: his due instalment waits in no run, to chase.
    assert [i.award for i in found.due_in_no_run] == [made.awards["dan"]]
    assert found.paid_in_no_paid_run == []
    assert found.agrees


def test_reconciliation_flags_a_paid_run_whose_instalment_is_not_marked_paid(
    world: World, made: AwardsWorld
) -> None:
    with request_context.bind(source="test", actor=None):
        student = make_student(world.alpha, "AW7", "Fay", "Unmarked")
        fay = make_award(made.award_scheme, student, AwardStatus.ACCEPTED, [InstalmentStatus.DUE])
        payee = fay.instalments.get().ledger_entry.payee  # type: ignore[union-attr]
        payee_bank_details_set(
            actor=SYSTEM,
            payee=payee,
            account_name="Fay Unmarked",
            sort_code="20-00-00",
            account_number="55779911",
        )
        second = paid_run(world.alpha)
        # Whatever marked it paid, Fay's instalment is still recorded as due.
        Instalment.objects.filter(award=fay).update(status=InstalmentStatus.DUE, paid_on=None)

    found = finance_reconciliation(actor=world.users[Role.STUDENT_SUPPORT_ADVISER])

    check = next(c for c in found.runs if c.run == second)
    assert not check.agrees
    assert [i.award for i in check.not_marked_paid] == [fay]
    assert (check.run_pence, check.marked_paid_pence) == (INSTALMENT, 0)
    assert not found.agrees


def test_reconciliation_flags_an_instalment_marked_paid_in_no_paid_run(
    world: World, made: AwardsWorld
) -> None:
    Instalment.objects.filter(award=made.awards["dan"], number=1).update(
        status=InstalmentStatus.PAID, paid_on=date(2026, 11, 20)
    )

    found = finance_reconciliation(actor=world.users[Role.STUDENT_SUPPORT_ADVISER])

    assert [i.award for i in found.paid_in_no_paid_run] == [made.awards["dan"]]
    assert found.due_in_no_run == []
    assert found.problems == 1


def test_a_partner_provider_s_adviser_sees_none_of_the_money(
    world: World, made: AwardsWorld
) -> None:
    beta_adviser = make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)
    outreach = world.users[Role.OUTREACH_OFFICER]  # manages schemes, not awards

    for someone in (beta_adviser, outreach):
        assert finance_summary(actor=someone).years == []
        found = finance_reconciliation(actor=someone)
        assert (found.runs, found.due_in_no_run) == ([], [])


def test_the_forecast_file_keeps_every_payload_from_running_in_a_spreadsheet(
    world: World, made: AwardsWorld
) -> None:
    # PostgreSQL keeps no NUL in text, so a name with one can never be stored to export.
    stored = [payload for payload in PAYLOADS if "\0" not in payload]
    with request_context.bind(source="test", actor=None):
        for n, payload in enumerate(stored):
            named = make_award_scheme(world.alpha, made.scheme, name=f"{payload} {n}")
            student = make_student(world.alpha, f"PL{n}", "Pay", "Load")
            make_award(named, student, AwardStatus.ACCEPTED, [InstalmentStatus.SCHEDULED])

    data = csv_download(forecast_rows(finance_summary(actor=world.users[Role.ORGANISATION_ADMIN])))

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Month", "Award scheme"]
    names = {row[1] for row in rows[1:]}
    for n, payload in enumerate(stored):
        assert "'" + f"{payload} {n}" in names
    assert not any(spreadsheet_would_run(cell) for row in rows for cell in row)
    assert [
        "November 2026",
        "Care leavers' award",
        "2026/27",
        world.alpha.name,
        "1",
        "300.00",
    ] in rows
