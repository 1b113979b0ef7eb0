"""Bearer-token authentication for the JSON API: revoked or expired tokens are refused (401),
and a read-only token may only read (403 on anything else)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from widen.accounts.models import ApiToken
from widen.core import request_context

MAX_TOKEN_LENGTH = 200
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        api_token = ApiToken.objects.matching(token).select_related("user").first()
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        if api_token.read_only and request.method not in READING_METHODS:
            raise HttpError(403, "This token may only read; make a token that may change data.")
        request_context.set_actor(api_token.user, "api")
        return api_token.user
