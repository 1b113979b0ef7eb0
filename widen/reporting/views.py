"""Dashboard pages: a partnership's reach and coverage, its target learners and cold spots, and
its programmes' sustained engagement; each table as CSV; and the learner-level monitoring export.

Every figure comes from the summaries (`widen.reporting.models`): no page adds up attendance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

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
from widen.reporting.selectors import (
    COLD_SPOT_HEADINGS,
    REACH_HEADINGS,
    SMALL_COUNT,
    SUSTAINED_HEADINGS,
    TARGET_HEADINGS,
    ReachRow,
    programmes_for,
    reach,
    reporting_partnership_get,
    reporting_partnerships,
    rule_sets_for,
    sustained,
    targets,
)
from widen.reporting.summaries import programme_counts_current, target_counts_current
from widen.targeting.learner_filters import rule_sets_readable_by


def _partnership(request: HttpRequest, partnership_id: UUID) -> Partnership:
    """The partnership, if the person may see its figures (otherwise `NotFound`: 404)."""
    return reporting_partnership_get(actor=request.user, partnership_id=partnership_id)


def _csv(rows: Sequence[Sequence[Any]], name: str) -> HttpResponseBase:
    """A table of figures (no learner in it) as CSV: the first row is the header."""
    header, *body = rows
    return table_download(
        file_name=name,
        columns=[str(cell) for cell in header],
        rows=body,
        access_log=NO_PERSONAL_DATA,
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
            [[heading, *REACH_HEADINGS[1:]], *(row.cells() for row in tables[chosen])],
            f"{_slug(partnership)}-{chosen}",
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
    return render(
        request,
        "reporting/dashboard.html",
        {
            "partnership": partnership,
            "total": figures.total,
            "sections": sections,
            "small_count": SMALL_COUNT,
            "tab": "reach",
        },
    )


@require_GET
def targets_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = _partnership(request, partnership_id)
    # Counts by a rule set reading special category data only for those who may see it.
    rule_sets = rule_sets_readable_by(request.user, rule_sets_for(partnership))
    rule_set = next(
        (choice for choice in rule_sets if str(choice.pk) == request.GET.get("rule_set")),
        rule_sets[0] if rule_sets else None,
    )
    figures = None
    if rule_set is not None:
        # Worked out again here if targeting has changed the rule set's results since.
        target_counts_current(rule_set)
        figures = targets(partnership, rule_set)
    if request.GET.get("format") == "csv" and figures is not None:
        if request.GET.get("table") == "cold-spots":
            return _csv(
                [COLD_SPOT_HEADINGS, *(spot.cells() for spot in figures.cold_spots)],
                f"{_slug(partnership)}-cold-spots",
            )
        if request.GET.get("table") == "target-status":
            return _csv(
                [TARGET_HEADINGS, *(row.cells() for row in figures.by_status)],
                f"{_slug(partnership)}-target-status",
            )
    chart = None
    if figures is not None:
        chart = _reach_chart(
            "chart-target-status",
            f"Learners engaged by target status ({rule_set})",
            figures.by_status,
            "Learners engaged by target status",
        )
    return render(
        request,
        "reporting/targets.html",
        {
            "partnership": partnership,
            "rule_sets": rule_sets,
            "rule_set": rule_set,
            "figures": figures,
            "chart": chart,
            "small_count": SMALL_COUNT,
            "tab": "targets",
        },
    )


@require_GET
def sustained_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = _partnership(request, partnership_id)
    programmes = programmes_for(partnership)
    programme = next(
        (choice for choice in programmes if str(choice.pk) == request.GET.get("programme")),
        programmes[0] if programmes else None,
    )
    figures = None
    if programme is not None:
        # Worked out again here if enrolments have changed since.
        programme_counts_current(programme)
        figures = sustained(programme)
    if request.GET.get("format") == "csv" and figures is not None:
        return _csv(
            [SUSTAINED_HEADINGS, figures.total.cells(), *(row.cells() for row in figures.schools)],
            f"{_slug(partnership)}-sustained-engagement",
        )
    chart = None
    if figures is not None:
        chart = bar_chart(
            "chart-sustained",
            f"Sustained engagement rate by school ({programme})",
            [
                (row.label, None if row.rate is None else row.rate * 100, row.rate_text)
                for row in figures.schools
            ],
            table_name="Sustained engagement by school",
        )
    return render(
        request,
        "reporting/sustained.html",
        {
            "partnership": partnership,
            "programmes": programmes,
            "programme": programme,
            "figures": figures,
            "chart": chart,
            "small_count": SMALL_COUNT,
            "tab": "sustained",
        },
    )


@require_GET
def monitoring_export_view(request: HttpRequest, partnership_id: UUID) -> HttpResponseBase:
    partnership = _partnership(request, partnership_id)
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
