"""Other imports `widen import` runs, registered by the apps that own them.

`widen import learners` belongs to this app. A higher app (activities: `widen import register`)
registers its own kind here when Django starts, so that this app never imports it (STYLE §2: a
lower app exposes a hook; the higher app registers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


@dataclass(frozen=True)
class ImportKind:
    name: str
    help: str
    add_arguments: Callable[[CommandParser], None]
    handle: Callable[[BaseCommand, dict[str, Any]], None]


_kinds: dict[str, ImportKind] = {}


def register_import_kind(kind: ImportKind) -> ImportKind:
    """Make `widen import <kind.name>` run `kind.handle(command, options)`."""
    _kinds[kind.name] = kind
    return kind


def import_kinds() -> list[ImportKind]:
    return list(_kinds.values())
