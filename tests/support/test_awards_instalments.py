"""Instalments on their days: each is decided by the student's status on its day (enrolled: in
the ledger; otherwise held, saying why), held ones are released when the student is enrolled
again, nothing is in the ledger before its day (so a payment run, and its file, holds exactly the
instalments due), and a run marked paid pays them and completes awards paid in full."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import default_task_backend

from tests.support.awards import (
    DAYS,
    accepted,
    care_scheme,
    interrupt,
    make_award_scheme,
    members,
    offered,
    paid_run,
    student,
)
from tests.support.schemes import CARE_EXPERIENCED, make_scheme
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.notifications.models import Notification
from widen.payments.exports import payment_run_csv
from widen.payments.models import EntryKind, LedgerEntry, PaymentRunItem
from widen.students.models import Student
from widen.support.instalments import SOURCE_TYPE, instalments_fall_due
from widen.support.models import Award, AwardStatus, Instalment, InstalmentStatus
from widen.support.tasks import instalments_held_tell_job, instalments_paid_tell_job
from widen.testing.world import World

pytestmark = pytest.mark.django_db

NOVEMBER, FEBRUARY, MAY = DAYS


def fall_due(day: date) -> Any:
    with request_context.bind(source="test"):
        return instalments_fall_due(day=day)


def statuses(award: Award) -> list[str]:
    return [i.status for i in Instalment.objects.filter(award=award).order_by("number")]


@pytest.fixture
def year(world: World, django_capture_on_commit_callbacks: Any) -> dict[str, Award]:
    """Ann and Ben accepted £1,000 in three instalments; Cat has not answered hers."""
    scheme = care_scheme(world)
    people = [student(world, f"A{n}", name) for n, name in enumerate(("Ann", "Ben", "Cat"), 1)]
    members(world, scheme, *people)
    awards = offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)
    awards["ann"] = accepted(awards["ann"])
    awards["ben"] = accepted(awards["ben"])
    return awards


def test_nothing_is_in_the_ledger_before_its_day_and_an_offer_not_accepted_pays_nothing(
    year: dict[str, Award],
) -> None:
    result = fall_due(NOVEMBER - timedelta(days=1))

    assert (result.due, result.held, result.released) == (0, 0, 0)
    assert not LedgerEntry.objects.exists()

    result = fall_due(NOVEMBER)

    assert (result.due, result.held, result.released) == (2, 0, 0)
    assert statuses(year["cat"]) == [InstalmentStatus.SCHEDULED] * 3
    first = Instalment.objects.get(award=year["ann"], number=1)
    assert first.status == InstalmentStatus.DUE
    entry = LedgerEntry.objects.get(pk=first.ledger_entry_id)
    assert entry.amount_pence == 333_34
    assert entry.kind == EntryKind.AWARD
    assert (entry.source_type, entry.source_id) == (SOURCE_TYPE, str(first.pk))
    assert entry.payee_id == year["ann"].payee_id
    assert "Care leavers' award 2025/26, instalment 1" in entry.description


def test_running_it_again_changes_nothing(year: dict[str, Award]) -> None:
    fall_due(NOVEMBER)
    again = fall_due(NOVEMBER)

    assert (again.due, again.held, again.released) == (0, 0, 0)
    assert LedgerEntry.objects.count() == 2


def queued(task: Any) -> list[Any]:
    """The jobs of `task` queued since last asked (the dummy backend keeps them, unrun)."""
    jobs = [
        job
        for job in default_task_backend.results  # type: ignore[attr-defined]
        if job.task.module_path == task.module_path
    ]
    default_task_backend.results.clear()  # type: ignore[attr-defined]
    return jobs


def run_jobs(jobs: list[Any], capture: Any) -> list[Any]:
    with capture(execute=True):
        return [job.task.call(*job.args, **job.kwargs) for job in jobs]


def test_an_interrupted_student_s_instalment_is_held_saying_why_and_released_on_return(
    year: dict[str, Award], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    fall_due(NOVEMBER)
    interrupt(year["ben"].student, date(2026, 2, 3))
    queued(instalments_held_tell_job)

    with django_capture_on_commit_callbacks(execute=True):
        result = fall_due(FEBRUARY)

    assert (result.due, result.held, result.released) == (1, 1, 0)
    held = Instalment.objects.get(award=year["ben"], number=2)
    assert held.status == InstalmentStatus.HELD
    assert held.held_reason == "Interrupted on 3 February 2026"
    assert held.ledger_entry_id is None
    # Ben is told in the background, once the run has committed.
    assert not Notification.objects.exists()
    jobs = queued(instalments_held_tell_job)
    assert run_jobs(jobs, django_capture_on_commit_callbacks) == [
        "told 1 student(s) their award instalment is held"
    ]
    told = Notification.objects.get(template="support/instalment_held")
    assert told.user_id == year["ben"].student.user_id
    assert "Interrupted on 3 February 2026" in told.body_text

    # Still interrupted: looked at again, still held, nothing entered, and not told again.
    with django_capture_on_commit_callbacks(execute=True):
        assert fall_due(FEBRUARY + timedelta(days=7)).released == 0
    assert queued(instalments_held_tell_job) == []
    assert Notification.objects.filter(template="support/instalment_held").count() == 1
    interrupt(year["ben"].student, date(2026, 4, 20), status="enrolled")
    # On a day before he returned, his status then still holds it.
    assert fall_due(date(2026, 4, 19)).released == 0

    result = fall_due(date(2026, 4, 20))

    assert (result.due, result.held, result.released) == (0, 0, 1)
    held.refresh_from_db()
    assert held.status == InstalmentStatus.DUE
    assert held.ledger_entry is not None
    assert held.ledger_entry.amount_pence == 333_33


def test_a_held_instalment_released_before_its_student_is_told_is_not_told_of(
    year: dict[str, Award], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    interrupt(year["ben"].student, date(2025, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        fall_due(NOVEMBER)
    jobs = queued(instalments_held_tell_job)
    interrupt(year["ben"].student, date(2025, 11, 20), status="enrolled")
    with django_capture_on_commit_callbacks(execute=True):
        assert fall_due(date(2025, 11, 20)).released == 1

    assert run_jobs(jobs, django_capture_on_commit_callbacks) == [
        "told 0 student(s) their award instalment is held"
    ]
    assert not Notification.objects.filter(template="support/instalment_held").exists()


def test_a_large_run_tells_the_students_held_in_several_jobs_each_once(
    year: dict[str, Award],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr("widen.support.tasks.HELD_PER_JOB", 1)
    interrupt(year["ann"].student, date(2025, 11, 1))
    interrupt(year["ben"].student, date(2025, 11, 1))
    queued(instalments_held_tell_job)

    with django_capture_on_commit_callbacks(execute=True):
        assert fall_due(MAY).held == 6

    said = run_jobs(queued(instalments_held_tell_job), django_capture_on_commit_callbacks)
    assert said == ["told 1 student(s) their award instalment is held"] * 6
    told = Notification.objects.filter(template="support/instalment_held")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        [year["ann"].student.user_id] * 3 + [year["ben"].student.user_id] * 3
    )


def test_status_on_its_day_decides_even_when_the_run_is_late(year: dict[str, Award]) -> None:
    """Ben withdrew after February's day: a run made late still pays February, and holds May."""
    interrupt(year["ben"].student, date(2026, 3, 1), status="withdrawn")

    result = fall_due(MAY)

    assert statuses(year["ben"]) == [
        InstalmentStatus.DUE,
        InstalmentStatus.DUE,
        InstalmentStatus.HELD,
    ]
    assert Instalment.objects.get(award=year["ben"], number=3).held_reason == (
        "Withdrawn on 1 March 2026"
    )
    assert (result.due, result.held) == (5, 1)


def test_a_stopped_award_pays_what_was_due_and_nothing_more(
    world: World, year: dict[str, Award]
) -> None:
    from tests.support.awards import adviser  # noqa: PLC0415
    from widen.support.services.awards import award_stop  # noqa: PLC0415

    fall_due(NOVEMBER)
    with request_context.bind(source="test"):
        award_stop(actor=adviser(world), award=year["ann"], reason="Left the course")
    fall_due(MAY)

    assert statuses(year["ann"]) == [
        InstalmentStatus.DUE,
        InstalmentStatus.CANCELLED,
        InstalmentStatus.CANCELLED,
    ]


def test_a_day_in_the_future_is_refused() -> None:
    with pytest.raises(ApplicationError):
        fall_due(timezone.localdate() + timedelta(days=1))


def test_the_payment_run_and_its_file_hold_exactly_the_instalments_due(
    world: World, year: dict[str, Award], django_capture_on_commit_callbacks: Any
) -> None:
    fall_due(NOVEMBER)
    interrupt(year["ben"].student, date(2026, 2, 3))
    fall_due(FEBRUARY)  # Ann's February due, Ben's held; May scheduled

    run = paid_run(world, django_capture_on_commit_callbacks)

    due = Instalment.objects.filter(ledger_entry__isnull=False)
    in_run = PaymentRunItem.objects.filter(run=run).values_list("entry__source_id", flat=True)
    assert sorted(in_run) == sorted(str(pk) for pk in due.values_list("pk", flat=True))
    assert due.count() == 3  # Ann: November and February; Ben: November
    rows = list(csv.DictReader(io.StringIO(payment_run_csv(run).decode("utf-8-sig"))))
    by_name = {row["Account name"]: row for row in rows}
    ann, ben = year["ann"].student, year["ben"].student
    assert set(by_name) == {ann.display_name, ben.display_name}
    assert by_name[ann.display_name]["Amount in pence"] == str(333_34 + 333_33)
    assert by_name[ann.display_name]["Entries"] == "2"
    assert by_name[ben.display_name]["Amount in pence"] == str(333_34)


def test_a_run_marked_paid_pays_its_instalments_completes_awards_and_tells_each_student(
    world: World,
    year: dict[str, Award],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    fall_due(MAY)  # every instalment of Ann's and Ben's is due
    paid_on = timezone.localdate()

    run = paid_run(world, django_capture_on_commit_callbacks)

    for name in ("ann", "ben"):
        assert statuses(year[name]) == [InstalmentStatus.PAID] * 3
        assert set(
            Instalment.objects.filter(award=year[name]).values_list("paid_on", flat=True)
        ) == {paid_on}
        assert Award.objects.get(pk=year[name].pk).status == AwardStatus.COMPLETED
    assert Award.objects.get(pk=year["cat"].pk).status == AwardStatus.OFFERED

    said = run_jobs(queued(instalments_paid_tell_job), django_capture_on_commit_callbacks)
    assert said == [
        f"told 2 student(s) their award instalments are paid by payment run {run.number}"
    ]
    told = Notification.objects.filter(template="support/instalments_paid")
    assert {n.user_id for n in told} == {year["ann"].student.user_id, year["ben"].student.user_id}
    ann_told = told.get(user_id=year["ann"].student.user_id)
    assert "£1,000.00" in ann_told.body_text
    assert f"{paid_on:%A} {paid_on.day} {paid_on:%B %Y}" in ann_told.body_text


def test_an_award_with_a_held_instalment_is_not_completed_by_a_run(
    world: World, year: dict[str, Award], django_capture_on_commit_callbacks: Any
) -> None:
    interrupt(year["ben"].student, date(2026, 5, 1))
    fall_due(MAY)

    paid_run(world, django_capture_on_commit_callbacks)

    assert Award.objects.get(pk=year["ben"].pk).status == AwardStatus.ACCEPTED
    assert statuses(year["ben"]) == [
        InstalmentStatus.PAID,
        InstalmentStatus.PAID,
        InstalmentStatus.HELD,
    ]


def test_queries_per_run_do_not_grow_with_the_number_of_awards(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The statements a run makes are the same for 2 awards and for 12."""

    def run_with(count: int, first: int) -> int:
        scheme = make_scheme(world, CARE_EXPERIENCED, special=True, name=f"Scheme {first}")
        people = [student(world, f"Q{first + n}", f"Q{first + n}") for n in range(count)]
        members(world, scheme, *people)
        award_scheme = make_award_scheme(world, scheme, name=f"Award {first}")
        for award in offered(world, award_scheme, django_capture_on_commit_callbacks).values():
            accepted(award)
        # Half of them interrupted: some held as well as some due.
        for person in people[::2]:
            interrupt(person, date(2025, 11, 1))
        Instalment.objects.exclude(award__award_scheme=award_scheme).filter(
            status__in=[InstalmentStatus.SCHEDULED, InstalmentStatus.HELD]
        ).update(status=InstalmentStatus.CANCELLED)
        with CaptureQueriesContext(connection) as queries:
            result = fall_due(NOVEMBER)
        assert result.due + result.held == count
        return len(queries)

    assert run_with(2, 100) == run_with(12, 200)


def test_the_daily_command_says_what_it_did(year: dict[str, Award]) -> None:
    out = io.StringIO()
    call_command("support", "instalments-due", "--day", NOVEMBER.isoformat(), stdout=out)
    assert out.getvalue().strip() == "2025-11-17: 2 instalments due, 0 held, 0 released."
    assert Student.objects.count() == 3
