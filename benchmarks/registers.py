"""Importing a session's register from a spreadsheet, among many learners.

The learner list's partnership (`benchmarks/learner_list.py`): Alpha's outreach officer sees
Alpha's learners and, through the agreement, Beta's. Registers of 300 and 2,000 of those learners
are imported into sessions of an Alpha activity through the services the register page and
`widen import register` use:

* `preview`: `register_import_check` of a register naming each learner by UPN, and of one naming
  them by legal first name, last name and date of birth (matched among every learner the officer
  sees by name), beside the bare baseline of fetching those learners by UPN with the ORM;
* `commit`: upload, preview and import into a fresh session (learners added and marked attended,
  each with its audit events, in one transaction), beside the bare baseline of inserting the same
  attendance rows with `bulk_create` and no audit or checks;
* `re-import`: the same file again must change nothing (a failure of the run if it would).
"""

from __future__ import annotations

import random
from datetime import date, time
from functools import partial
from itertools import count

from benchmarks.harness import Measurement, SectionRun
from benchmarks.seeding import unaudited
from benchmarks.world import SEED, BenchWorld, add_learners, build_partnership
from widen.accounts.models import User
from widen.activities.imports import (
    register_import_check,
    register_import_commit,
    register_import_start,
)
from widen.activities.models import Activity, Attendance, RegisterImport, Session
from widen.activities.services import SessionDetails, activity_create, session_create
from widen.core import request_context
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Partnership
from widen.programmes.models import ActivitySubType
from widen.testing.pupil_lists import csv_bytes

REGISTER_SIZES = (300, 2_000)
COMMIT_REPEATS = 5
_session_numbers = count(1)


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    bench.say(f"seeding {bench.options.learners:,} learners")
    with bench.stopwatch(f"seed {bench.options.learners:,} learners (with audit rows)"):
        add_learners(world, rng, bench.options.learners)
    officer = world.users["officer"]
    with request_context.bind(actor=officer, source="cli"):
        activity = activity_create(
            actor=officer,
            partnership=Partnership.objects.get(name="Bench Uni Connect"),
            delivered_by=world.alpha,
            name="Higher education talk",
            sub_type=ActivitySubType.objects.get(
                name="Higher education information talk", partnership=None
            ),
        )
        named = list(
            learner_policy.visible_to(officer, needing=DataCategory.IDENTITY)
            .exclude(upn="")
            .order_by("id")[: max(REGISTER_SIZES)]
        )
        for size in REGISTER_SIZES:
            if size > len(named):
                bench.say(f"only {len(named):,} learners to register: {size:,} rows left out")
                continue
            pupils = named[:size]
            bench.say(f"register of {size:,} learners")
            _measure(bench, world, activity, officer, pupils)
    bench.count_rows(learners=Learner, attendance=Attendance, register_imports=RegisterImport)
    bench.unit = "learners"


def _session(world: BenchWorld, activity: Activity, officer: User) -> Session:
    number = next(_session_numbers)
    return session_create(
        actor=officer,
        activity=activity,
        details=SessionDetails(
            date=date(2026, 11, 2) if number % 2 else date(2026, 11, 3),
            starts_at=time(9, 0),
            ends_at=time(10, 0),
            venue=f"Lecture theatre {number}",
            school=None,
        ),
    )


def _files(pupils: list[Learner]) -> dict[str, bytes]:
    return {
        "UPN": csv_bytes([["UPN", "Attended"], *([pupil.upn, "Y"] for pupil in pupils)]),
        "name and date of birth": csv_bytes(
            [
                ["Legal first name", "Legal last name", "Date of birth", "Attended"],
                *(
                    [
                        pupil.first_name,
                        pupil.last_name,
                        pupil.date_of_birth.strftime("%d/%m/%Y"),
                        "Y",
                    ]
                    for pupil in pupils
                ),
            ]
        ),
    }


def _measure(
    bench: SectionRun, world: BenchWorld, activity: Activity, officer: User, pupils: list[Learner]
) -> None:
    size = len(pupils)
    files = _files(pupils)
    upns = [pupil.upn for pupil in pupils]
    session = _session(world, activity, officer)

    def bare_fetch() -> object:
        return list(Learner.objects.filter(upn__in=upns))

    fetch_baseline = bench.time(bare_fetch)
    for by, content in files.items():
        upload = register_import_start(
            actor=officer, session=session, file_name="register.csv", content=content
        )
        report = register_import_check(upload, actor=officer)
        bench.record(
            Measurement(
                case=f"preview: {size:,} rows by {by}",
                scale=bench.full_scale,
                timing=bench.time(partial(register_import_check, upload, actor=officer)),
                queries=bench.count_queries(partial(register_import_check, upload, actor=officer)),
                baseline=fetch_baseline,
                baseline_label=f"ORM fetch of the {size:,} learners by UPN",
                details={
                    "rows": size,
                    "learners_found": len(report.rows),
                    "rows_with_problems": len(report.rejected_rows),
                },
            )
        )

    def commit() -> object:
        fresh = _session(world, activity, officer)
        upload = register_import_start(
            actor=officer, session=fresh, file_name="register.csv", content=files["UPN"]
        )
        return register_import_commit(upload=upload, actor=officer, accept_partial=True)

    def bare_insert() -> object:
        """The same rows with Django's plain `bulk_create`: no checks, no audit events."""
        fresh = _session(world, activity, officer)
        rows = [
            Attendance(
                session=fresh,
                learner=pupil,
                organisation_id=pupil.organisation_id,
                status="attended",
            )
            for pupil in pupils
        ]
        return unaudited(Attendance).bulk_create(rows, batch_size=1000)

    bench.compare(
        f"commit: {size:,} rows by UPN, added and marked",
        commit,
        baseline=bare_insert,
        baseline_label=f"bulk insert of {size:,} attendance rows, unaudited",
        repeats=COMMIT_REPEATS,
        warmup=1,
        details={"rows": size},
    )

    # The same file again, into the session it was imported into: nothing to change.
    again_session = _session(world, activity, officer)
    first = register_import_start(
        actor=officer, session=again_session, file_name="register.csv", content=files["UPN"]
    )
    register_import_commit(upload=first, actor=officer, accept_partial=True)
    again = register_import_start(
        actor=officer, session=again_session, file_name="register.csv", content=files["UPN"]
    )
    report = register_import_check(again, actor=officer)
    if report.changes_anything:
        bench.failures.append(
            f"re-importing a {size:,}-row register would change "
            f"{len(report.to_add) + len(report.to_mark):,} rows"
        )
