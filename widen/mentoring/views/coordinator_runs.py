"""A programme's matching runs: running the matching, reading each proposed pair's reasons and
points and each mentee left out with why, then swapping two pairs' mentors, locking a pair,
publishing the run or discarding it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.form_pages import carried_out
from widen.mentoring.coordinator_forms import SwapForm
from widen.mentoring.models import MatchingRun, Relationship
from widen.mentoring.permissions import MANAGE, programme_policy, relationship_policy
from widen.mentoring.selectors.coordinator import (
    mentee_name,
    mentor_name,
    run_get,
    run_pairs,
    run_unmatched,
)
from widen.mentoring.services.matching_runs import (
    matching_run,
    pair_lock,
    pairs_swap,
    run_discard,
    run_publish,
)


@require_POST
def run_create_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_policy.get(request.user, programme_id, action=MANAGE)
    run = carried_out(
        request,
        lambda: matching_run(actor=request.user, programme=programme),
        lambda run: (
            f"Matched {run.matched} mentee{'s' if run.matched != 1 else ''}; "
            f"{len(run.unmatched)} left out."
        ),
    )
    if isinstance(run, MatchingRun):
        return redirect("mentoring:run", run_id=run.pk)
    return redirect("mentoring:programme", programme_id=programme.pk)


def _run_page(request: AuthenticatedRequest, run: MatchingRun, swap: SwapForm | None) -> Any:
    pairs = list(run_pairs(actor=request.user, run=run))
    for pair in pairs:
        pair.mentee_name = mentee_name(pair.mentee)  # type: ignore[attr-defined]
        pair.mentor_name = mentor_name(pair.mentor)  # type: ignore[attr-defined]
    choices = [
        (str(pair.pk), f"{pair.mentee_name} with {pair.mentor_name}")  # type: ignore[attr-defined]
        for pair in pairs
        if pair.is_proposed and not pair.locked
    ]
    if swap is None:
        swap = SwapForm(pairs=choices)
    return render(
        request,
        "mentoring/coordinator/run_detail.html",
        {
            "run": run,
            "programme": run.programme,
            "pairs": pairs,
            "unmatched": run_unmatched(actor=request.user, run=run),
            "swap_form": swap,
            "can_swap": len(choices) >= 2,
            "locked": sum(1 for pair in pairs if pair.locked),
        },
    )


@require_GET
def run_detail_view(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    return _run_page(request, run_get(actor=request.user, run_id=run_id), None)


def _pair(request: AuthenticatedRequest, pair_id: Any) -> Relationship:
    return relationship_policy.get(request.user, pair_id, action=MANAGE)


@require_POST
def pairs_swap_view(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = run_get(actor=request.user, run_id=run_id)
    pairs = run_pairs(actor=request.user, run=run).filter(status="proposed", locked=False)
    choices = [(str(pk), str(pk)) for pk in pairs.values_list("pk", flat=True)]
    form = SwapForm(request.POST, pairs=choices)
    if not form.is_valid():
        return _run_page(request, run, _labelled(request, run, form))
    first = _pair(request, form.cleaned_data["first"])
    second = _pair(request, form.cleaned_data["second"])
    carried_out(
        request,
        lambda: pairs_swap(actor=request.user, first=first, second=second),
        "Swapped the two pairs' mentors; their reasons and scores are worked out again.",
    )
    return redirect("mentoring:run", run_id=run.pk)


def _labelled(request: AuthenticatedRequest, run: MatchingRun, form: SwapForm) -> SwapForm:
    """The refused swap form again, its choices named as the page names them."""
    pairs = run_pairs(actor=request.user, run=run).filter(status="proposed", locked=False)
    labels = {
        str(pair.pk): f"{mentee_name(pair.mentee)} with {mentor_name(pair.mentor)}"
        for pair in pairs
    }
    for name in ("first", "second"):
        form.fields[name].choices = [("", "Choose a pair"), *labels.items()]  # type: ignore[attr-defined]
    return form


@require_POST
def pair_lock_view(request: AuthenticatedRequest, pair_id: UUID) -> HttpResponse:
    pair = _pair(request, pair_id)
    lock = request.POST.get("locked") == "yes"
    carried_out(
        request,
        lambda: pair_lock(actor=request.user, pair=pair, locked=lock),
        "Locked the pair: it is kept when the matching is run again."
        if lock
        else "Unlocked the pair.",
    )
    if pair.run_id is None:
        return redirect("mentoring:programme", programme_id=pair.programme_id)
    return redirect("mentoring:run", run_id=pair.run_id)


@require_POST
def run_publish_view(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = run_get(actor=request.user, run_id=run_id)
    carried_out(
        request,
        lambda: run_publish(actor=request.user, run=run),
        "Published: each mentor and student mentee is told of their introduction.",
    )
    return redirect("mentoring:run", run_id=run.pk)


@require_POST
def run_discard_view(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = run_get(actor=request.user, run_id=run_id)
    carried_out(
        request,
        lambda: run_discard(actor=request.user, run=run),
        "Discarded the run; locked pairs are kept for the next one.",
    )
    return redirect("mentoring:programme", programme_id=run.programme_id)
