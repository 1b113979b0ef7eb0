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
  insert of the same ledger entries; then the jobs it queued to tell the students held, run
  as a worker runs them (a case of their own); then the run again, which adds none.

Checked (a failure, not a timing): each scheme's eligible count is the bare query's, and what
is stored says the same; the second eligibility run writes nothing; exactly the students
enrolled on the day have their instalment in the ledger (the rest held); the second instalment
run adds no entry and queues no job; the instalment run's SQL statements do not grow with the
instalments, and it tells nobody itself (it queues a job for each thousand students held, whose
statements are counted apart, in the case's details); and its jobs tell each student held once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.db import connection

from benchmarks.harness import SectionRun
from benchmarks.seeding import unaudited
from benchmarks.support_instalments import counted, instalment_run
from benchmarks.world import build_partnership, make_user
from widen.accounts.models import Role, User
from widen.core import request_context
from widen.organisations.models import Organisation, SpecialCategoryCondition
from widen.payments.models import LedgerEntry
from widen.students.models import IncomeBand, Student, StudentStatus
from widen.support.models import Award, Instalment, Scheme, StudentEligibility
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
        instalment_run(bench, rng, world.alpha, advisers[world.alpha.pk], awards)
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


def _eligibility(
    bench: SectionRun, university: Organisation, adviser: User, mix: Mix, students: int
) -> None:
    schemes = _schemes(university, adviser)

    def work_out() -> list[Any]:
        with request_context.bind(actor=adviser):
            return [scheme_eligibility_compute(scheme, actor=adviser) for scheme in schemes]

    bare = bench.time(lambda: _bare_flags(university), repeats=3, warmup=1)
    expected = _bare_flags(university)
    seconds, queries, runs = counted(work_out)
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
    seconds, queries, again = counted(work_out)
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
