"""Taking a session's register on a phone or tablet: who is on it, adding the school's pupils
(chosen, everyone a filter shows, or a saved search) and marking who came."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.models import AttendanceStatus, Session
from widen.activities.selectors import (
    not_on_register,
    register_candidates,
    register_sheet,
    session_for_register,
    session_register_reach,
)
from widen.activities.services import (
    YEAR_GROUPS,
    attendance_mark,
    contact_hours,
    marking_refusal,
    register_add,
)
from widen.activities.views.common import posted_ids
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner
from widen.learners.saved_searches import (
    saved_search_get,
    saved_search_learners,
    saved_search_list,
)

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
        years = tuple(sorted({int(v) for v in data.getlist("year") if v.isascii() and v.isdigit()}))
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
    session = session_for_register(actor=request.user, session_id=session_id)
    # Only the learners this person may see by name are shown, and marked, by them.
    sheet = register_sheet(actor=request.user, session=session)
    on_register = sheet.rows
    wanted = CandidateFilter.read(
        request.POST if request.method == "POST" else request.GET, session
    )
    held_now = sheet.learner_ids
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
                    found = found.filter(pk__in=posted_ids(request.POST.getlist("learner")))
                chosen = list(found[: MOST_FROM_A_SEARCH + 1])
                ticked = set(posted_ids(request.POST.getlist("learner")))
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
    hours = contact_hours(row.learner_id for row in on_register)
    refusal = marking_refusal(session)
    return render(
        request,
        "activities/register.html",
        {
            "session": session,
            "rows": [(row, row.learner, hours.get(row.learner_id)) for row in on_register],
            "places_taken": sheet.places_taken,
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
    found, waiting = not_on_register(
        actor=request.user,
        session=session,
        learners=saved_search_learners(actor=request.user, search=search),
    )
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
