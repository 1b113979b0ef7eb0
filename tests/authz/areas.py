"""An app's own cells of the authorisation matrix, kept in a package of one module per area.

Each area module defines `RULES` (rule name → `tests.authz.rules.Rule`), `kwargs(world, rule,
role, relation)` (the URL kwargs of a cell of one of its rules) and, for writes, `body(world,
name, counter, relation)` (a valid body, or None). They are found by name, so an area adds its
module and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from widen.testing.world import World


@dataclass(frozen=True)
class MatrixAreas:
    package: str  # the package's `__name__`
    path: Iterable[str]  # and its `__path__`

    def modules(self) -> list[ModuleType]:
        return [
            importlib.import_module(f"{self.package}.{module.name}")
            for module in pkgutil.iter_modules(list(self.path))
        ]

    def rules(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for area in self.modules():
            rules.update(area.RULES)
        return rules

    def kwargs(self, world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
        for area in self.modules():
            if rule in area.RULES:
                return dict(area.kwargs(world, rule, role, relation))
        return None

    def body(self, world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
        for area in self.modules():
            body = getattr(area, "body", None)
            if body is not None:
                found = body(world, name, counter, relation)
                if found is not None:
                    return dict(found)
        return None
