"""Every list the JSON API gives is paged the same way, and every input refuses what it does not
know (ADR 3).

A list endpoint takes `limit` (1 to 200, 50 by default) and `offset` (0 to 1,000,000) and answers
`{"count": <how many in all>, "results": [...]}`, its response declared as `Page[ItemOut]`:

    @router.get("", response=Page[ThingOut], operation_id="thing_list")
    def thing_list_api(request, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0):
        page = page_of(thing_list(actor=api_actor(request)), limit=limit, offset=offset)
        return page.answer()  # the rows, read through ThingOut (see widen/core/api_outputs.py)

`page.items` is the page's rows (say, to write the access log for exactly those); `page.count`
counts the whole list with one query.

An input schema derives from `InputSchema`: a field it does not declare is refused (422, naming
the field), so a misspelt field is never silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema
from pydantic import ConfigDict

from widen.core.api_inputs import MAX_OFFSET, MAX_PAGE_SIZE, PageLimit, PageOffset

DEFAULT_LIMIT = 50

T = TypeVar("T")
Row = TypeVar("Row")

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_OFFSET",
    "MAX_PAGE_SIZE",
    "InputSchema",
    "Page",
    "PageLimit",
    "PageOffset",
    "PageOf",
    "page_of",
]


class InputSchema(Schema):
    """The base of every API input: a field it does not declare is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Page(Schema, Generic[T]):
    """One page of a list: how many there are in all, and this page's results."""

    count: int
    results: list[T]


@dataclass(frozen=True)
class PageOf(Generic[Row]):
    """One page of rows and the count of the whole list."""

    items: list[Row]
    count: int

    def answer(self, serialise: Callable[[Row], Any] | None = None) -> dict[str, Any]:
        """The page as the API answers it (`Page[...]`)."""
        results = self.items if serialise is None else [serialise(row) for row in self.items]
        return {"count": self.count, "results": results}


def page_of(
    rows: QuerySet[Any] | Sequence[Row], *, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> PageOf[Any]:
    """The rows from `offset`, at most `limit` of them, and how many there are in all. A
    queryset must be ordered (a page of an unordered list is not the same twice)."""
    if isinstance(rows, QuerySet) and not rows.ordered:
        raise ValueError("Order a list before paging it.")
    items = list(rows[offset : offset + limit])
    if isinstance(rows, QuerySet):
        count = offset + len(items) if 0 < len(items) < limit else rows.count()
    else:
        count = len(rows)
    return PageOf(items=items, count=count)
