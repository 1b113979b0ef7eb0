"""Importing students from a provider's student record system export, at a provider's size.

Alpha University's outreach officer (who manages its students) imports SITS-style CSV exports of
2,000 and 20,000 students (500 and 2,000 with --quick) through the services the upload page and
`widen students import` use:

* `commit`: upload, check and import a file of new students (each with its audit event, its first
  status in the history and its declarations, in one transaction), beside the bare baseline of
  inserting the same student rows with `bulk_create`, unchecked and unaudited;
* `re-import preview`: checking the same file again once imported (every row matched on its
  student number and found unchanged), beside the bare baseline of fetching those students by
  number with the ORM; the re-import must change nothing (a failure of the run if it would).
"""

from __future__ import annotations

import random
from functools import partial
from itertools import count

from benchmarks.harness import Measurement, SectionRun
from benchmarks.seeding import unaudited
from benchmarks.world import SEED, build_partnership
from widen.accounts.models import User
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.students.imports.services import (
    student_import_check,
    student_import_commit,
    student_import_start,
)
from widen.students.models import Declaration, Student, StudentImport, StudentStatusChange
from widen.testing.pupil_lists import csv_bytes

SIZES = (2_000, 20_000)
QUICK_SIZES = (500, 2_000)
COMMIT_REPEATS = 3
HEADINGS = ["STU_CODE", "STU_FNM1", "STU_SURN", "STU_DOB", "STU_CAEM", "STU_HAPC", "SCE_STAC",
            "ETHNIC", "DISABLE"]  # fmt: skip
FIRST = ("Amira", "Tom", "Priya", "Leo", "Zoë", "Kwame", "Sian", "Oluwaseun", "Mei", "Jack")
LAST = ("Begum", "Okafor", "Shah", "Ward", "Brontë", "Mensah", "Jones", "Adeyemi", "Chen", "Lee")
POSTCODES = ("E6 3SQ", "E15 1AA", "M1 1AE", "B1 1AA", "LS1 4AP")
_batches = count(1)


def _export(rng: random.Random, size: int, prefix: str) -> tuple[bytes, list[str]]:
    numbers = [f"{prefix}{index:06d}" for index in range(size)]
    rows = [
        [
            number,
            rng.choice(FIRST),
            rng.choice(LAST),
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1995, 2007)}",
            f"{number.lower()}@example.ac.uk",
            rng.choice(POSTCODES),
            "C",
            rng.choice(("160", "103", "120", "179", "998")),
            rng.choice(("95", "51", "55", "00")),
        ]
        for number in numbers
    ]
    return csv_bytes([HEADINGS, *rows]), numbers


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    officer = world.users["officer"]
    sizes = QUICK_SIZES if bench.options.quick else SIZES
    bench.unit = "students"
    bench.scale = max(sizes)
    with request_context.bind(actor=officer, source="cli"):
        for size in sizes:
            bench.say(f"student list of {size:,} rows")
            _measure(bench, rng, world.alpha, officer, size)
    bench.count_rows(
        students=Student,
        status_changes=StudentStatusChange,
        declarations=Declaration,
        uploads=StudentImport,
    )


def _measure(
    bench: SectionRun, rng: random.Random, provider: Organisation, officer: User, size: int
) -> None:
    def commit() -> object:
        content, _ = _export(rng, size, f"B{next(_batches):03d}")
        upload = student_import_start(
            actor=officer, organisation=provider, file_name="export.csv", content=content
        )
        return student_import_commit(upload=upload, actor=officer)

    def bare_insert() -> object:
        prefix = f"R{next(_batches):03d}"
        rows = [
            Student(
                organisation=provider,
                student_number=f"{prefix}{index:06d}",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
            )
            for index in range(size)
        ]
        return unaudited(Student).bulk_create(rows, batch_size=1000)

    bench.compare(
        f"commit: {size:,} new students with history and declarations",
        commit,
        baseline=bare_insert,
        baseline_label=f"bulk insert of {size:,} student rows, unaudited",
        repeats=COMMIT_REPEATS,
        warmup=0,
        details={"rows": size},
    )

    content, numbers = _export(rng, size, f"A{size}")
    first = student_import_start(
        actor=officer, organisation=provider, file_name="export.csv", content=content
    )
    student_import_commit(upload=first, actor=officer)
    again = student_import_start(
        actor=officer, organisation=provider, file_name="export.csv", content=content
    )
    report = student_import_check(again, actor=officer)
    if report.changes_anything:
        bench.failures.append(
            f"re-importing a {size:,}-row student list would change "
            f"{len(report.to_add) + len(report.to_update):,} students"
        )

    def bare_fetch() -> object:
        return list(Student.objects.filter(organisation=provider, student_number__in=numbers))

    check = partial(student_import_check, again, actor=officer)
    bench.record(
        Measurement(
            case=f"re-import preview: {size:,} rows, all unchanged",
            scale=bench.full_scale,
            timing=bench.time(check),
            queries=bench.count_queries(check),
            baseline=bench.time(bare_fetch),
            baseline_label=f"ORM fetch of the {size:,} students by number",
            details={"rows": size, "unchanged": len(report.unchanged)},
        )
    )
