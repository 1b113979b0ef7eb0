"""What higher apps may hang on to attendance being written (STYLE §2: a lower app exposes a hook,
the higher app registers).

Every write that changes who attended what (`register_add`, `attendance_mark`, a register import
through those services, a merge that moves attendance from one learner to another) calls
`attendance_changed(learner_ids)` inside its own transaction. Each registered callback then runs
in that transaction too, so whatever it keeps (the reporting summaries) commits or rolls back
with the attendance itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

AttendanceCallback = Callable[[frozenset[Any]], None]

_callbacks: list[AttendanceCallback] = []


def register_attendance_changed(callback: AttendanceCallback) -> AttendanceCallback:
    """Call `callback(learner_ids)` whenever these learners' attendance changes (once each)."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def attendance_changed(learner_ids: Iterable[Any]) -> None:
    """Tell every registered callback that these learners' attendance changed. Call it inside
    the transaction that changed it."""
    keys = frozenset(learner_ids)
    if not keys:
        return
    for callback in list(_callbacks):
        callback(keys)
