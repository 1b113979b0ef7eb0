"""Who is acting, and in which request, for audit rows written anywhere below a request or command.

Values are context variables (safe across threads and async tasks). The web middleware binds them
for each request; commands and services bind them for their own work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    actor: Any = None  # the acting accounts.User, or None for the system
    organisation_id: Any = None
    source: str = "system"  # web, api, admin, cli, system
    exporting: bool = False  # a file is being downloaded: the access log marks what it names


_current: ContextVar[RequestContext] = ContextVar("widen_request_context", default=RequestContext())  # noqa: B039 - frozen dataclass


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bind(**changes: Any) -> Iterator[RequestContext]:
    token = _current.set(replace(_current.get(), **changes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_actor(actor: Any, source: str) -> None:
    """Name the actor for the rest of this request (the request's own binding restores it)."""
    _current.set(replace(_current.get(), actor=actor, source=source))
