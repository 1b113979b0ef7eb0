"""A scheme's outcomes page: continuation and completion of its members beside similar
students who never joined, with the standard of evidence the comparison meets."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from widen.accounts.requests import AuthenticatedRequest
from widen.support.outcomes import MATCHED_ON, MIN_FOR_RATE
from widen.support.selectors import scheme_get
from widen.support.selectors.outcomes import scheme_outcomes_for


@require_GET
def scheme_outcomes_view(request: AuthenticatedRequest, scheme_id: UUID) -> HttpResponse:
    scheme = scheme_get(actor=request.user, scheme_id=scheme_id)
    return render(
        request,
        "support/scheme_outcomes.html",
        {
            "scheme": scheme,
            "outcomes": scheme_outcomes_for(actor=request.user, scheme=scheme),
            "matched_on": [name.replace("_", " ") for name in MATCHED_ON],
            "min_for_rate": MIN_FOR_RATE,
        },
    )
