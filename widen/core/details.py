"""What a person gave, as the details a service takes: the same fields read by name whether they
came from a page's form or an API body, so a new field is added in one place, the dataclass."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def details_given(cls: type[T], values: Mapping[str, Any] | Iterable[Any], /, **given: Any) -> T:
    """An instance of the dataclass `cls` from `values` (a form's cleaned data, or an API body):
    each field taken by its name, those in `given` taking precedence. Other keys are passed over
    and a field found in neither keeps its default."""
    found = dict(values)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return cls(**{**{name: found[name] for name in names if name in found}, **given})
