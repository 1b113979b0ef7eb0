"""The URLs of tests/authz_matrix.yaml, and the cells (method × role × relation) each becomes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz.rules import ANONYMOUS, ROLES, RULES

TESTS = Path(__file__).parent.parent


def _matrix() -> dict[str, dict[str, Any]]:
    """tests/authz_matrix.yaml, and the URLs an area keeps beside its cells (an area package's
    `matrix/*.yaml`); a URL listed twice is a mistake."""
    matrix: dict[str, dict[str, Any]] = yaml.safe_load((TESTS / "authz_matrix.yaml").read_text())
    for path in sorted(TESTS.glob("*/matrix/*.yaml")):
        area = yaml.safe_load(path.read_text()) or {}
        twice = sorted(set(area) & set(matrix))
        assert not twice, f"{path.name} lists URLs listed already: {twice}"
        matrix.update(area)
    return matrix


MATRIX = _matrix()
CONCRETE_NAMES = sorted(name for name in MATRIX if name != "admin:*")


@dataclass
class Cell:
    name: str
    method: str
    role: str
    relation: str

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def anonymous(self) -> bool:
        return self.role == ANONYMOUS


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern.url_patterns, joined)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, None)
    return names


def classified(name: str) -> bool:
    return name in MATRIX or (name.startswith("admin:") and "admin:*" in MATRIX)


def matrix_cells(name: str) -> list[Cell]:
    entry = MATRIX[name]
    return [
        Cell(name, method, role, relation)
        for method in entry["methods"]
        for role in ROLES
        for relation in RULES[entry["rule"]].relations
    ]


def url_for(name: str, kwargs: dict[str, Any]) -> str:
    kwargs = {**MATRIX.get(name, {}).get("kwargs", {}), **kwargs}
    if name.startswith("api:") and kwargs:
        return reverse(name, kwargs={key: str(value) for key, value in kwargs.items()})
    return reverse(name, kwargs=kwargs)
