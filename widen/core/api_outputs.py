"""Answers of the JSON API read from the objects themselves: an output schema names each field,
and a field the object does not hold under that name has a resolver on the schema (ninja's
`resolve_<field>`), so the OpenAPI document describes every answer and no endpoint builds one by
hand. A field held under another name or further in needs no function of its own:

    resolve_text = read_from("wording")                  # question.wording
    resolve_scale = read_from("scale.name")              # score.scale.name
    resolve_email = shown_if("named", "email")           # booking.email, or None

An answer that says more than its object holds (a detail's counts, a link made only now) reads
the object with those further values beside it:

    return EventDetailOut.from_orm(with_values(event, booked=3, waiting=0, cancelled=1))
"""

from __future__ import annotations

from datetime import time
from operator import attrgetter
from typing import Annotated, Any

from pydantic import WithJsonSchema

# A time of day in the UK, as a session's times are held: "10:00:00", with no offset. (JSON
# Schema's "time" format requires one, so the schema says what the answer holds instead.)
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$",
            "description": "A time of day in the UK (Europe/London), as HH:MM:SS.",
            "example": "10:00:00",
        }
    ),
]


class _WithValues:
    """`obj`, with further named values read before its own attributes."""

    def __init__(self, obj: Any, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


def with_values(obj: Any, **values: Any) -> Any:
    """`obj` to read an answer from, with `values` standing for the fields it does not hold."""
    return _WithValues(obj, values)


def read_from(path: str) -> Any:
    """A resolver giving the object's attribute at `path` (dotted for one further in)."""
    read = attrgetter(path)
    return staticmethod(lambda obj: read(obj))


def shown_if(condition: str, path: str) -> Any:
    """A resolver giving the object's attribute at `path` where its `condition` attribute is
    true, and None (not shown to this caller) where it is not."""
    read = attrgetter(path)
    return staticmethod(lambda obj: read(obj) if getattr(obj, condition) else None)
