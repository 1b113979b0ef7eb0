"""A student partner's "My work": the one page that answers "what can I do, what have I got,
and what money is coming to me, when"."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.partners.selectors.work import my_work


@never_cache
@require_http_methods(["GET"])
def my_work_view(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in partner's own work at each provider (a page saying how to become a partner
    for anyone who is not one)."""
    return render(request, "partners/work/my_work.html", {"work": my_work(actor=request.user)})


urlpatterns = [path("my-work/", my_work_view, name="my_work")]
