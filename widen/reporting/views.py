"""Dashboard pages: a partnership's reach and coverage, its target learners and cold spots, and
its programmes' sustained engagement; each table as CSV; and the learner-level monitoring export.

Every figure comes from the summaries (`widen.reporting.models`): no page adds up attendance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from widen.audit.services import access_log_record_views
from widen.core.downloads import NO_PERSONAL_DATA, table_download
from widen.organisations.models import Partnership
from widen.reporting.charts import bar_chart
from widen.reporting.exports import monitoring_export
from widen.reporting.permissions import EXPORT_MONITORING, reporting_policy
from widen.reporting.progression import PROGRESSION_HEADINGS, progression
from widen.reporting.selectors import (
    COLD_SPOT_HEADINGS,
    REACH_HEADINGS,
    SMALL_COUNT,
    SUSTAINED_HEADINGS,
    TARGET_HEADINGS,
    ReachRow,
    reach,
    reporting_partnerships,
    sustained,
    targets,
)

T = TypeVar("T", bound=Model)


def _partnership(request: HttpRequest, partnership_id: UUID) -> Partnership:
    """The partnership, if the person may see its figures (otherwise `NotFound`: 404)."""
    return reporting_policy.get(request.user, partnership_id)


def _csv(
    partnership: Partnership, table: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponseBase:
    """A table of figures (no learner in it) as CSV, named after the partnership and `table`."""
    return table_download(
        file_name=f"{_slug(partnership)}-{table}",
        columns=[str(cell) for cell in header],
        rows=rows,
        access_log=NO_PERSONAL_DATA,
    )


def _chosen(request: HttpRequest, parameter: str, choices: Sequence[T]) -> T | None:
    """The choice the query names by its id (`parameter`), or else the first; None for none."""
    wanted = request.GET.get(parameter)
    return next(
        (choice for choice in choices if str(choice.pk) == wanted),
        choices[0] if choices else None,
    )


PAGES = {
    "reach": "dashboard",
    "targets": "targets",
    "sustained": "sustained",
    "progression": "progression",
}


def _page(
    request: HttpRequest, partnership: Partnership, tab: str, context: dict[str, Any]
) -> HttpResponse:
    """One of the partnership's dashboard pages (`tab`: which of them)."""
    return render(
        request,
        f"reporting/{PAGES[tab]}.html",
        {"partnership": partnership, "small_count": SMALL_COUNT, "tab": tab, **context},
    )


def _slug(partnership: Partnership) -> str:
    return "".join(c if c.isalnum() else "-" for c in partnership.name.lower()).strip("-")[:40]


def _reach_chart(chart_id: str, title: str, rows: list[ReachRow], table: str) -> Any:
    return bar_chart(
        chart_id,
        title,
        [
            (row.label, None if row.suppressed else float(row.learners), row.learners_text)
            for row in rows
        ],
        table_name=table,
    )


@require_GET
def reporting_index_view(request: HttpRequest) -> HttpResponse:
    partnerships = list(reporting_partnerships(actor=request.user))
    return render(request, "reporting/index.html", {"partnerships": partnerships})


REACH_TABLES = {
    "schools": ("School or college", "Learners engaged by school or college"),
    "year-groups": ("Year group", "Learners engaged by year group (this academic year)"),
    "activity-types": ("Activity type", "Learners engaged by activity type (MOAT)"),
    "partners": ("Delivering partner", "Learners engaged by delivering partner"),
}


@require_GET
def dashboard_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = _partnership(request, partnership_id)
    figures = reach(partnership)
    tables = {
        "schools": figures.schools,
        "year-groups": figures.year_groups,
        "activity-types": figures.activity_types,
        "partners": figures.partners,
    }
    chosen = request.GET.get("table", "")
    if request.GET.get("format") == "csv" and chosen in tables:
        heading = REACH_TABLES[chosen][0]
        return _csv(
            partnership,
            chosen,
            [heading, *REACH_HEADINGS[1:]],
            (row.cells() for row in tables[chosen]),
        )
    sections = [
        {
            "slug": slug,
            "heading": REACH_TABLES[slug][0],
            "caption": REACH_TABLES[slug][1],
            "rows": rows,
            "chart": _reach_chart(
                f"chart-{slug}", REACH_TABLES[slug][1], rows, REACH_TABLES[slug][1]
            ),
        }
        for slug, rows in tables.items()
    ]
    return _page(request, partnership, "reach", {"total": figures.total, "sections": sections})


@require_GET
def targets_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = _partnership(request, partnership_id)
    # Counts by a rule set reading special category data only for those who may see it.
    rule_sets = reporting_policy.rule_sets(request.user, partnership)
    rule_set = _chosen(request, "rule_set", rule_sets)
    figures = None if rule_set is None else targets(partnership, rule_set)
    if request.GET.get("format") == "csv" and figures is not None:
        if request.GET.get("table") == "cold-spots":
            return _csv(
                partnership,
                "cold-spots",
                COLD_SPOT_HEADINGS,
                (spot.cells() for spot in figures.cold_spots),
            )
        if request.GET.get("table") == "target-status":
            return _csv(
                partnership,
                "target-status",
                TARGET_HEADINGS,
                (row.cells() for row in figures.by_status),
            )
    chart = figures and _reach_chart(
        "chart-target-status",
        f"Learners engaged by target status ({rule_set})",
        figures.by_status,
        "Learners engaged by target status",
    )
    return _page(
        request,
        partnership,
        "targets",
        {"rule_sets": rule_sets, "rule_set": rule_set, "figures": figures, "chart": chart},
    )


@require_GET
def sustained_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = _partnership(request, partnership_id)
    programmes = reporting_policy.programmes(request.user, partnership)
    programme = _chosen(request, "programme", programmes)
    figures = None if programme is None else sustained(programme)
    if request.GET.get("format") == "csv" and figures is not None:
        return _csv(
            partnership,
            "sustained-engagement",
            SUSTAINED_HEADINGS,
            [figures.total.cells(), *(row.cells() for row in figures.schools)],
        )
    chart = figures and bar_chart(
        "chart-sustained",
        f"Sustained engagement rate by school ({programme})",
        [
            (row.label, None if row.rate is None else row.rate * 100, row.rate_text)
            for row in figures.schools
        ],
        table_name="Sustained engagement by school",
    )
    return _page(
        request,
        partnership,
        "sustained",
        {"programmes": programmes, "programme": programme, "figures": figures, "chart": chart},
    )


@require_GET
def progression_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    """Progression to higher education of engaged learners beside similar learners who were
    not engaged (counts only, small numbers suppressed)."""
    partnership = _partnership(request, partnership_id)
    figures = progression(partnership)
    rows = [figures.engaged, figures.similar]
    if request.GET.get("format") == "csv":
        return _csv(
            partnership,
            "progression",
            PROGRESSION_HEADINGS,
            (row.cells() for row in rows),
        )
    return _page(request, partnership, "progression", {"figures": figures, "rows": rows})


@require_GET
def monitoring_export_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = reporting_policy.get(request.user, partnership_id, action=EXPORT_MONITORING)
    export = monitoring_export(actor=request.user, partnership=partnership)
    day = timezone.localdate().isoformat()
    return table_download(
        file_name=f"{_slug(partnership)}-monitoring-{day}",
        columns=export.columns,
        rows=export.rows,
        identities=export.identities,
        access_log=lambda: access_log_record_views(
            actor=request.user,
            views=export.views.values(),
            purpose=f"monitoring export: {partnership.name}",
        ),
    )
