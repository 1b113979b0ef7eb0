"""The one place Widen reads its environment."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def text(name: str, default: str) -> str:
    return os.environ.get(name, default)


def flag(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from error


def items(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def rate(name: str, default: str) -> str:
    """A request rate such as `10/h` (per second, minute, hour or day: s, m, h, d)."""
    raw = (os.environ.get(name) or "").strip() or default
    count, _, period = raw.partition("/")
    if (
        not count.isdigit()
        or not period
        or period[-1] not in "smhd"
        or not (period[:-1] == "" or period[:-1].isdigit())
    ):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 10/h (a number, then per s, m, h or d), not {raw!r}."
        )
    return raw
