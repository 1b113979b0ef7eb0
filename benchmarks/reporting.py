"""The partnership dashboard with 200,000 learners and 2,000,000 attendance records.

The partnership of the `learners` section (Alpha and Beta universities, a charity, twenty
schools; an outreach officer at Alpha is measured), with 40 activities of every MOAT type
delivered by Alpha, Beta and the charity, `--learners` learners (default 200,000) held by the
three, sessions of about 30 learners from September 2023 to July 2026, and ten sessions on each
learner's register (85 % attended, the rest absent): 2,000,000 attendance records at full scale.
A rule set finds 40 % of them eligible and a programme enrols a third. Everything is seeded in
bulk (Polars frames, COPY on PostgreSQL), then `widen reporting rebuild` makes the summaries;
how long it takes is printed with the seeding.

Cases, each against a baseline computed in the same run:

* `page: reach and coverage`, `page: target learners (rule set)`, `page: sustained engagement
  (programme)`: the dashboard pages as the officer gets them, beside the same figures added up by
  GROUP BYs over attendance for each request (for sustained engagement, one row per enrolled
  learner, as the programme progress page's `sustained_engagement` reads them, but added up by
  the database);
* `write: mark a 30-learner register`: `attendance_mark` of a session's register, the summaries
  of its learners worked out again in the same transaction;
* `export: monitoring CSV`: the officer's monitoring export, one row per learner per activity
  for every learner they see, with its access-log rows (once);
* `recount: …`: the counts by target status and of sustained engagement worked out again, as the
  first view after targeting writes a rule set's results (or enrolments change) does.

Checked (a failure, not a timing): after the register changes, the partnership, target-status
and sustained counts kept up to date equal those worked out afresh, and the page's totals equal
the baseline's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone

from benchmarks.databases import analyse
from benchmarks.harness import Measurement, SectionRun
from benchmarks.seeding import insert_frame, random_hex
from benchmarks.world import BenchWorld, build_partnership, make_activities, page_request
from widen.accounts.capabilities import system_actor
from widen.activities.models import Attendance, AttendanceStatus, Session
from widen.activities.services import attendance_mark
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.learners.selectors import YEAR_GROUPS
from widen.organisations.models import Partnership
from widen.programmes.models import ActivitySubType, Enrolment, Programme
from widen.reporting.models import (
    LearnerActivityEngagement,
    LearnerEngagement,
    ProgrammeCount,
    ReachCount,
    TargetCount,
)
from widen.reporting.summaries import (
    academic_year_expression,
    counts_tally,
    programme_counts_current,
    programme_counts_forget,
    summaries_rebuild,
    target_counts_current,
    target_counts_forget,
)
from widen.targeting.models import LearnerEligibility, RuleSet, RuleSetVersion

SEED = 20_261_125
SESSIONS_PER_LEARNER = 10
LEARNERS_PER_SESSION = 30
ACTIVITIES = 40
ATTENDED_SHARE = 0.85
ELIGIBLE_SHARE = 0.4
ENROLLED_SHARE = 1 / 3
FIRST_DAY = date(2023, 9, 4)
TEACHING_DAYS = 1_050  # to July 2026
HOURS = (1.0, 1.5, 2.0, 3.0)
BASELINE_REPEATS = 3
REGISTER = 30


def run(bench: SectionRun) -> None:
    learners = bench.options.learners
    bench.unit = "learners"
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
        partnership = Partnership.objects.get()
    rng = random.Random(SEED)
    with bench.stopwatch(f"seed {learners:,} learners, {learners * 10:,} attendance (bulk)"):
        seeded = _seed(world, partnership, rng, learners)
        bench.facts["planner_statistics"] = analyse(sqlite=bench.options.analyse_sqlite)
    bench.say("rebuilding the summaries (widen reporting rebuild)")
    with bench.stopwatch("widen reporting rebuild"):
        rebuilt = summaries_rebuild()
    analyse(sqlite=bench.options.analyse_sqlite)
    seconds = bench.facts["seconds"]["widen reporting rebuild"]
    bench.facts["rebuild"] = (
        f"{rebuilt.learners:,} learners engaged, {rebuilt.learner_activities:,} learner "
        f"activities, {rebuilt.counts:,} counts in {seconds} s"
    )
    client = _client(world)
    cases: list[tuple[str, str, Callable[[], object], str]] = [
        (
            "page: reach and coverage",
            f"/reporting/partnerships/{partnership.pk}/",
            lambda: _reach_baseline(partnership),
            "GROUP BYs over attendance (5)",
        ),
        (
            "page: target learners (rule set)",
            f"/reporting/partnerships/{partnership.pk}/targets/?rule_set={seeded['rule_set']}",
            lambda: _targets_baseline(partnership, seeded["rule_set"]),
            "GROUP BY over attendance × eligibility",
        ),
        (
            "page: sustained engagement (programme)",
            f"/reporting/partnerships/{partnership.pk}/sustained/?programme={seeded['programme']}",
            lambda: _sustained_baseline(seeded["programme"]),
            "GROUP BY over attendance of the enrolled",
        ),
    ]
    _measure_recounts(bench, learners, seeded)
    for name, path, baseline, label in cases:
        bench.say(name)
        request = page_request(client, path)
        request()  # the first view after targeting or enrolment works the counts out (above)
        timing = bench.time(request)
        queries = bench.count_queries(request)
        bench.record(
            Measurement(
                case=name,
                scale=learners,
                timing=timing,
                queries=queries,
                baseline=bench.time(baseline, repeats=BASELINE_REPEATS, warmup=0),
                baseline_label=label,
                details={"path": path},
            )
        )
    # The table's ratio is page ÷ baseline; say it the other way round too, as it reads better.
    bench.facts["pages_faster_than_group_by"] = ", ".join(
        f"{measurement.case.removeprefix('page: ')} ×{1 / ratio:,.0f}"
        for measurement in bench.measurements
        if measurement.case.startswith("page: ")
        and (ratio := measurement.ratio_to_baseline) is not None
        and ratio > 0
    )
    _check_totals(bench, partnership)
    bench.say("monitoring export")
    export_path = f"/reporting/partnerships/{partnership.pk}/monitoring-export/"
    export = page_request(client, export_path)
    bench.record(
        Measurement(
            case="export: monitoring CSV (every learner)",
            scale=learners,
            timing=bench.time(export, repeats=1, warmup=0),
            details={"path": export_path, "rows": LearnerActivityEngagement.objects.count()},
        )
    )
    bench.say("marking registers")
    _measure_marking(bench, learners)
    bench.facts["row_counts"] = {
        "learners": Learner.objects.count(),
        "sessions": Session.objects.count(),
        "attendance": Attendance.objects.count(),
        "learner_engagement": LearnerEngagement.objects.count(),
        "learner_activity_engagement": LearnerActivityEngagement.objects.count(),
        "reach_counts": ReachCount.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "learner_eligibility": LearnerEligibility.objects.count(),
    }


# --- Seeding -----------------------------------------------------------------------------------


def _seed(
    world: BenchWorld, partnership: Partnership, rng: random.Random, count: int
) -> dict[str, Any]:
    now = timezone.now()
    stamps = {"created_at": now, "updated_at": now}
    schools = [school.pk.hex for school in world.schools]
    holders = [world.alpha.pk.hex, world.beta.pk.hex, world.charity.pk.hex]
    year = AcademicYear.current()
    cohorts = [year.birth_dates_for(group)[0] for group in YEAR_GROUPS]
    learner_ids = [random_hex(rng) for _ in range(count)]
    learner_holder = [
        holders[0] if draw < 0.7 else holders[1] if draw < 0.9 else holders[2]  # noqa: PLR2004
        for draw in (rng.random() for _ in range(count))
    ]
    learners = pl.DataFrame(
        {
            "id": learner_ids,
            "organisation_id": learner_holder,
            "school_id": [
                rng.choice(schools) if rng.random() < 0.9 else None for _ in range(count)
            ],  # noqa: PLR2004
            "first_name": ["Learner"] * count,
            "last_name": [f"Number {index + 1}" for index in range(count)],
            "date_of_birth": [
                (rng.choice(cohorts) + timedelta(days=rng.randrange(365))).isoformat()
                for _ in range(count)
            ],
        }
    ).with_columns(
        pl.lit("").alias(name)
        for name in (
            "preferred_name",
            "home_postcode",
            "upn",
            "uln",
            "reference",
            "sex",
            "ethnicity",
        )
    )
    insert_frame(Learner, learners, stamps)
    sub_types = list(ActivitySubType.objects.filter(partnership=None).order_by("pk"))
    activities = make_activities(world, partnership, sub_types, count=ACTIVITIES, stride=7)
    session_count = max(
        SESSIONS_PER_LEARNER + 1, count * SESSIONS_PER_LEARNER // LEARNERS_PER_SESSION
    )
    session_ids = [random_hex(rng) for _ in range(session_count)]
    sessions = pl.DataFrame(
        {
            "id": session_ids,
            "activity_id": [
                activities[index % ACTIVITIES].pk.hex for index in range(session_count)
            ],
            "date": [
                (FIRST_DAY + timedelta(days=rng.randrange(TEACHING_DAYS))).isoformat()
                for _ in range(session_count)
            ],
            "contact_hours": [rng.choice(HOURS) for _ in range(session_count)],
            "school_id": [
                rng.choice(schools) if rng.random() < 0.5 else None  # noqa: PLR2004
                for _ in range(session_count)
            ],
        }
    ).with_columns(
        pl.lit("10:00:00").alias("starts_at"),
        pl.lit("13:00:00").alias("ends_at"),
        pl.lit("Main hall").alias("venue"),
        pl.lit("").alias("online_link"),
        pl.lit("[]").alias("year_groups"),
        pl.lit("").alias("student_ambassadors"),
    )
    insert_frame(Session, sessions, stamps)
    # Learner i is on sessions (7i + 6701k) mod S for k < 10: ten different sessions each.
    step = 6_701 if session_count > 6_701 * SESSIONS_PER_LEARNER else 1
    attendance = (
        pl.DataFrame({"learner": list(range(count))})
        .join(pl.DataFrame({"k": list(range(SESSIONS_PER_LEARNER))}), how="cross")
        .with_columns(
            ((pl.col("learner") * 7 + pl.col("k") * step) % session_count).alias("session"),
            (pl.int_range(pl.len()).hash(SEED) % 1000 < ATTENDED_SHARE * 1000).alias("came"),
        )
        .with_columns(
            pl.when(pl.col("came"))
            .then(pl.lit(AttendanceStatus.ATTENDED.value))
            .otherwise(pl.lit(AttendanceStatus.ABSENT.value))
            .alias("status"),
        )
        .join(
            pl.DataFrame(
                {
                    "learner": list(range(count)),
                    "learner_id": learner_ids,
                    "organisation_id": learner_holder,
                }
            ),
            on="learner",
        )
        .join(
            pl.DataFrame({"session": list(range(session_count)), "session_id": session_ids}),
            on="session",
        )
        .unique(subset=["learner", "session"])
    )
    attendance = attendance.with_columns(
        pl.Series("id", [random_hex(rng) for _ in range(attendance.height)])
    ).select("id", "learner_id", "organisation_id", "session_id", "status")
    insert_frame(Attendance, attendance, stamps)
    # A rule set and a programme, as targeting and enrolment would leave them.
    rule_set = RuleSet.objects.create(partnership=partnership, name="Bench target learners")
    version = RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
        description="FSM",
    )
    eligible = [rng.random() < ELIGIBLE_SHARE for _ in range(count)]
    insert_frame(
        LearnerEligibility,
        pl.DataFrame(
            {
                "learner_id": learner_ids,
                "eligible": eligible,
                "explanation": ["eligible: FSM" if flag else "not eligible" for flag in eligible],
            }
        ),
        {"rule_set_id": rule_set.pk, "version_id": version.pk},
    )
    programme = Programme.objects.create(
        partnership=partnership,
        name="Bench Learner Progression Programme",
        rule_set=rule_set,
        sustained_hours=Decimal(10),
        sustained_activities=3,
        sustained_years=2,
    )
    chosen = [index for index in range(count) if rng.random() < ENROLLED_SHARE]
    insert_frame(
        Enrolment,
        pl.DataFrame(
            {
                "id": [random_hex(rng) for _ in chosen],
                "learner_id": [learner_ids[index] for index in chosen],
                "organisation_id": [learner_holder[index] for index in chosen],
            }
        ).with_columns(pl.lit("").alias("leaving_reason")),
        {**stamps, "programme_id": programme.pk, "joined_on": date(2023, 9, 1)},
    )
    return {"rule_set": rule_set.pk, "programme": programme.pk}


# --- Requests and baselines --------------------------------------------------------------------


def _client(world: BenchWorld) -> Client:
    return world.clients["officer"]


def _attended(partnership: Partnership) -> Any:
    return Attendance.objects.filter(
        status=AttendanceStatus.ATTENDED, session__activity__partnership=partnership
    ).order_by()


def _reach_baseline(partnership: Partnership) -> object:
    """The reach page's figures added up from attendance: one GROUP BY per table."""
    rows = _attended(partnership)
    totals = {
        "learners": Count("learner_id", distinct=True),
        "hours": Sum("session__contact_hours"),
        "sessions": Count("pk"),
    }
    return [
        rows.aggregate(**totals),
        list(rows.values("learner__school_id").annotate(**totals)),
        list(rows.values("learner__date_of_birth__year").annotate(**totals)),
        list(rows.values("session__activity__sub_type__activity_type_id").annotate(**totals)),
        list(rows.values("session__activity__delivered_by_id").annotate(**totals)),
    ]


def _targets_baseline(partnership: Partnership, rule_set: Any) -> object:
    """Learners engaged by target status, added up from attendance."""
    return list(
        _attended(partnership)
        .filter(learner__eligibility__rule_set_id=rule_set)
        .values("learner__eligibility__eligible")
        .annotate(
            learners=Count("learner_id", distinct=True),
            hours=Sum("session__contact_hours"),
            sessions=Count("pk"),
        )
    )


def _sustained_baseline(programme_id: Any) -> object:
    """The sustained-engagement figures added up from attendance: one GROUP BY per enrolled
    learner over all their attendance at the partnership's activities, then the measure."""
    programme = Programme.objects.get(pk=programme_id)
    enrolled = Enrolment.objects.filter(programme=programme, left_on=None).values("learner_id")
    rows = (
        _attended(programme.partnership)
        .filter(learner_id__in=enrolled)
        .values("learner_id", "learner__school_id")
        .annotate(
            hours=Sum("session__contact_hours"),
            activities=Count("session__activity_id", distinct=True),
            years=Count(academic_year_expression("session__date"), distinct=True),
        )
    )
    sustained: dict[Any, int] = {}
    for row in rows:
        if (
            row["hours"] >= programme.sustained_hours
            and row["activities"] >= programme.sustained_activities
            and row["years"] >= programme.sustained_years
        ):
            sustained[row["learner__school_id"]] = sustained.get(row["learner__school_id"], 0) + 1
    return sustained


def _check_totals(bench: SectionRun, partnership: Partnership) -> None:
    baseline = _attended(partnership).aggregate(
        learners=Count("learner_id", distinct=True), hours=Sum("session__contact_hours")
    )
    kept = ReachCount.objects.get(partnership=partnership, dimension="all", key="")
    if (kept.learners, Decimal(kept.hours)) != (baseline["learners"], Decimal(baseline["hours"])):
        bench.failures.append(
            f"the summaries say {kept.learners} learners and {kept.hours} hours; attendance says "
            f"{baseline['learners']} and {baseline['hours']}"
        )


def _measure_marking(bench: SectionRun, learners: int) -> None:
    """Mark 30-learner registers attended, then absent, then attended again (summaries kept)."""
    sessions = list(Session.objects.annotate(on=Count("register")).order_by("-on", "pk")[:4])
    if not sessions:
        bench.failures.append("no session has a register of 30 to mark")
        return
    flips = {"status": AttendanceStatus.ABSENT}
    state = {"turn": 0}

    def mark() -> None:
        session = sessions[state["turn"] % len(sessions)]
        status = flips["status"]
        keys = list(session.register.order_by("pk").values_list("learner_id", flat=True)[:REGISTER])
        attendance_mark(
            actor=system_actor("benchmark"), session=session, marks=dict.fromkeys(keys, status)
        )
        state["turn"] += 1
        if state["turn"] % len(sessions) == 0:
            flips["status"] = (
                AttendanceStatus.ATTENDED
                if status == AttendanceStatus.ABSENT
                else AttendanceStatus.ABSENT
            )

    timing = bench.time(mark)
    queries = bench.count_queries(mark)
    bench.record(
        Measurement(
            case=f"write: mark a {REGISTER}-learner register",
            scale=learners,
            timing=timing,
            queries=queries,
            details={"sessions": len(sessions)},
        )
    )
    rule_set = RuleSet.objects.get()
    programme = Programme.objects.get()
    kept = (counts_tally(), _target_rows(rule_set), _programme_rows(programme))
    summaries_rebuild()
    target_counts_current(rule_set)
    programme_counts_current(programme)
    if counts_tally() != kept[0]:
        bench.failures.append("the counts kept up to date differ from those a rebuild makes")
    if _target_rows(rule_set) != kept[1]:
        bench.failures.append("the target-status counts kept differ from those worked out again")
    if _programme_rows(programme) != kept[2]:
        bench.failures.append("the sustained counts kept differ from those worked out again")


def _target_rows(rule_set: RuleSet) -> set[tuple[Any, ...]]:
    return set(
        TargetCount.objects.filter(rule_set=rule_set).values_list(
            "dimension", "key", "learners", "hours", "sessions"
        )
    )


def _programme_rows(programme: Programme) -> set[tuple[Any, ...]]:
    return set(
        ProgrammeCount.objects.filter(programme=programme).values_list(
            "key", "enrolled", "sustained"
        )
    )


def _measure_recounts(bench: SectionRun, learners: int, seeded: dict[str, Any]) -> None:
    """The first view after targeting writes a rule set's results, or enrolments change, works
    its counts out again: timed on their own (the pages are timed after)."""
    rule_set = RuleSet.objects.get(pk=seeded["rule_set"])
    programme = Programme.objects.get(pk=seeded["programme"])

    def recount_targets() -> None:
        target_counts_forget(rule_set.pk)
        target_counts_current(rule_set)

    def recount_programme() -> None:
        programme_counts_forget(programme.pk)
        programme_counts_current(programme)

    for name, call in (
        ("recount: target status, after targeting ran", recount_targets),
        ("recount: sustained, after enrolments changed", recount_programme),
    ):
        bench.say(name)
        bench.record(
            Measurement(
                case=name,
                scale=learners,
                timing=bench.time(call, repeats=BASELINE_REPEATS, warmup=0),
                queries=bench.count_queries(call),
            )
        )
