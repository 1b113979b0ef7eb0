"""Targeting pages: look up postcodes against the loaded open data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from widen.targeting.lookup import postcodes_look_up

PAGE_LOOKUP_POSTCODES = 100


@require_GET
def postcode_lookup_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("postcodes", "")[:5_000]
    queries = [line.strip() for line in text.splitlines() if line.strip()]
    too_many = len(queries) > PAGE_LOOKUP_POSTCODES
    answers = postcodes_look_up(queries[:PAGE_LOOKUP_POSTCODES]) if queries else []
    return render(
        request,
        "targeting/postcode_lookup.html",
        {
            "text": text,
            "answers": answers,
            "too_many": too_many,
            "limit": PAGE_LOOKUP_POSTCODES,
            "not_loaded": answers[0].not_loaded if answers else [],
        },
    )
