"""Student support at a provider's scale: who is eligible for its schemes, and an instalment run.

* `eligibility`: five schemes of different rules (yes-or-no facts, a household income band, a
  level and a mode of study, a negated fact, special category data with its purpose and
  condition) worked out with `scheme_eligibility_compute` for 50,000 students (5,000 with
  --quick) at each of two universities whose students differ: Alpha's intake is mostly first in
  family and on low incomes, Beta's mostly not, with far more left undeclared. Beside it, the
  bare SQL query computing the same flags (one `SELECT ... CASE WHEN` per scheme). Then the same
  schemes worked out again with nothing changed, which writes nothing. The benchmark world loads
  no area data, so the schemes read students' facts only (no home-area measure).
* `instalments`: 20,000 accepted awards (2,000 with --quick) whose first instalment's day has
  come, through `instalments_fall_due`, for students enrolled, interrupted or withdrawn on the
  day (some interrupted only after it, by their status history), beside the bare unaudited
  insert of the same ledger entries; then the run again, which adds none.

Checked (a failure, not a timing): each scheme's eligible count is the bare query's, and what
is stored says the same; the second eligibility run writes nothing; exactly the students
enrolled on the day have their instalment in the ledger (the rest held); the second instalment
run adds no entry; and the instalment run's SQL statements do not grow with the instalments.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.measure import per_second
from benchmarks.seeding import unaudited
from benchmarks.world import build_partnership, make_user
from widen.accounts.models import Role, User
from widen.audit.models import AuditEvent, StateChange
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.organisations.models import Organisation, SpecialCategoryCondition
from widen.payments.models import EntryKind, LedgerEntry, Payee
from widen.students.models import IncomeBand, Student, StudentStatus, StudentStatusChange
from widen.support.instalments import SOURCE_TYPE, instalments_fall_due
from widen.support.models import (
    Award,
    AwardStatus,
    Instalment,
    InstalmentStatus,
    Scheme,
    StudentEligibility,
)
from widen.support.services.awards import award_scheme_create
from widen.support.services.schemes import scheme_create, scheme_eligibility_compute

STUDENTS, QUICK_STUDENTS = 50_000, 5_000
AWARDS, QUICK_AWARDS = 20_000, 2_000
BATCH = 5_000
FACTS = ("first_in_family", "free_school_meals", "care_experienced", "estranged",
         "young_adult_carer", "disabled")  # fmt: skip
BANDS = (IncomeBand.UP_TO_25000, IncomeBand.UP_TO_42875, IncomeBand.ABOVE_42875,
         IncomeBand.NOT_ASSESSED, "")  # fmt: skip
LEVELS = ("undergraduate", "postgraduate", "foundation", "degree_apprenticeship")
MODES = ("full_time", "part_time", "sandwich")
# The most statements an instalment run may send, whatever its size (batches of rows aside:
# they grow by the thousand, not one by one).
FIXED_STATEMENTS = 60
MOST_STATEMENTS_PER_THOUSAND = 8
# Telling a person something: whether they want it, the message, its e-mail queued.
NOTICE_TABLES = ("notifications_", "django_tasks")


@dataclass(frozen=True)
class Mix:
    """A university's intake: the share saying yes to each fact, the share who declared
    nothing about it, and the shares of each income band, level and mode."""

    name: str
    yes: dict[str, float]
    undeclared: float
    bands: tuple[float, ...]
    levels: tuple[float, ...]
    modes: tuple[float, ...]


MIXES = (
    Mix(
        "mostly first in family, low incomes",
        {
            "first_in_family": 0.55,
            "free_school_meals": 0.35,
            "care_experienced": 0.04,
            "estranged": 0.03,
            "young_adult_carer": 0.08,
            "disabled": 0.16,
        },  # fmt: skip
        undeclared=0.08,
        bands=(0.50, 0.22, 0.10, 0.08, 0.10),
        levels=(0.70, 0.10, 0.12, 0.08),
        modes=(0.75, 0.20, 0.05),
    ),
    Mix(
        "mostly neither, much undeclared",
        {
            "first_in_family": 0.18,
            "free_school_meals": 0.07,
            "care_experienced": 0.006,
            "estranged": 0.004,
            "young_adult_carer": 0.02,
            "disabled": 0.09,
        },  # fmt: skip
        undeclared=0.35,
        bands=(0.12, 0.20, 0.45, 0.08, 0.15),
        levels=(0.55, 0.35, 0.02, 0.08),
        modes=(0.90, 0.04, 0.06),
    ),
)

# Each scheme: its name, whether it reads special category data, and its groups of conditions
# (any group; every condition in it): (criterion, values for a choice or None, negated).
Condition = tuple[str, tuple[str, ...] | None, bool]
SCHEMES: tuple[tuple[str, bool, tuple[tuple[Condition, ...], ...]], ...] = (
    ("Care-experienced and estranged students", True,
     ((("care_experienced", None, False),), (("estranged", None, False),))),
    ("First in family", False,
     ((("first_in_family", None, False),),
      (("household_income_band", (IncomeBand.UP_TO_25000,), False),))),
    ("Free meals and a low income", False,
     ((("free_school_meals", None, False),
       ("household_income_band", (IncomeBand.UP_TO_25000,), False)),)),
    ("Disabled undergraduates", True,
     ((("disabled", None, False), ("level", ("undergraduate",), False)),)),
    ("Carers and part-time first generation", False,
     ((("young_adult_carer", None, False),),
      (("first_in_family", None, False), ("mode", ("part_time",), False),
       ("estranged", None, True)))),
)  # fmt: skip


def run(bench: SectionRun) -> None:
    quick = bench.options.quick
    students = QUICK_STUDENTS if quick else STUDENTS
    awards = QUICK_AWARDS if quick else AWARDS
    bench.unit = "students"
    bench.scale = students
    bench.baseline_heading = "bare query ms"
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
        advisers = {
            university.pk: make_user(
                f"adviser{number}.bench", university, Role.STUDENT_SUPPORT_ADVISER
            )
            for number, university in enumerate((world.alpha, world.beta))
        }
    rng = random.Random(18)
    with request_context.bind(source="cli"):
        for university, mix in zip((world.alpha, world.beta), MIXES, strict=True):
            with bench.stopwatch(f"seed {students:,} students: {mix.name}"):
                _seed_students(rng, university, mix, students)
            bench.say(f"eligibility of {students:,} students ({mix.name})")
            _eligibility(bench, university, advisers[university.pk], mix, students)
        bench.say(f"instalment run of {awards:,} awards")
        _instalments(bench, rng, world.alpha, advisers[world.alpha.pk], awards)
    bench.count_rows(
        students=Student,
        eligibility=StudentEligibility,
        awards=Award,
        instalments=Instalment,
        entries=LedgerEntry,
    )


# --- Eligibility ---------------------------------------------------------------------------


def _draw(rng: random.Random, choices: tuple[str, ...], shares: tuple[float, ...]) -> str:
    return rng.choices(choices, weights=shares)[0]


def _seed_students(rng: random.Random, university: Organisation, mix: Mix, count: int) -> None:
    prefix = university.name[0]
    rows: list[Student] = []
    for index in range(count):
        facts: dict[str, bool | None] = {}
        for fact in FACTS:
            facts[fact] = None if rng.random() < mix.undeclared else rng.random() < mix.yes[fact]
        rows.append(
            Student(
                organisation=university,
                student_number=f"{prefix}{index:07d}",
                first_name="Student",
                last_name=f"{prefix}{index:07d}",
                status=StudentStatus.ENROLLED,
                level=_draw(rng, LEVELS, mix.levels),
                mode=_draw(rng, MODES, mix.modes),
                household_income_band=_draw(rng, BANDS, mix.bands),
                **facts,
            )
        )
    unaudited(Student).bulk_create(rows, batch_size=BATCH)


def _definition(groups: tuple[tuple[Condition, ...], ...]) -> dict[str, Any]:
    def condition(criterion: str, values: tuple[str, ...] | None, negate: bool) -> dict[str, Any]:
        shaped: dict[str, Any] = {"criterion": criterion}
        if values is not None:
            shaped["values"] = [str(value) for value in values]
        if negate:
            shaped["negate"] = True
        return shaped

    return {"any": [{"all": [condition(*each) for each in group]} for group in groups]}


def _sql(groups: tuple[tuple[Condition, ...], ...]) -> tuple[str, list[Any]]:
    """The same rule as SQL: an unknown (null or blank) never meets a condition, nor its
    negation."""
    parts: list[str] = []
    params: list[Any] = []
    for group in groups:
        conditions: list[str] = []
        for criterion, values, negate in group:
            if values is None:
                conditions.append(f"{criterion} = %s")
                params.append(not negate)
            else:
                conditions.append(f"{criterion} IN ({', '.join(['%s'] * len(values))})")
                params.extend(str(value) for value in values)
        parts.append("(" + " AND ".join(conditions) + ")")
    return " OR ".join(parts), params


def _bare_flags(university: Organisation) -> dict[str, int]:
    """Each scheme's flags for every current student of `university`, by plain SQL: how many
    are eligible."""
    table = Student._meta.db_table
    key = Organisation._meta.pk.get_db_prep_value(university.pk, connection)
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name, _, groups in SCHEMES:
            rule, params = _sql(groups)
            cursor.execute(
                f"SELECT id, CASE WHEN {rule} THEN 1 ELSE 0 END FROM {table} "  # noqa: S608
                "WHERE organisation_id = %s AND anonymised_at IS NULL",
                [*params, key],
            )
            counts[name] = sum(flag for _, flag in cursor.fetchall())
    return counts


def _schemes(university: Organisation, adviser: User) -> list[Scheme]:
    with request_context.bind(actor=adviser):
        return [
            scheme_create(
                actor=adviser,
                organisation=university,
                name=name,
                definition=_definition(groups),
                purpose="Support for students who had the hardest start." if special else "",
                special_category_condition=(
                    SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY
                    if special
                    else ""
                ),
            )
            for name, special, groups in SCHEMES
        ]


def _counted(call: Callable[[], Any]) -> tuple[float, int, Any]:
    """Seconds, SQL statements sent and the answer of one run of `call`."""
    seconds, statements, answer = _counted_apart(call)
    return seconds, sum(statements.values()), answer


def _counted_apart(call: Callable[[], Any]) -> tuple[float, dict[str, int], Any]:
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


def _eligibility(
    bench: SectionRun, university: Organisation, adviser: User, mix: Mix, students: int
) -> None:
    schemes = _schemes(university, adviser)

    def work_out() -> list[Any]:
        with request_context.bind(actor=adviser):
            return [scheme_eligibility_compute(scheme, actor=adviser) for scheme in schemes]

    bare = bench.time(lambda: _bare_flags(university), repeats=3, warmup=1)
    expected = _bare_flags(university)
    seconds, queries, runs = _counted(work_out)
    found = {run.scheme.name: run.eligible for run in runs}
    bench.record_rows(
        f"{len(schemes)} schemes worked out: {mix.name}",
        students,
        seconds,
        queries=queries,
        baseline=bare,
        baseline_label=f"bare SQL flags of {len(schemes)} schemes",
        details={"eligible": found, "written": sum(run.written for run in runs)},
    )
    for scheme in schemes:
        stored = StudentEligibility.objects.filter(scheme=scheme, eligible=True).count()
        if found[scheme.name] != expected[scheme.name] or stored != expected[scheme.name]:
            bench.failures.append(
                f"{scheme.name} ({mix.name}): {found[scheme.name]:,} eligible worked out, "
                f"{stored:,} stored, the bare query finds {expected[scheme.name]:,}"
            )
    seconds, queries, again = _counted(work_out)
    written = sum(run.written + run.removed for run in again)
    bench.record_rows(
        f"again, nothing changed: {mix.name}",
        students,
        seconds,
        queries=queries,
        baseline=bare,
        baseline_label=f"bare SQL flags of {len(schemes)} schemes",
        details={"written": written},
    )
    if written:
        bench.failures.append(f"working out {mix.name} again wrote {written:,} results")


# --- Instalments ---------------------------------------------------------------------------


def _most_statements(instalments: int) -> int:
    """The most statements an instalment run of `instalments` may send: a fixed few, a few per
    thousand, and the batches of ledger, audit and history rows (SQLite makes them small: a
    statement holds at most 999 values there)."""
    row_batches = sum(
        math.ceil(
            instalments
            / connection.ops.bulk_batch_size(
                list(model._meta.concrete_fields), [None] * instalments
            )
        )
        for model in (LedgerEntry, AuditEvent, StateChange)
    )
    return FIXED_STATEMENTS + MOST_STATEMENTS_PER_THOUSAND * (instalments // 1000) + row_batches


def _instalment_days() -> tuple[str, list[date]]:
    """Last academic year and its three instalment days (all past, so any day may be run)."""
    start = AcademicYear.current().start_year - 1
    return f"{start}/{(start + 1) % 100:02d}", [
        date(start, 11, 16),
        date(start + 1, 2, 15),
        date(start + 1, 5, 17),
    ]


def _instalments(
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
    seconds, sent, result = _counted_apart(lambda: instalments_fall_due(day=day))
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
    bench.say(
        f"the instalment run told {held:,} students their instalment is held, in "
        f"{sent['notices']:,} statements, one message each"
    )
    before = ledger.count()
    seconds, queries, again = _counted(lambda: instalments_fall_due(day=day))
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
            definition=_definition(((("first_in_family", None, False),),)),
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
    now_status = {
        "enrolled": StudentStatus.ENROLLED,
        "interrupted later": StudentStatus.INTERRUPTED,
        "interrupted": StudentStatus.INTERRUPTED,
        "withdrawn": StudentStatus.WITHDRAWN,
    }
    since = {
        "enrolled": day - timedelta(days=60),
        "interrupted later": day + timedelta(days=20),
        "interrupted": day - timedelta(days=30),
        "withdrawn": day - timedelta(days=10),
    }
    students = unaudited(Student).bulk_create(
        [
            Student(
                organisation=university,
                student_number=f"H{index:07d}",
                first_name="Holder",
                last_name=f"{index:07d}",
                user=user,
                status=now_status[story],
                status_since=since[story],
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
    now = timezone.now()
    awards = unaudited(Award).bulk_create(
        [
            Award(
                award_scheme=award_scheme,
                student=student,
                amount_pence=1_000_00,
                status=AwardStatus.ACCEPTED,
                payee=payee,
                offered_at=now,
                status_changed_at=now,
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
