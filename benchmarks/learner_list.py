"""The learner list and detail pages, and the learner API, with many learners.

One partnership: Alpha University holds most learners and Beta University the rest of those
shared; a data-sharing agreement between the two shares identity and characteristics (not special
category data); a charity outside the agreement holds learners nobody else sees. Learners attend
twenty schools. The people measured:

* `officer`: an outreach officer at Alpha (sees Alpha's and, through the agreement, Beta's);
* `partner`: an outreach officer at Beta (sees Alpha's learners through the agreement);
* `evaluator`: an evaluator at Alpha (pseudonymised: characteristics and special category only);
* `school`: school staff at one school (sees that school's pupils).

Every case is timed at the reference scale (1,000 learners) and again at full scale, in the same
database, and each is compared with the bare ORM query that fetches the same rows.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.test import Client

from benchmarks.databases import analyse
from benchmarks.harness import Measurement, SectionRun
from benchmarks.world import (
    HOST,
    LAST_NAMES,
    SEED,
    BenchWorld,
    add_learners,
    build_partnership,
    page_request,
)
from widen.accounts.models import User
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.learners.selectors import LearnerFilters, learner_list
from widen.organisations.models import Organisation

PAGE_SIZE = 50  # as the list page shows
DEEP_PAGE = 1000

SEARCH_SURNAME = "Harper" if "Harper" in LAST_NAMES else LAST_NAMES[0]


@dataclass(frozen=True)
class Case:
    """One request, and the bare ORM query that fetches the same rows for its baseline."""

    name: str
    user: str
    path: str
    api: bool = False
    filters: LearnerFilters | None = None  # list cases: the rows the baseline fetches
    offset: int = 0
    learner_id: Any = None  # detail cases: the learner the baseline fetches

    def baseline_label(self) -> str:
        if self.learner_id is not None:
            return "ORM get of the same learner"
        return f"ORM query for the same {PAGE_SIZE} rows"


def run(bench: SectionRun) -> None:
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    scales = [bench.options.learners]
    if bench.options.reference_scale is not None:
        scales.insert(0, bench.options.reference_scale)
    for scale in scales:
        bench.say(f"seeding up to {scale:,} learners")
        with bench.stopwatch(f"seed up to {scale:,} learners (with audit rows)"):
            add_learners(world, rng, scale - world.learners)
            bench.facts["planner_statistics"] = analyse(sqlite=bench.options.analyse_sqlite)
        with bench.stopwatch(f"measure at {scale:,} learners"):
            for case in _cases(world, scale):
                bench.say(f"{scale:,} learners: {case.name}")
                _measure(bench, world, case, scale)
    bench.facts["row_counts"] = {
        "learners": Learner.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "access_log_entries": AccessLogEntry.objects.count(),
    }
    bench.facts["search_surname"] = SEARCH_SURNAME


def _cases(world: BenchWorld, scale: int) -> list[Case]:
    officer = world.users["officer"]
    visible = learner_list(actor=officer).count()
    deep_page = max(1, min(DEEP_PAGE, math.ceil(visible / PAGE_SIZE)))
    deep_offset = (deep_page - 1) * PAGE_SIZE
    school = world.schools[1]
    one = learner_list(actor=officer).filter(organisation=world.alpha).first()
    if one is None:
        raise RuntimeError("The officer sees none of Alpha's learners.")
    search = LearnerFilters(search=SEARCH_SURNAME)
    school_year = LearnerFilters(school_id=school.id, year_group=10)
    special = LearnerFilters(characteristic="care_experienced")
    school_year_params = {"school": str(school.id), "year_group": "10"}
    return [
        Case("page: list", "officer", "/learners/", filters=LearnerFilters()),
        Case(
            "page: list, search",
            "officer",
            _url("/learners/", q=SEARCH_SURNAME),
            filters=search,
        ),
        Case(
            "page: list, school + year",
            "officer",
            _url("/learners/", **school_year_params),
            filters=school_year,
        ),
        Case(
            "page: list, care experienced",
            "officer",
            _url("/learners/", characteristic="care_experienced"),
            filters=special,
        ),
        Case(
            f"page: list, page {DEEP_PAGE}",
            "officer",
            _url("/learners/", page=str(DEEP_PAGE)),
            filters=LearnerFilters(),
            offset=deep_offset,
        ),
        Case("page: list (partner)", "partner", "/learners/", filters=LearnerFilters()),
        Case("page: list (evaluator)", "evaluator", "/learners/", filters=LearnerFilters()),
        Case("page: list (school staff)", "school", "/learners/", filters=LearnerFilters()),
        Case("page: detail", "officer", f"/learners/{one.id}/", learner_id=one.id),
        Case(
            "api: list",
            "officer",
            _url("/api/v1/learners", limit=str(PAGE_SIZE)),
            api=True,
            filters=LearnerFilters(),
        ),
        Case(
            "api: list, search",
            "officer",
            _url("/api/v1/learners", q=SEARCH_SURNAME, limit=str(PAGE_SIZE)),
            api=True,
            filters=search,
        ),
        Case(
            "api: list, school + year",
            "officer",
            _url("/api/v1/learners", **school_year_params, limit=str(PAGE_SIZE)),
            api=True,
            filters=school_year,
        ),
        Case(
            f"api: list, offset of page {DEEP_PAGE}",
            "officer",
            _url("/api/v1/learners", limit=str(PAGE_SIZE), offset=str(deep_offset)),
            api=True,
            filters=LearnerFilters(),
            offset=deep_offset,
        ),
        Case("api: get one", "officer", f"/api/v1/learners/{one.id}", api=True, learner_id=one.id),
    ]


def _url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}"


def _measure(bench: SectionRun, world: BenchWorld, case: Case, scale: int) -> None:
    request = _request(world, case)
    baseline = _baseline(world, case)
    timing = bench.time(request)
    # Counted after timing, so once-a-minute writes (a token's last use) rarely land in it.
    queries = bench.count_queries(request)
    details: dict[str, Any] = {"user": case.user, "path": case.path}
    if case.filters is not None:
        details["rows_matching"] = learner_list(
            actor=world.users[case.user], filters=case.filters
        ).count()
    bench.record(
        Measurement(
            case=case.name,
            scale=scale,
            timing=timing,
            queries=queries,
            baseline=bench.time(baseline) if baseline is not None else None,
            baseline_label=case.baseline_label(),
            details=details,
        )
    )


def _request(world: BenchWorld, case: Case) -> Callable[[], object]:
    if case.api:
        client = Client(HTTP_HOST=HOST)
        headers = {"Authorization": f"Bearer {world.tokens[case.user]}"}
        return page_request(client, case.path, headers=headers, name=case.name)
    return page_request(world.clients[case.user], case.path, name=case.name)


def _baseline(world: BenchWorld, case: Case) -> Callable[[], object] | None:
    """The same rows through the ORM alone: no scopes, count, rendering, session or middleware."""
    actor = world.users[case.user]
    if case.learner_id is not None:
        visible = learner_policy.visible_to(actor).select_related("school", "organisation")
        return lambda: visible.all().get(id=case.learner_id)
    if case.filters is None:
        return None
    rows: QuerySet[Learner] = learner_list(actor=actor, filters=case.filters)

    def fetch() -> object:
        return list(rows.all()[case.offset : case.offset + PAGE_SIZE])

    return fetch
