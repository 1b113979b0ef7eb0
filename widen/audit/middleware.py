from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from widen.core import request_context


class AuditActorMiddleware:
    """Names the signed-in person as the actor of every audit row written in this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        source = "admin" if request.path.startswith("/admin/") else "web"
        with request_context.bind(actor=actor, source=source):
            return self.get_response(request)
