"""The pages every staged upload has once its file is read (see `widen.core.uploads`): what was
found, importing it, and rolling it back, at the same addresses under each kind of upload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path


def staged_upload_paths(
    prefix: str,
    name: str,
    *,
    detail: Callable[..., Any],
    commit: Callable[..., Any],
    roll_back: Callable[..., Any],
) -> list[URLPattern]:
    """`<prefix>/<import_id>/` (named `<name>_detail`), `.../import/` (`<name>_commit`) and
    `.../roll-back/` (`<name>_roll_back`)."""
    return [
        path(f"{prefix}/<uuid:import_id>/", detail, name=f"{name}_detail"),
        path(f"{prefix}/<uuid:import_id>/import/", commit, name=f"{name}_commit"),
        path(f"{prefix}/<uuid:import_id>/roll-back/", roll_back, name=f"{name}_roll_back"),
    ]
