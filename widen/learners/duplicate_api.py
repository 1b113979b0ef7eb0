"""The duplicate learners API: the pairs waiting for the person's decision, as CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from widen.accounts.requests import api_actor
from widen.core.exceptions import NotFound
from widen.learners.duplicate_reviews import duplicate_pairs_export, may_review_duplicates

router = Router(tags=["duplicate learners"])


@router.get("/export", operation_id="duplicate_pairs_export")
def duplicate_pairs_export_api(request: HttpRequest) -> HttpResponse:
    """Pairs of learners probably recorded twice, waiting for the caller's decision, as CSV:
    both learners' ids, references and names, the match probability and what agrees and
    differs. Partnership and organisation admins only; anyone else gets 404."""
    actor = api_actor(request)
    if not may_review_duplicates(actor):
        raise NotFound
    content = duplicate_pairs_export(actor=actor, purpose="duplicate pairs export (API)")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="duplicate-pairs-{day}.csv"'
    return response
