"""Duplicate learners pages: the review queue, one pair side by side, and the decisions."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from widen.accounts.models import User
from widen.accounts.requests import AuthenticatedRequest
from widen.core.downloads import table_download
from widen.core.exceptions import NotFound
from widen.core.form_pages import Refused, carried_out
from widen.learners.duplicates import tasks as duplicate_tasks
from widen.learners.duplicates.finding import PAIR_KINDS
from widen.learners.duplicates.reviews import (
    FIELD_LABELS,
    duplicate_pair_get,
    duplicate_pair_list,
    duplicate_pair_merge,
    duplicate_pair_reject,
    duplicate_pairs_log,
    duplicate_pairs_table,
    duplicate_population_size,
    duplicates_find,
    pair_comparison,
    partnerships_to_search,
    suggested_keep,
)
from widen.learners.models import DuplicateCandidate
from widen.learners.permissions import duplicate_search_policy, may_review_duplicates

QUEUE_SIZE = 100


def duplicate_pairs_download(*, actor: User, purpose: str) -> HttpResponseBase:
    """The pairs waiting for `actor`'s decision as a CSV download, every learner in it
    access-logged (the queue page and the API give the same file)."""
    table = duplicate_pairs_table(actor=actor)
    day = timezone.localdate().isoformat()
    return table_download(
        file_name=f"duplicate-pairs-{day}",
        columns=table.columns,
        rows=table.rows,
        # A reviewer sees every learner of the pairs listed by name (`duplicate_pair_list`).
        identities=True,
        access_log=lambda: duplicate_pairs_log(actor=actor, table=table, purpose=purpose),
    )


def _reviewer(request: AuthenticatedRequest) -> None:
    """Only those who review duplicates; anyone else gets the page that does not exist."""
    if not may_review_duplicates(request.user):
        raise NotFound


def _pair(request: AuthenticatedRequest, pair_id: UUID) -> DuplicateCandidate:
    """A pair waiting for the person's decision (`NotFound`, a 404, for any other)."""
    return duplicate_pair_get(actor=request.user, pair_id=pair_id)


@require_http_methods(["GET"])
def duplicate_queue_view(request: AuthenticatedRequest) -> HttpResponse:
    _reviewer(request)
    pairs = duplicate_pair_list(actor=request.user)
    context = {
        "pairs": [
            {
                "pair": pair,
                "agrees": [
                    FIELD_LABELS[name]
                    for name, word in pair.reasons.items()
                    if name in FIELD_LABELS and word == "same"
                ],
                "differs": [
                    FIELD_LABELS[name]
                    for name, word in pair.reasons.items()
                    if name in FIELD_LABELS and word == "different"
                ],
            }
            for pair in pairs[:QUEUE_SIZE]
        ],
        "waiting": pairs.count(),
        "partnerships": list(partnerships_to_search(request.user).order_by("name")),
    }
    return render(request, "learners/duplicate_queue.html", context)


@require_http_methods(["GET"])
def duplicate_export_view(request: AuthenticatedRequest) -> HttpResponseBase:
    """The pairs waiting for the person's decision, as CSV (access-logged)."""
    _reviewer(request)
    return duplicate_pairs_download(actor=request.user, purpose="duplicate pairs export")


@require_http_methods(["POST"])
def duplicate_find_view(request: AuthenticatedRequest) -> HttpResponse:
    _reviewer(request)
    chosen = request.POST.get("partnership", "")
    partnerships = (
        [duplicate_search_policy.get(request.user, chosen)]
        if chosen
        else partnerships_to_search(request.user).order_by("name")
    )
    for partnership in partnerships:
        learners = duplicate_population_size(actor=request.user, partnership=partnership)
        if learners > duplicate_tasks.BACKGROUND_LEARNERS:
            duplicate_tasks.duplicates_find_queue(
                actor=request.user, partnership_id=str(partnership.pk)
            )
            messages.success(
                request,
                f"{partnership.name}: looking for duplicates among {learners:,} learners in the "
                "background. New pairs appear here when it is done (a minute or two); reload "
                "this page to see them.",
            )
            continue
        summary = duplicates_find(actor=request.user, partnership=partnership)
        messages.success(
            request,
            f"{partnership.name}: compared {summary.learners_compared:,} learners and found "
            f"{summary.pairs_found:,} probable duplicates ({summary.pairs_new:,} new, "
            f"{summary.pairs_already_decided:,} decided before); "
            + (
                "1 pair that looks like twins was left out."
                if summary.twins_set_aside == 1
                else f"{summary.twins_set_aside:,} pairs that look like twins were left out."
            )
            + (
                " Found: "
                + "; ".join(
                    f"{count:,} with {PAIR_KINDS[kind]}" for kind, count in summary.kinds.items()
                )
                + "."
                if summary.kinds
                else ""
            ),
        )
    return redirect("learners:duplicates")


@require_http_methods(["GET"])
def duplicate_pair_view(request: AuthenticatedRequest, pair_id: UUID) -> HttpResponse:
    pair = _pair(request, pair_id)
    return render(
        request,
        "learners/duplicate_pair.html",
        {
            "pair": pair,
            "rows": pair_comparison(pair),
            "suggested_keep": suggested_keep(pair),
            "percentage": f"{pair.match_probability * 100:.1f}",
        },
    )


@require_http_methods(["POST"])
def duplicate_merge_view(request: AuthenticatedRequest, pair_id: UUID) -> HttpResponse:
    pair = _pair(request, pair_id)
    result = carried_out(
        request,
        lambda: duplicate_pair_merge(
            actor=request.user, pair_id=pair.pk, keep=request.POST.get("keep")
        ),
        lambda result: (
            f"Merged: {result.kept.display_name}'s records are now one learner, held by "
            f"{result.kept.organisation.name}."
        ),
    )
    if result is Refused.REFUSED:
        return redirect("learners:duplicate_pair", pair_id=pair.pk)
    return redirect("learners:duplicates")


@require_http_methods(["POST"])
def duplicate_reject_view(request: AuthenticatedRequest, pair_id: UUID) -> HttpResponse:
    pair = _pair(request, pair_id)
    duplicate_pair_reject(actor=request.user, pair_id=pair.pk)
    messages.success(request, "Marked as two different learners: this pair will not come back.")
    return redirect("learners:duplicates")
