"""One-time links: a random token shown once to its holder, only its SHA-256 kept.

`link_token_new()` gives the token (to put in the link sent by e-mail) and its digest (to store).
`link_token_matches()` compares in constant time. `link_lookup()` finds the row a token belongs
to and answers a wrong, malformed or replaced token exactly like a missing one, so a link
reveals nothing about other rows.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import models

from widen.core.exceptions import NotFound

TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters; anything far longer is not one of ours.
TOKEN_MAX_LENGTH = 64
DIGEST_LENGTH = 64


@dataclass(frozen=True)
class LinkToken:
    """A fresh token: `token` goes in the link, once; `digest` is what is stored."""

    token: str
    digest: str


def link_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_token_new() -> LinkToken:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return LinkToken(token=token, digest=link_token_digest(token))


def link_token_matches(token: str, digest: str) -> bool:
    """Whether `token` is the one whose digest is `digest`, compared in constant time."""
    if not token or not digest or len(token) > TOKEN_MAX_LENGTH:
        return False
    return hmac.compare_digest(link_token_digest(token), digest)


def link_lookup(
    queryset: models.QuerySet[Any], token: str | None, *, field: str = "token_digest"
) -> Any:
    """The one row of `queryset` whose `field` holds the token's digest, or `NotFound`.

    A wrong, empty, overlong or replaced token raises the same `NotFound` as a missing row.
    """
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH or "\x00" in token:
        raise NotFound("This link is not valid.")
    digest = link_token_digest(token)
    row = queryset.filter(**{field: digest}).first()
    if row is None or not link_token_matches(token, getattr(row, field)):
        raise NotFound("This link is not valid.")
    return row
