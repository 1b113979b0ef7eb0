"""Progress on a programme: every enrolled learner against their stage, counted by school and
partner, and the learners behind put on a suggested session's register."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import polars as pl
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.permissions import registers_taken_by
from widen.activities.progress import (
    BEHIND,
    COMPLETE,
    NO_STAGE,
    ON_TRACK,
    STATUS_LABELS,
    Engagement,
    EnrolledProgress,
    engagement_frame,
    engagement_from,
    next_sessions,
    progress_frame,
    read_rows,
    rows_from,
    text_id,
)
from widen.activities.selectors import (
    enrolled_learners_named,
    named_learners,
    session_for_register,
)
from widen.activities.services import YEAR_GROUPS, register_add
from widen.activities.views.common import posted_ids
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import Organisation
from widen.programmes.models import ActivityType, Programme
from widen.programmes.selectors import programme_get


def _progress_by(
    rows: pl.DataFrame, group_of: dict[str, str], key: str
) -> list[tuple[str, int, int, int, int, str]]:
    """Learners behind, on track, complete, with no stage, and sustained, per school or per
    partner (`key`: the column naming it), the most behind first: counted by one vectorised
    pass over every enrolled learner."""
    named = pl.col(key).replace_strict(
        group_of, default="No school recorded", return_dtype=pl.String
    )
    status = pl.col("status")
    tallies = (
        rows.with_columns(named.alias("group"))
        .group_by("group")
        .agg(
            (status == BEHIND).sum().alias(BEHIND),
            (status == ON_TRACK).sum().alias(ON_TRACK),
            (status == COMPLETE).sum().alias(COMPLETE),
            (status == NO_STAGE).sum().alias(NO_STAGE),
            pl.col("sustained").sum().alias("sustained"),
            pl.len().alias("learners"),
        )
    )
    return sorted(
        (
            (group, behind, on_track, complete, no_stage, f"{sustained} of {learners}")
            for group, behind, on_track, complete, no_stage, sustained, learners in (
                tallies.select(
                    "group", BEHIND, ON_TRACK, COMPLETE, NO_STAGE, "sustained", "learners"
                ).iter_rows()
            )
        ),
        key=lambda row: (-row[1], row[0]),
    )


# Learners listed on one page of the progress page.
PROGRESS_PER_PAGE = 50
ALL = "all"


@dataclass(frozen=True)
class ProgressFilter:
    """Which enrolled learners the progress page lists: by status (behind, unless chosen),
    school, year group and an activity type their stage still needs."""

    status: str
    school: str
    year: int | None
    missing: str

    @classmethod
    def read(cls, data: Any) -> ProgressFilter:
        status = data.get("status", BEHIND)
        if status not in STATUS_LABELS and status != ALL:
            status = BEHIND
        year = data.get("year", "")
        return cls(
            status=status,
            school=data.get("school", "")[:40],
            year=int(year)
            if year.isascii() and year.isdigit() and int(year) in YEAR_GROUPS
            else None,
            missing=data.get("missing", "")[:40],
        )

    @property
    def any_status(self) -> bool:
        return self.status == ALL

    def keeps(self) -> pl.Expr:
        """Which rows of `progress_frame` the filter keeps."""
        kept = pl.lit(True)
        if self.status != ALL:
            kept &= pl.col("status") == self.status
        if self.school:
            kept &= pl.col("school").fill_null("none") == self.school
        if self.year is not None:
            kept &= pl.col("year_group") == self.year
        if self.missing:
            digits = (
                self.missing.isascii() and self.missing.isdigit() and len(self.missing) < 19  # noqa: PLR2004
            )
            if digits and str(int(self.missing)) == self.missing:
                kept &= pl.col("missing").list.contains(int(self.missing))
            else:
                kept &= pl.lit(False)
        return kept

    def query(self, **changes: Any) -> str:
        values = {
            "status": self.status,
            "school": self.school,
            "year": "" if self.year is None else str(self.year),
            "missing": self.missing,
            **changes,
        }
        return urlencode({name: value for name, value in values.items() if value})


def _same_id(one: str, other: str) -> bool:
    ids = posted_ids([one, other])
    return len(ids) == 2 and ids[0] == ids[1]  # noqa: PLR2004


@require_GET
def programme_progress_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """Every enrolled learner against their stage: counts by school and partner, then the
    learners the person may see by name, filtered and a page at a time, each with the next
    sessions that would help them; the chosen ones go on a suggested session's register."""
    programme = programme_get(actor=request.user, programme_id=programme_id)
    # Every enrolled learner's status is worked out and counted in vectorised passes; objects,
    # reasons and suggestions are made only for the page's learners.
    engagement = engagement_frame(programme)
    rows = progress_frame(programme).join(
        engagement.rename({"cents": "engaged_cents"}), on="learner_id", how="left"
    )
    wanted = ProgressFilter.read(request.GET)
    # Schools', holders' and learners' ids are compared as the database writes them as text
    # (`text_id`).
    named = read_rows(
        enrolled_learners_named(actor=request.user, programme=programme)
        .order_by()
        .values_list("pk"),
        {"learner_id": pl.String},
    ).with_columns(pl.lit(True).alias("named"))
    schools = rows.get_column("school").drop_nulls().unique().to_list()
    organisations = dict(
        Organisation.objects.filter(
            pk__in=[*schools, *rows.get_column("holder").unique().to_list()]
        )
        .annotate(key=text_id("pk"))
        .values_list("key", "name")
    )
    if wanted.school not in {"", "none", *organisations}:  # an id written another way
        wanted = replace(
            wanted,
            school=next(
                (key for key in organisations if _same_id(key, wanted.school)), wanted.school
            ),
        )
    kept = rows.filter(wanted.keeps()).join(named.unique("learner_id"), on="learner_id", how="left")
    seen = pl.col("named").fill_null(False)
    hidden = kept.filter(~seen).height
    chosen = kept.filter(seen)
    last_names = chosen.get_column("last_name").to_list()
    first_names = chosen.get_column("first_name").to_list()
    chosen = chosen.with_columns(
        pl.Series("last_fold", [name.casefold() for name in last_names], dtype=pl.String),
        pl.Series("first_fold", [name.casefold() for name in first_names], dtype=pl.String),
    ).sort("last_fold", "first_fold", "learner_id")  # ids' text sorts as `str(uuid)` does
    rows_on_pages: Any = _ProgressRows(programme, chosen)  # a Sequence made lazily
    page: Page[tuple[EnrolledProgress, Engagement]] = Paginator(
        rows_on_pages, PROGRESS_PER_PAGE
    ).get_page(request.GET.get("page"))
    on_page = {row.learner_id: row for row, _ in page.object_list}
    engaged = {row.learner_id: engaged for row, engaged in page.object_list}
    shown = {
        learner.pk: learner
        for learner in named_learners(actor=request.user, learner_ids=on_page).select_related(
            "school"
        )
    }
    suggestions = next_sessions(programme, {key: row.stage for key, row in on_page.items()})
    offered = {
        suggestion.session.pk: suggestion.session
        for found in suggestions.values()
        for suggestion in found
    }
    open_registers = registers_taken_by(request.user, offered.values())
    listed = [
        (shown[key], row.stage, suggestions.get(key, []), engaged[row.learner_id])
        for key, row in on_page.items()
        if key in shown
    ]
    in_programme_schools = sorted({(organisations.get(key, ""), key) for key in schools})
    return render(
        request,
        "activities/programme_progress.html",
        {
            "programme": programme,
            "schools": _progress_by(rows, organisations, "school"),
            "partners": _progress_by(rows, organisations, "holder"),
            "filter": wanted,
            "status_label": STATUS_LABELS.get(wanted.status, "in any state"),
            "statuses": STATUS_LABELS,
            "school_choices": in_programme_schools,
            "has_no_school": rows.get_column("school").null_count() > 0,
            "year_choices": list(YEAR_GROUPS),
            "type_choices": ActivityType.objects.filter(
                pk__in=rows.get_column("missing").explode().drop_nulls().unique().to_list()
            ).order_by("name"),
            "listed": listed,
            "page": page,
            "matching": chosen.height,
            "sessions_offered": sorted(
                (session for key, session in offered.items() if key in open_registers),
                key=lambda session: (session.date, session.starts_at, session.activity.name),
            ),
            "hidden": hidden,
        },
    )


class _ProgressRows:
    """The progress page's chosen learners for the paginator: counted from the frame, and made
    into objects only for the slice a page shows."""

    def __init__(self, programme: Programme, frame: pl.DataFrame) -> None:
        self.programme = programme
        self.frame = frame

    def __len__(self) -> int:
        return self.frame.height

    def __getitem__(self, where: slice) -> list[tuple[EnrolledProgress, Engagement]]:
        start, stop, _ = where.indices(self.frame.height)
        shown = self.frame.slice(start, max(stop - start, 0))
        engaged = shown.select(
            pl.col("engaged_cents").alias("cents"), "activities", "academic_years", "sustained"
        )
        return list(
            zip(
                rows_from(self.programme, shown),
                (engagement_from(row) for row in engaged.iter_rows(named=True)),
                strict=True,
            )
        )


@require_POST
def progress_add_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """Put the learners chosen on the progress page on a suggested session's register, in one
    step, through the register's own rules (who takes it, whom they see, its places)."""
    programme = programme_get(actor=request.user, programme_id=programme_id)
    wanted = ProgressFilter.read(request.POST)
    back = reverse("activities:progress", kwargs={"programme_id": programme.pk})
    query = wanted.query(page=request.POST.get("page", "")[:6])
    back = f"{back}?{query}" if query else back
    try:
        try:
            session = session_for_register(
                actor=request.user, session_id=request.POST.get("session", "")
            )
        except NotFound as error:
            raise ApplicationError(
                "Choose one of the suggested sessions whose register you take."
            ) from error
        if session.activity.partnership_id != programme.partnership_id:
            raise ApplicationError("Choose one of the suggested sessions whose register you take.")
        learners = list(
            enrolled_learners_named(actor=request.user, programme=programme).filter(
                pk__in=posted_ids(request.POST.getlist("learner"))
            )
        )
        if not learners:
            raise ApplicationError("Tick at least one learner to add to the session.")
        change = register_add(actor=request.user, session=session, learners=learners)
    except ApplicationError as error:
        messages.error(request, f"Nobody was added. {error.message}")
        return redirect(back)
    added, already = len(change.added), len(change.already_on)
    text = (
        f"Added {added} learner{'s' if added != 1 else ''} to {session.activity.name} on "
        f"{session.date:%-d %B %Y}."
    )
    if already:
        text += f" {already} {'were' if already != 1 else 'was'} on its register already."
    messages.success(request, text)
    return redirect(back)
