"""Activity pages: the catalogue of a partnership's activities, their sessions, and registers
taken on a phone or tablet."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import polars as pl
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.models import Membership
from widen.accounts.requests import AuthenticatedRequest
from widen.activities.forms import ActivityForm, RegisterUploadForm, SessionForm
from widen.activities.imports import (
    REGISTER_MAX_BYTES,
    register_import_check,
    register_import_commit,
    register_import_start,
)
from widen.activities.imports import outcome_summary as register_import_summary
from widen.activities.models import (
    Activity,
    AttendanceStatus,
    RegisterImport,
    RegisterImportStatus,
    Session,
)
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
    activity_get,
    activity_list,
    register_candidates,
    register_import_get,
    schools_with_pupils_seen,
    session_for_register,
    session_register_reach,
)
from widen.activities.services import (
    DELIVERING_ROLES,
    YEAR_GROUPS,
    SessionDetails,
    activity_create,
    attendance_mark,
    contact_hours,
    marking_refusal,
    may_deliver,
    register_add,
    registers_taken_by,
    session_create,
)
from widen.activities.templatetags.hours import hours as hours_text
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.learners.saved_searches import (
    saved_search_get,
    saved_search_learners,
    saved_search_list,
)
from widen.learners.selectors import learner_get, learner_pseudonym
from widen.learners.services import learner_views_record
from widen.organisations.models import DataCategory, Organisation, Partnership
from widen.organisations.permissions import organisation_policy
from widen.programmes.models import ActivityType, Enrolment, Programme
from widen.programmes.selectors import programme_get


def _deliverers(request: AuthenticatedRequest, partnership: Partnership) -> Any:
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(
            user=request.user,
            role__in=DELIVERING_ROLES,
            organisation__in=partnership.members.all(),
        ).values("organisation_id")
    )


def _activity_or_404(request: HttpRequest, activity_id: UUID) -> Activity:
    try:
        return activity_get(actor=request.user, activity_id=activity_id)
    except NotFound as error:
        raise Http404 from error


@require_GET
def activity_list_view(request: AuthenticatedRequest) -> HttpResponse:
    partnerships = list(organisation_policy.partnerships_visible_to(request.user))
    activities = activity_list(actor=request.user).order_by("partnership__name", "name")
    planning = [partnership for partnership in partnerships if _deliverers(request, partnership)]
    return render(
        request,
        "activities/activity_list.html",
        {"activities": activities, "planning": planning},
    )


@require_http_methods(["GET", "POST"])
def activity_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = organisation_policy.partnership_visible_to(request.user, partnership_id)
    if partnership is None:
        raise Http404
    deliverers = _deliverers(request, partnership)
    if not deliverers.exists():
        raise Http404
    form = ActivityForm(request.POST or None, partnership=partnership, deliverers=deliverers)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_create(
                actor=request.user,
                partnership=partnership,
                delivered_by=form.cleaned_data["delivered_by"],
                name=form.cleaned_data["name"],
                sub_type=form.cleaned_data["sub_type"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Added {activity.name}. Now plan its sessions.")
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request, "activities/activity_form.html", {"form": form, "partnership": partnership}
    )


@require_GET
def activity_detail_view(request: HttpRequest, activity_id: UUID) -> HttpResponse:
    activity = _activity_or_404(request, activity_id)
    sessions = list(activity.sessions.select_related("school").prefetch_related("joint_partners"))
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "sessions": sessions,
            # A "Register" link only where the person may open it.
            "open_registers": registers_taken_by(request.user, sessions),
            "may_deliver": may_deliver(request.user, activity.delivered_by),
        },
    )


@require_http_methods(["GET", "POST"])
def session_create_view(request: AuthenticatedRequest, activity_id: UUID) -> HttpResponse:
    activity = _activity_or_404(request, activity_id)
    if not may_deliver(request.user, activity.delivered_by):
        raise Http404
    form = SessionForm(
        request.POST or None,
        partnership=activity.partnership,
        schools_seen=lambda schools: schools_with_pupils_seen(actor=request.user, schools=schools),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_create(
                actor=request.user,
                activity=activity,
                details=SessionDetails(
                    date=data["date"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    contact_hours=data["contact_hours"],
                    venue=data["venue"],
                    online_link=data["online_link"],
                    year_groups=data["year_groups"],
                    school=data["school"],
                    capacity=data["capacity"],
                    joint_partners=list(data["joint_partners"]),
                    student_ambassadors=data["student_ambassadors"],
                ),
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Added the session on {session.date:%-d %B %Y}.")
            reach = session_register_reach(actor=request.user, session=session)
            if reach is not None and reach.note:
                messages.warning(request, reach.note)
            return redirect("activities:detail", activity_id=activity.pk)
    return render(request, "activities/session_form.html", {"form": form, "activity": activity})


def _session_or_404(request: HttpRequest, session_id: UUID) -> Session:
    try:
        return session_for_register(actor=request.user, session_id=session_id)
    except NotFound as error:
        raise Http404 from error


def _named(request: HttpRequest, learners: Any) -> list[Learner]:
    """The learners `request.user` may see by name."""
    shown = []
    for learner in learners:
        access = learner_policy.access(request.user, learner)  # type: ignore[arg-type]
        if access is not None and DataCategory.IDENTITY in access.categories:
            shown.append(learner)
    return shown


# The add-pupils list shows at most this many at once; a filter narrows it.
CANDIDATES_SHOWN = 200


@dataclass(frozen=True)
class CandidateFilter:
    """Which of the school's pupils the add-pupils list shows: year groups (the session's, until
    the person chooses) and words of their name."""

    year_groups: tuple[int, ...]
    search: str
    chosen: bool  # the person filtered (else the session's year groups are preselected)

    @classmethod
    def read(cls, data: Any, session: Session) -> CandidateFilter:
        years = tuple(sorted({int(value) for value in data.getlist("year") if value.isdigit()}))
        chosen = data.get("filtered") == "1"
        if not chosen:
            years = tuple(session.year_groups)
        return cls(years, " ".join(data.get("q", "").split())[:100], chosen)

    def query(self) -> str:
        return urlencode(
            [("filtered", "1"), *(("year", year) for year in self.year_groups), ("q", self.search)]
        )


def _marks_posted(request: AuthenticatedRequest, rows: list[Any]) -> dict[Any, str]:
    return {
        row.learner_id: request.POST.get(f"status-{row.learner_id}", row.status) for row in rows
    }


@require_http_methods(["GET", "POST"])
def register_view(request: AuthenticatedRequest, session_id: UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    # Only the learners this person may see by name are shown, and marked, by them.
    everyone = list(session.register.select_related("learner").order_by("learner__last_name"))
    named = {learner.pk for learner in _named(request, [row.learner for row in everyone])}
    on_register = [row for row in everyone if row.learner_id in named]
    wanted = CandidateFilter.read(
        request.POST if request.method == "POST" else request.GET, session
    )
    held_now = {row.learner_id for row in everyone}
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action in {"add", "add_shown"}:
                found = register_candidates(
                    actor=request.user,
                    session=session,
                    year_groups=wanted.year_groups,
                    search=wanted.search,
                )
                if action == "add":
                    found = found.filter(pk__in=_uuids(request.POST.getlist("learner")))
                chosen = list(found[: MOST_FROM_A_SEARCH + 1])
                ticked = set(_uuids(request.POST.getlist("learner")))
                if not chosen and action == "add" and ticked and ticked <= held_now:
                    # Sent twice (or by two people): they are there already.
                    messages.info(request, "They are on the register already.")
                    return redirect("activities:register", session_id=session.pk)
                if not chosen:
                    raise ApplicationError(
                        "Choose at least one pupil to add (tick their box), or add everyone shown."
                    )
                if len(chosen) > MOST_FROM_A_SEARCH:
                    raise ApplicationError(
                        f"At most {MOST_FROM_A_SEARCH:,} pupils are added at once: choose a year "
                        "group or search for a name first."
                    )
                change = register_add(actor=request.user, session=session, learners=chosen)
                messages.success(
                    request,
                    f"Added {len(change.added)} learner{'s' if len(change.added) != 1 else ''} "
                    "to the register.",
                )
            elif action == "add_search":
                _add_saved_search(request, session)
            else:
                changed = attendance_mark(
                    actor=request.user,
                    session=session,
                    marks=_marks_posted(request, on_register),
                    before_start=request.POST.get("started") == "yes",
                )
                messages.success(request, f"Saved the register ({changed} changed).")
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            url = reverse("activities:register", kwargs={"session_id": session.pk})
            if action in {"add", "add_shown"} and wanted.chosen:
                url += "?" + wanted.query()
            return redirect(url)
    held = {row.learner_id for row in everyone}
    candidates: list[Learner] = []
    more = 0
    if session.school_id:
        found = register_candidates(
            actor=request.user,
            session=session,
            year_groups=wanted.year_groups,
            search=wanted.search,
        )
        candidates = list(found[: CANDIDATES_SHOWN + 1])
        if len(candidates) > CANDIDATES_SHOWN:
            candidates = candidates[:CANDIDATES_SHOWN]
            more = found.count() - CANDIDATES_SHOWN
    hours = contact_hours(held)
    refusal = marking_refusal(session)
    return render(
        request,
        "activities/register.html",
        {
            "session": session,
            "rows": [(row, row.learner, hours.get(row.learner_id)) for row in on_register],
            "places_taken": len(everyone),
            "candidates": candidates,
            "candidates_more": more,
            "filter": wanted,
            "year_choices": list(YEAR_GROUPS),
            "reach": session_register_reach(actor=request.user, session=session),
            "not_started": refusal,
            "future_day": refusal is not None and session.date > timezone.localdate(),
            "statuses": AttendanceStatus.choices,
            "saved_searches": saved_search_list(actor=request.user),
        },
    )


# Adding a whole saved search is for a class or a year group, not a whole partnership.
MOST_FROM_A_SEARCH = 1000


def _add_saved_search(request: AuthenticatedRequest, session: Session) -> None:
    """Put everyone one of the person's saved searches finds now (and whom they may see by name)
    on the register, within its capacity: all of them or, with a message, none."""
    try:
        search = saved_search_get(actor=request.user, search_id=request.POST.get("search", ""))
    except NotFound as error:
        raise ApplicationError("Choose one of your saved searches.") from error
    named = learner_policy.visible_to(request.user, needing=DataCategory.IDENTITY)
    found = saved_search_learners(actor=request.user, search=search).filter(
        pk__in=named.values("pk")
    )
    waiting = found.exclude(pk__in=session.register.values("learner_id"))
    count = waiting.count()
    if count > MOST_FROM_A_SEARCH:
        raise ApplicationError(
            f"‘{search.name}’ finds {count:,} learners not on the register; at most "
            f"{MOST_FROM_A_SEARCH:,} are added at once. Narrow the search (say, to a school and "
            "a year group) and save it again."
        )
    if not count:
        messages.info(
            request,
            f"Everyone ‘{search.name}’ finds is on the register already."
            if found.exists()
            else f"‘{search.name}’ finds no learners you can see by name.",
        )
        return
    try:
        change = register_add(actor=request.user, session=session, learners=list(waiting))
    except ApplicationError as error:
        raise ApplicationError(
            f"Nothing was added from ‘{search.name}’, which finds {count:,} learner"
            f"{'s' if count != 1 else ''} not on the register. {error.message}"
        ) from error
    added = len(change.added)
    messages.success(
        request,
        f"Added {added} learner{'s' if added != 1 else ''} from ‘{search.name}’ to the register.",
    )


# --- Importing a register ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register_import_view(request: AuthenticatedRequest, session_id: UUID) -> HttpResponse:
    """Upload a register as a spreadsheet; its rows are checked before anything is saved."""
    session = _session_or_404(request, session_id)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["register"]
        try:
            if upload.size > REGISTER_MAX_BYTES:
                raise ApplicationError(
                    f"The file is {upload.size / 1_048_576:.1f} MB; registers of up to "
                    f"{REGISTER_MAX_BYTES // 1_048_576} MB are accepted."
                )
            started = register_import_start(
                actor=request.user,
                session=session,
                file_name=upload.name or "register",
                content=upload.read(),
                sheet_name=form.cleaned_data.get("sheet") or "",
            )
        except ApplicationError as error:
            form.add_error("register", error.message)
        else:
            return redirect("activities:register_import_detail", import_id=started.pk)
    return render(request, "activities/register_import.html", {"session": session, "form": form})


# The preview lists at most this many rows of each kind (a register has a few hundred at most).
ROWS_SHOWN = 500


def _register_import_or_404(request: AuthenticatedRequest, import_id: UUID) -> RegisterImport:
    try:
        return register_import_get(actor=request.user, import_id=import_id)
    except NotFound as error:
        raise Http404 from error


@require_GET
def register_import_detail_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    """The preview: who will be added and marked, and every row's problem. Writes nothing."""
    upload = _register_import_or_404(request, import_id)
    context: dict[str, Any] = {"upload": upload, "session": upload.session}
    if upload.status == RegisterImportStatus.CHECKED and upload.file_content:
        try:
            report = register_import_check(upload, actor=request.user)
        except ApplicationError as error:
            context["file_error"] = error.message
        else:
            context.update(
                {
                    "report": report,
                    "summary": register_import_summary(report, committed=False),
                    "problems": [
                        (problem, report.column_named(problem.column))
                        for problem in report.problems[:ROWS_SHOWN]
                    ],
                    "problems_hidden": max(len(report.problems) - ROWS_SHOWN, 0),
                    "added": report.to_add[:ROWS_SHOWN],
                    "added_hidden": max(len(report.to_add) - ROWS_SHOWN, 0),
                    "remarked": report.remarked[:ROWS_SHOWN],
                    "remarked_hidden": max(len(report.remarked) - ROWS_SHOWN, 0),
                }
            )
    return render(request, "activities/register_import_check.html", context)


@require_http_methods(["POST"])
def register_import_commit_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = _register_import_or_404(request, import_id)
    try:
        report = register_import_commit(
            upload=upload,
            actor=request.user,
            accept_partial=request.POST.get("accept_partial") == "yes",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("activities:register_import_detail", import_id=upload.pk)
    messages.success(request, "Imported: " + register_import_summary(report, committed=True))
    return redirect("activities:register", session_id=upload.session_id)


def _uuids(values: list[str]) -> list[UUID]:
    keys = []
    for value in values:
        try:
            keys.append(UUID(value))
        except ValueError:
            continue
    return keys


# --- Progress on a programme -------------------------------------------------------------------


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
            year=int(year) if year.isdigit() and int(year) in YEAR_GROUPS else None,
            missing=data.get("missing", "")[:40],
        )

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
            digits = self.missing.isdigit() and len(self.missing) < 19  # noqa: PLR2004
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
    try:
        return UUID(one) == UUID(other)
    except ValueError:
        return False


def _programme_or_404(request: AuthenticatedRequest, programme_id: UUID) -> Any:
    try:
        return programme_get(actor=request.user, programme_id=programme_id)
    except NotFound as error:
        raise Http404 from error


@require_GET
def programme_progress_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """Every enrolled learner against their stage: counts by school and partner, then the
    learners the person may see by name, filtered and a page at a time, each with the next
    sessions that would help them; the chosen ones go on a suggested session's register."""
    programme = _programme_or_404(request, programme_id)
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
        learner_policy.visible_to(request.user, needing=DataCategory.IDENTITY)
        .filter(
            pk__in=Enrolment.objects.filter(programme=programme, left_on=None).values("learner_id")
        )
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
        for learner in Learner.objects.filter(pk__in=list(on_page)).select_related("school")
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
            "page_query": wanted.query(),
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
    programme = _programme_or_404(request, programme_id)
    wanted = ProgressFilter.read(request.POST)
    back = reverse("activities:progress", kwargs={"programme_id": programme.pk})
    query = wanted.query(page=request.POST.get("page", "")[:6])
    back = f"{back}?{query}" if query else back
    try:
        try:
            session = session_for_register(
                actor=request.user, session_id=_uuids([request.POST.get("session", "")])[0]
            )
        except (NotFound, IndexError) as error:
            raise ApplicationError(
                "Choose one of the suggested sessions whose register you take."
            ) from error
        if session.activity.partnership_id != programme.partnership_id:
            raise ApplicationError("Choose one of the suggested sessions whose register you take.")
        learners = list(
            learner_policy.visible_to(request.user, needing=DataCategory.IDENTITY)
            .filter(
                pk__in=_uuids(request.POST.getlist("learner")),
                enrolments__programme=programme,
                enrolments__left_on=None,
            )
            .distinct()
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


# --- A learner's journey -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    what: str
    detail: str
    by: str


@require_GET
def learner_timeline_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    """Everything every partner did with a learner: sessions and programmes, newest first."""
    try:
        learner, access = learner_get(actor=request.user, learner_id=learner_id)
    except NotFound as error:
        raise Http404 from error
    learner_views_record(
        actor=request.user,
        learners=[learner],
        access_by_learner={learner.id: access},
        purpose="learner journey viewed",
        categories_shown=[DataCategory.IDENTITY],
    )
    entries: list[TimelineEntry] = []
    for row in learner.attendance.select_related(
        "session__activity__sub_type__activity_type", "session__activity__delivered_by"
    ):
        session = row.session
        status = AttendanceStatus(row.status).label.lower()
        credited = (
            f", {hours_text(session.contact_hours)} hours" if row.status == "attended" else ""
        )
        entries.append(
            TimelineEntry(
                session.date,
                session.activity.name,
                f"{session.activity.sub_type.activity_type.name}: {status}{credited}",
                session.activity.delivered_by.name,
            )
        )
    for enrolment in learner.enrolments.select_related("programme__partnership"):
        entries.append(
            TimelineEntry(
                enrolment.joined_on,
                enrolment.programme.name,
                "joined the programme",
                enrolment.programme.partnership.name,
            )
        )
        if enrolment.left_on:
            entries.append(
                TimelineEntry(
                    enrolment.left_on,
                    enrolment.programme.name,
                    f"left the programme: {enrolment.leaving_reason}",
                    enrolment.programme.partnership.name,
                )
            )
    entries.sort(key=lambda entry: entry.day, reverse=True)
    return render(
        request,
        "activities/learner_timeline.html",
        {
            "learner": learner,
            "access": access,
            "pseudonym": learner_pseudonym(learner.id),
            "entries": entries,
            "hours": contact_hours([learner.pk]).get(learner.pk, Decimal(0)),
        },
    )
