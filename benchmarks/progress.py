"""Who is falling behind: the programme progress page with 50,000 enrolled learners.

The learner list's partnership (`benchmarks/learner_list.py`; Alpha's outreach officer is
measured). Two programmes, each with its own population, so that the page is not tuned to one
shape of data:

* `spread`: learners at twenty schools in Years 9 to 13, held by Alpha (70 %), Beta (20 %) and
  the charity (10 %); 30 % attended nothing, the rest 1 to 12 sessions of every activity type,
  this academic year and last;
* `concentrated`: learners at two schools in Years 10 and 11, all Alpha's; a quarter attended
  nothing, the rest 15 to 25 sessions each, most of them campus visits.

Each programme has stages for its year groups with target hours and required activity types, and
300 upcoming sessions (types, year groups, schools and places drawn at random) are there to be
suggested. Everything is seeded in bulk (Polars frames, COPY on PostgreSQL), `--learners` capped
at 50,000 per population (5,000 with `--quick`), first 1,000 per population for the "vs 1,000"
column.

Cases, per population, as the officer gets the page: learners behind (the page's default), first
page; a school and Year 10, page 2; learners who still need IAG, the last page. Each is compared
with the bare query: the enrolled learners and their hours this academic year added up by the
database per learner and activity type (what any page showing their status must read).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

import polars as pl
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from benchmarks.databases import analyse
from benchmarks.harness import Measurement, SectionRun
from benchmarks.seeding import insert_frame, random_hex
from benchmarks.world import BenchWorld, build_partnership, make_activities, page_request
from widen.activities.models import Attendance, AttendanceStatus, Session
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.organisations.models import Partnership
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme

SEED = 20_261_203
MOST_ENROLLED = 50_000
ACTIVITIES = 30
UPCOMING = 300
REPEATS = 5
BASELINE_REPEATS = 3


def run(bench: SectionRun) -> None:
    per_population = min(bench.options.learners, MOST_ENROLLED)
    bench.scale = per_population
    bench.unit = "enrolled learners (each programme)"
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership, programmes and sessions"):
        world = build_partnership()
        partnership = Partnership.objects.get()
        populations = _populations(world, partnership, rng)
    client = world.clients["officer"]
    scales = [per_population]
    reference = bench.options.reference_scale
    if reference is not None and reference < per_population:
        scales.insert(0, reference)
    seeded = 0
    for scale in scales:
        with bench.stopwatch(f"seed {scale - seeded:,} learners per programme (bulk)"):
            for population in populations:
                population.add(scale - seeded, rng)
        seeded = scale
        bench.facts["planner_statistics"] = analyse(sqlite=bench.options.analyse_sqlite)
        for population in populations:
            for name, query in population.cases():
                bench.say(f"{population.name}: {name} at {scale:,}")
                path = reverse(
                    "activities:progress", kwargs={"programme_id": population.programme.pk}
                )
                path = f"{path}?{urlencode(query)}" if query else path
                request = page_request(client, path)
                bench.record(
                    Measurement(
                        case=f"{population.name}: {name}",
                        scale=scale,
                        timing=bench.time(request, repeats=min(REPEATS, bench.options.repeats)),
                        queries=bench.count_queries(request),
                        baseline=bench.time(
                            partial(_bare, population.programme),
                            repeats=BASELINE_REPEATS,
                            warmup=1,
                        ),
                        baseline_label="enrolled learners and their hours this year by type",
                        details={"path": path, "enrolled": scale},
                    )
                )
    bench.count_rows(
        learners=Learner, enrolments=Enrolment, sessions=Session, attendance=Attendance
    )


# --- Populations -------------------------------------------------------------------------------


class Population:
    """One programme's learners and how they attend: added to in bulk, in steps."""

    def __init__(
        self,
        *,
        name: str,
        programme: Programme,
        schools: list[Any],
        year_groups: list[int],
        holders: list[tuple[Any, float]],
        nothing_share: float,
        sessions_each: tuple[int, int],
        past_sessions: dict[Any, list[str]],  # activity type id -> session ids (hex)
        favourite_type: Any | None,
    ) -> None:
        self.name = name
        self.programme = programme
        self.schools = schools
        self.year_groups = year_groups
        self.holders = holders
        self.nothing_share = nothing_share
        self.sessions_each = sessions_each
        self.past_sessions = past_sessions
        self.favourite_type = favourite_type
        self.count = 0

    def cases(self) -> list[tuple[str, dict[str, str]]]:
        iag = ActivityType.objects.get(key="iag")
        return [
            ("behind, first page", {}),
            (
                "a school and Year 10, page 2",
                {"status": "all", "school": str(self.schools[0]), "year": "10", "page": "2"},
            ),
            (
                "still needs IAG, last page",
                {"status": "all", "missing": str(iag.pk), "page": "99999"},
            ),
        ]

    def add(self, count: int, rng: random.Random) -> None:
        now = timezone.now()
        stamps = {"created_at": now, "updated_at": now}
        year = AcademicYear.current()
        ids = [random_hex(rng) for _ in range(count)]
        holders = [self._holder(rng) for _ in range(count)]
        cohorts = [year.birth_dates_for(rng.choice(self.year_groups))[0] for _ in range(count)]
        first = self.count
        insert_frame(
            Learner,
            pl.DataFrame(
                {
                    "id": ids,
                    "organisation_id": holders,
                    "school_id": [self.schools[rng.randrange(len(self.schools))].hex for _ in ids],
                    "first_name": [rng.choice(FIRST_NAMES) for _ in ids],
                    "last_name": [
                        f"{rng.choice(LAST_NAMES)} {self.name} {first + index + 1}"
                        for index in range(count)
                    ],
                    "date_of_birth": [
                        (born + timedelta(days=rng.randrange(365))).isoformat() for born in cohorts
                    ],
                }
            ),
            stamps,
        )
        insert_frame(
            Enrolment,
            pl.DataFrame(
                {
                    "id": [random_hex(rng) for _ in ids],
                    "learner_id": ids,
                    "organisation_id": holders,
                }
            ),
            {**stamps, "programme_id": self.programme.pk, "joined_on": year.starts_on},
        )
        types = list(self.past_sessions)
        rows: dict[tuple[str, str], tuple[str, str]] = {}
        for learner_id, holder in zip(ids, holders, strict=True):
            if rng.random() < self.nothing_share:
                continue
            for _ in range(rng.randint(*self.sessions_each)):
                kind = (
                    self.favourite_type
                    if self.favourite_type is not None and rng.random() < 0.6  # noqa: PLR2004
                    else rng.choice(types)
                )
                session_id = rng.choice(self.past_sessions[kind])
                rows[(learner_id, session_id)] = (
                    holder,
                    AttendanceStatus.ATTENDED if rng.random() < 0.85 else AttendanceStatus.ABSENT,  # noqa: PLR2004
                )
        if rows:
            insert_frame(
                Attendance,
                pl.DataFrame(
                    {
                        "id": [random_hex(rng) for _ in rows],
                        "learner_id": [key[0] for key in rows],
                        "session_id": [key[1] for key in rows],
                        "organisation_id": [value[0] for value in rows.values()],
                        "status": [str(value[1]) for value in rows.values()],
                    }
                ),
                stamps,
            )
        self.count += count

    def _holder(self, rng: random.Random) -> str:
        draw = rng.random()
        for holder, share in self.holders:
            if draw < share:
                return str(holder)
            draw -= share
        return str(self.holders[-1][0])


FIRST_NAMES = ("Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamza", "Isla", "Jay")
LAST_NAMES = ("Adams", "Begum", "Clarke", "Davies", "Evans", "Khan", "Patel", "Smith", "Wong")


def _populations(
    world: BenchWorld, partnership: Partnership, rng: random.Random
) -> list[Population]:
    kinds = {kind.key: kind for kind in ActivityType.objects.all()}
    sub_types = list(
        ActivitySubType.objects.filter(partnership=None).select_related("activity_type")
    )
    activities = make_activities(world, partnership, sub_types, count=ACTIVITIES, stride=5)
    year = AcademicYear.current()
    today = timezone.localdate()
    first_day = date(year.start_year - 1, 9, 1)
    past_days = max((today - first_day).days, 1)
    now = timezone.now()
    stamps = {"created_at": now, "updated_at": now}
    past: dict[Any, list[str]] = {}
    session_rows: list[dict[str, Any]] = []
    for index in range(4_000):
        activity = activities[index % ACTIVITIES]
        session_id = random_hex(rng)
        past.setdefault(activity.sub_type.activity_type_id, []).append(session_id)
        session_rows.append(
            {
                "id": session_id,
                "activity_id": activity.pk.hex,
                "date": (first_day + timedelta(days=rng.randrange(past_days))).isoformat(),
                "contact_hours": rng.choice((1.0, 1.5, 2.0, 3.0)),
                "school_id": rng.choice(world.schools).pk.hex if rng.random() < 0.4 else None,  # noqa: PLR2004
                "year_groups": "[]",
                "capacity": None,
            }
        )
    for _ in range(UPCOMING):
        activity = rng.choice(activities)
        groups = sorted(rng.sample(range(9, 14), rng.randint(1, 3)))
        session_rows.append(
            {
                "id": random_hex(rng),
                "activity_id": activity.pk.hex,
                "date": (today + timedelta(days=rng.randint(1, 90))).isoformat(),
                "contact_hours": 1.0,
                "school_id": rng.choice(world.schools).pk.hex if rng.random() < 0.5 else None,  # noqa: PLR2004
                "year_groups": str(groups),
                "capacity": rng.choice((None, 30, 60)),
            }
        )
    insert_frame(
        Session,
        pl.DataFrame(session_rows, schema_overrides={"capacity": pl.Int64, "school_id": pl.Utf8}),
        {
            **stamps,
            "starts_at": time(10, 0),
            "ends_at": time(13, 0),
            "venue": "Main hall",
        },
    )

    def programme(name: str, stages: dict[int, tuple[int, list[str]]]) -> Programme:
        made = Programme.objects.create(
            partnership=partnership,
            name=name,
            sustained_hours=Decimal(10),
            sustained_activities=3,
            sustained_years=2,
        )
        for group, (hours, required) in stages.items():
            stage = made.stages.create(year_group=group, target_hours=Decimal(hours))
            stage.required_types.set([kinds[key] for key in required])
        return made

    spread = programme(
        "Spread programme",
        {
            9: (4, ["campus_visits"]),
            10: (6, ["iag"]),
            11: (6, ["iag", "mentoring"]),
            12: (8, ["summer_schools"]),
            13: (4, ["iag"]),
        },
    )
    concentrated = programme(
        "Concentrated programme",
        {10: (10, ["iag", "campus_visits"]), 11: (12, ["mentoring"])},
    )
    return [
        Population(
            name="spread",
            programme=spread,
            schools=[school.pk for school in world.schools],
            year_groups=[9, 10, 11, 12, 13],
            holders=[
                (world.alpha.pk.hex, 0.7),
                (world.beta.pk.hex, 0.2),
                (world.charity.pk.hex, 0.1),
            ],
            nothing_share=0.3,
            sessions_each=(1, 12),
            past_sessions=past,
            favourite_type=None,
        ),
        Population(
            name="concentrated",
            programme=concentrated,
            schools=[world.schools[0].pk, world.schools[1].pk],
            year_groups=[10, 11],
            holders=[(world.alpha.pk.hex, 1.0)],
            nothing_share=0.25,
            sessions_each=(15, 25),
            past_sessions=past,
            favourite_type=kinds["campus_visits"].pk,
        ),
    ]


# --- Seeding helpers ---------------------------------------------------------------------------


# --- Requests and the baseline -----------------------------------------------------------------


def _bare(programme: Programme) -> object:
    """The enrolled learners, and their hours this academic year per activity type added up by
    the database: what any page showing each learner's status must read."""
    year = AcademicYear.current()
    enrolled = Enrolment.objects.filter(programme=programme, left_on=None)
    learners = list(
        enrolled.values_list("learner_id", "learner__date_of_birth", "learner__school_id")
    )
    hours = list(
        Attendance.objects.filter(
            learner_id__in=enrolled.values("learner_id"),
            status=AttendanceStatus.ATTENDED,
            session__activity__partnership=programme.partnership,
            session__date__gte=year.starts_on,
        )
        .order_by()
        .values("learner_id", "session__activity__sub_type__activity_type_id")
        .annotate(hours=Sum("session__contact_hours"))
    )
    return learners, hours
