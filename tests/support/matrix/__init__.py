"""Student support's cells of the authorisation matrix (tests/authz_matrix.yaml).

As tests/partners/matrix/: each area has a module here defining `RULES`, `kwargs(world, rule,
role, relation)` and, for writes, `body(world, name, counter, relation)`; they are found by name.
Relations: own is Alpha University (the world's HE provider), partner is Beta University (same
partnership), unrelated is Gamma University.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from widen.testing.world import World


def _areas() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{module.name}")
        for module in pkgutil.iter_modules(__path__)
    ]


def support_rules() -> dict[str, Any]:
    rules: dict[str, Any] = {}
    for area in _areas():
        rules.update(area.RULES)
    return rules


def support_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
    for area in _areas():
        if rule in area.RULES:
            return dict(area.kwargs(world, rule, role, relation))
    return None


def support_body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    for area in _areas():
        body = getattr(area, "body", None)
        if body is not None:
            found = body(world, name, counter, relation)
            if found is not None:
                return dict(found)
    return None
