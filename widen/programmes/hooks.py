"""What higher apps may hang on to enrolments being written (STYLE §2: a lower app exposes a hook,
the higher app registers).

`enrol` and `enrolment_leave` call `enrolments_changed(programme_id)` inside their transaction
whenever they change who is enrolled; each registered callback runs in that transaction too (the
dashboard forgets the sustained-engagement counts it kept for that programme).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EnrolmentCallback = Callable[[Any], None]

_callbacks: list[EnrolmentCallback] = []


def register_enrolments_changed(callback: EnrolmentCallback) -> EnrolmentCallback:
    """Call `callback(programme_id)` whenever who is enrolled on a programme changes."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def enrolments_changed(programme_id: Any) -> None:
    """Tell every registered callback that this programme's enrolments changed. Call it inside
    the transaction that changed them."""
    for callback in list(_callbacks):
        callback(programme_id)
