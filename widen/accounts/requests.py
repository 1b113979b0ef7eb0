"""Typed requests: after authentication, `request.user` (pages) and `request.auth` (API)."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from widen.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User


def api_actor(request: HttpRequest) -> User:
    """The person an API request's bearer token belongs to."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
