"""Every shape the API reads or answers has a name of its own in the OpenAPI document: two
schemas of one name (a programme of outreach and a mentoring programme, say) would be one
component there, and the document would describe one of them wrongly."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from widen.config.api import api


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    assert api.urls  # every router is imported, so every schema is defined
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("widen."):
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}
