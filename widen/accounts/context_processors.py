from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from widen.accounts.selectors import memberships_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"memberships": []}
    return {"memberships": memberships_of(actor=user)}
