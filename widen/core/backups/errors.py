"""What a backup or restore says when it cannot go on (`BackupError`), and the wording that its
messages and the `widen backup` and `widen restore` commands share (`plural`, `size_label`)."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def size_label(size: int) -> str:
    """A file size as people read it: 812 bytes, 14 KB, 2.6 MB, 3.1 GB."""
    if size < 1000:
        return plural(size, "byte")
    for unit, scale in (("KB", 1e3), ("MB", 1e6)):
        if size < scale * 1000:
            shown = size / scale
            return f"{shown:.0f} {unit}" if shown >= 10 else f"{shown:.1f} {unit}"
    shown = size / 1e9
    return f"{shown:.0f} GB" if shown >= 10 else f"{shown:.1f} GB"
