"""The support section's instalment run: 20,000 accepted awards (2,000 with --quick) whose
first instalment's day has come, through `instalments_fall_due`, for students enrolled,
interrupted or withdrawn on the day (some interrupted only after it, by their status history),
beside the bare unaudited insert of the same ledger entries; then the jobs it queued telling the
students held, run as a worker runs them; then the run again, which adds none and queues none.
See `benchmarks.support`."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.urls import get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.measure import per_second
from benchmarks.seeding import unaudited
from widen.accounts.models import User
from widen.audit.models import AuditEvent, StateChange
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.notifications.models import Notification
from widen.organisations.models import Organisation
from widen.payments.models import EntryKind, LedgerEntry, Payee
from widen.students.models import Student, StudentStatus, StudentStatusChange
from widen.support.instalments import SOURCE_TYPE, instalments_fall_due, update_batch_size
from widen.support.models import Award, AwardStatus, Instalment, InstalmentStatus
from widen.support.services.awards import award_scheme_create
from widen.support.services.schemes import scheme_create
from widen.support.tasks import HELD_PER_JOB, instalments_held_tell_job

BATCH = 5_000
# The most statements an instalment run may send, whatever its size (batches of rows aside:
# they grow by the thousand, not one by one).
FIXED_STATEMENTS = 60
MOST_STATEMENTS_PER_THOUSAND = 8
# Telling a person something: whether they want it, the message, its e-mail queued; and the
# instalment run's own jobs queued to tell the students held.
NOTICE_TABLES = ("notifications_", "django_tasks")
HELD_TEMPLATE = "support/instalment_held"
BURSARY_HOLDERS = {"any": [{"all": [{"criterion": "first_in_family"}]}]}


def counted(call: Callable[[], Any]) -> tuple[float, int, Any]:
    """Seconds, SQL statements sent and the answer of one run of `call`."""
    seconds, statements, answer = counted_apart(call)
    return seconds, sum(statements.values()), answer


def counted_apart(call: Callable[[], Any]) -> tuple[float, dict[str, int], Any]:
    """Seconds, SQL statements sent (those telling people apart from the rest) and the answer
    of one run of `call`."""
    sent = {"work": 0, "notices": 0}

    def counting(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        notice = any(table in str(sql) for table in NOTICE_TABLES)
        sent["notices" if notice else "work"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        answer = call()
        seconds = time.perf_counter() - started
    return seconds, sent, answer


def _most_statements(instalments: int) -> int:
    """The most statements an instalment run of `instalments` may send: a fixed few, a few per
    thousand, and the batches of ledger, audit and history rows written and of instalments
    updated (SQLite makes them small: a statement holds at most 999 values there)."""
    inserted = sum(
        math.ceil(
            instalments
            / connection.ops.bulk_batch_size(
                list(model._meta.concrete_fields), [None] * instalments
            )
        )
        for model in (LedgerEntry, AuditEvent, StateChange)
    )
    # Due and held instalments are updated apart, a batch at a time, each batch in a savepoint
    # of its own (two statements): read again for its audit events, updated, and its audit
    # events written (the ledger entries' own are counted above).
    size = update_batch_size()
    audit_inserts = math.ceil(
        size / connection.ops.bulk_batch_size(list(AuditEvent._meta.concrete_fields), [None] * size)
    )
    updated = (math.ceil(instalments / size) + 1) * (4 + audit_inserts)
    return (
        FIXED_STATEMENTS + MOST_STATEMENTS_PER_THOUSAND * (instalments // 1000) + inserted + updated
    )


def _instalment_days() -> tuple[str, list[date]]:
    """Last academic year and its three instalment days (all past, so any day may be run)."""
    start = AcademicYear.current().start_year - 1
    return f"{start}/{(start + 1) % 100:02d}", [
        date(start, 11, 16),
        date(start + 1, 2, 15),
        date(start + 1, 5, 17),
    ]


def instalment_run(
    bench: SectionRun, rng: random.Random, university: Organisation, adviser: User, count: int
) -> None:
    year, days = _instalment_days()
    day = days[0]
    with bench.stopwatch(f"seed {count:,} accepted awards, students and payees"):
        enrolled_on_the_day = _seed_awards(rng, university, adviser, count, year, days)
    ledger = LedgerEntry.objects.filter(source_type=SOURCE_TYPE)

    def bare_insert() -> object:
        return unaudited(LedgerEntry).bulk_create(
            [
                LedgerEntry(
                    payee_id=payee_id,
                    amount_pence=amount,
                    kind=EntryKind.AWARD,
                    description="Bare insert",
                    source_type="bench.bare",
                    source_id=str(instalment_id),
                    recorded_by_name="Widen (benchmark)",
                )
                for instalment_id, payee_id, amount in Instalment.objects.filter(
                    due_on=day, award__student_id__in=enrolled_on_the_day
                ).values_list("pk", "award__payee_id", "amount_pence")
            ],
            batch_size=BATCH,
        )

    bare = bench.time(bare_insert, repeats=3, warmup=0)
    # Its messages link to pages: load the URLs first, as a running Widen has (a process's
    # first link imports every page and the API, which takes seconds once).
    get_resolver().url_patterns  # noqa: B018
    seconds, sent, result = counted_apart(lambda: instalments_fall_due(day=day))
    _record(
        bench,
        f"instalment run: {count:,} awards on their day",
        count,
        seconds,
        queries=sum(sent.values()),
        baseline=bare,
        baseline_label=f"unaudited insert of {len(enrolled_on_the_day):,} ledger entries",
        details={"due": result.due, "held": result.held, "notice_statements": sent["notices"]},
    )
    paid_to = set(
        Instalment.objects.filter(status=InstalmentStatus.DUE, ledger_entry__isnull=False)
        .values_list("award__student_id", flat=True)
        .distinct()
    )
    held = Instalment.objects.filter(status=InstalmentStatus.HELD).count()
    if paid_to != enrolled_on_the_day or ledger.count() != len(enrolled_on_the_day):
        bench.failures.append(
            f"the instalment run entered {ledger.count():,} instalments in the ledger for "
            f"{len(paid_to):,} students; {len(enrolled_on_the_day):,} were enrolled on the day"
        )
    if held != count - len(enrolled_on_the_day):
        bench.failures.append(f"the instalment run held {held:,} instalments")
    if sent["work"] > _most_statements(count):
        bench.failures.append(
            f"an instalment run of {count:,} awards sent {sent['work']} SQL statements (besides "
            "telling the students held): a query per instalment?"
        )
    jobs = math.ceil(held / HELD_PER_JOB)
    if sent["notices"] > jobs:
        bench.failures.append(
            f"the instalment run sent {sent['notices']} statements telling people, besides "
            f"queuing {jobs} job(s) to tell the students held: does it tell them itself?"
        )
    bench.say(
        f"the instalment run queued {jobs} job(s) telling the {held:,} students whose "
        f"instalment is held, in {sent['notices']} statement(s)"
    )
    _tell_held(bench, held)
    before = ledger.count()
    seconds, queries, again = counted(lambda: instalments_fall_due(day=day))
    _record(
        bench,
        f"instalment run again: {count:,} awards, none new",
        count,
        seconds,
        queries=queries,
        details={"due": again.due, "held": again.held, "released": again.released},
    )
    if ledger.count() != before or again.due or again.held or again.released:
        bench.failures.append(
            f"running the instalments again added {ledger.count() - before:,} ledger entries"
        )
    if _held_jobs().exists():
        bench.failures.append("running the instalments again queued jobs to tell the held")


def _held_jobs() -> Any:
    return DBTaskResult.objects.ready().filter(task_path=instalments_held_tell_job.module_path)


def _tell_held(bench: SectionRun, held: int) -> None:
    """Run the jobs the instalment run queued, as a worker would, one after another: each
    student held is told once (whether they want it, the message, its e-mail queued: three
    statements each)."""
    queued = list(_held_jobs())

    def run_jobs() -> list[str]:
        said = []
        for job in queued:
            said.append(job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"]))
            job.delete()
        return said

    seconds, sent, said = counted_apart(run_jobs)
    told = Notification.objects.filter(template=HELD_TEMPLATE)
    bench.record(
        Measurement(
            case=f"its queued jobs: telling the {held:,} students held",
            scale=bench.full_scale,
            timing=Timing((seconds * 1000,)),
            queries=sum(sent.values()),
            details={
                "jobs": len(queued),
                "told": told.count(),
                "rows_per_second": per_second(held, seconds),
                "notice_statements": sent["notices"],
            },
        )
    )
    if told.count() != held or told.values("user_id").distinct().count() != held:
        bench.failures.append(
            f"the queued jobs told {told.count():,} students of {held:,} held ({said})"
        )
    bench.say(
        f"its {len(queued)} job(s) told the {held:,} students held, in "
        f"{sum(sent.values()):,} statements ({sent['notices']:,} telling them)"
    )


def _record(
    bench: SectionRun,
    case: str,
    awards: int,
    seconds: float,
    *,
    queries: int,
    baseline: Timing | None = None,
    baseline_label: str = "",
    details: dict[str, Any],
) -> None:
    """One run over `awards` awards, shown in the section's table beside its students' cases
    (the awards per second in its details)."""
    bench.record(
        Measurement(
            case=case,
            scale=bench.full_scale,
            timing=Timing((seconds * 1000,)),
            queries=queries,
            baseline=baseline,
            baseline_label=baseline_label,
            details={"awards": awards, "rows_per_second": per_second(awards, seconds), **details},
        )
    )


def _seed_awards(
    rng: random.Random,
    university: Organisation,
    adviser: User,
    count: int,
    year: str,
    days: list[date],
) -> set[Any]:
    """`count` students with an accepted award of £1,000 in three instalments, each paid to
    their own payee: 80 % enrolled on the first day, 6 % enrolled then but interrupted since
    (by their status history), 8 % interrupted before it and 6 % withdrawn. Answers the ids of
    the students enrolled on the first day."""
    day = days[0]
    with request_context.bind(actor=adviser):
        support = scheme_create(
            actor=adviser,
            organisation=university,
            name="Bursary holders",
            definition=BURSARY_HOLDERS,
        )
        award_scheme = award_scheme_create(
            actor=adviser,
            organisation=university,
            scheme=support,
            name="Bursary",
            academic_year=year,
            instalment_days=days,
            amount_pence=1_000_00,
        )
    users = User.objects.bulk_create(
        [
            User(username=f"holder{index:06d}.bench", email=f"h{index:06d}@students.example")
            for index in range(count)
        ],
        batch_size=BATCH,
    )
    payees = Payee.objects.bulk_create(
        [
            Payee(
                organisation=university,
                user=user,
                name=f"Holder {index:06d}",
                account_name=f"Holder {index:06d}",
                sort_code=f"{rng.randint(100000, 999999)}",
                account_number=f"{rng.randint(10_000_000, 99_999_999)}",
            )
            for index, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    stories = [rng.choices(("enrolled", "interrupted later", "interrupted", "withdrawn"),
                           weights=(80, 6, 8, 6))[0] for _ in range(count)]  # fmt: skip
    # Each story's status now, and since when.
    now = {
        "enrolled": (StudentStatus.ENROLLED, day - timedelta(days=60)),
        "interrupted later": (StudentStatus.INTERRUPTED, day + timedelta(days=20)),
        "interrupted": (StudentStatus.INTERRUPTED, day - timedelta(days=30)),
        "withdrawn": (StudentStatus.WITHDRAWN, day - timedelta(days=10)),
    }
    students = unaudited(Student).bulk_create(
        [
            Student(
                organisation=university,
                student_number=f"H{index:07d}",
                first_name="Holder",
                last_name=f"{index:07d}",
                user=user,
                status=now[story][0],
                status_since=now[story][1],
                first_in_family=True,
            )
            for index, (user, story) in enumerate(zip(users, stories, strict=True))
        ],
        batch_size=BATCH,
    )
    StudentStatusChange.objects.bulk_create(
        [
            change
            for student, story in zip(students, stories, strict=True)
            if story == "interrupted later"
            for change in (
                StudentStatusChange(
                    student=student,
                    status=StudentStatus.ENROLLED,
                    previous_status=StudentStatus.OFFER_HOLDER,
                    changed_on=day - timedelta(days=60),
                    source="benchmark",
                ),
                StudentStatusChange(
                    student=student,
                    status=StudentStatus.INTERRUPTED,
                    previous_status=StudentStatus.ENROLLED,
                    changed_on=day + timedelta(days=20),
                    source="benchmark",
                ),
            )
        ],
        batch_size=BATCH,
    )
    offered_at = timezone.now()
    awards = unaudited(Award).bulk_create(
        [
            Award(
                award_scheme=award_scheme,
                student=student,
                amount_pence=1_000_00,
                status=AwardStatus.ACCEPTED,
                payee=payee,
                offered_at=offered_at,
                status_changed_at=offered_at,
            )
            for student, payee in zip(students, payees, strict=True)
        ],
        batch_size=BATCH,
    )
    unaudited(Instalment).bulk_create(
        [
            Instalment(
                award=award,
                number=number,
                due_on=due_on,
                amount_pence=amount,
                status=InstalmentStatus.SCHEDULED,
            )
            for award in awards
            for number, (due_on, amount) in enumerate(
                zip(days, (33_334, 33_333, 33_333), strict=True), start=1
            )
        ],
        batch_size=BATCH,
    )
    return {
        student.pk
        for student, story in zip(students, stories, strict=True)
        if story in {"enrolled", "interrupted later"}
    }
