"""The duplicate learners API: the pairs waiting for the person's decision, as CSV."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Router

from widen.accounts.requests import api_actor
from widen.core.exceptions import NotFound
from widen.learners.duplicates.views import duplicate_pairs_download
from widen.learners.permissions import may_review_duplicates

router = Router(tags=["duplicate learners"])


@router.get("/export", operation_id="duplicate_pairs_export")
def duplicate_pairs_export_api(request: HttpRequest) -> HttpResponseBase:
    """Pairs of learners probably recorded twice, waiting for the caller's decision, as CSV:
    both learners' ids, references and names, the match probability and what agrees and
    differs. Partnership and organisation admins only; anyone else gets 404."""
    actor = api_actor(request)
    if not may_review_duplicates(actor):
        raise NotFound
    return duplicate_pairs_download(actor=actor, purpose="duplicate pairs export (API)")
