"""What higher apps may hang on to rule set results being written (STYLE §2: a lower app exposes
a hook, the higher app registers).

`eligibility_compute` calls `eligibility_changed(rule_set_id)` inside the transaction that wrote
the rule set's results, whenever it wrote or removed any. Each registered callback runs in that
transaction too (the dashboard forgets the counts it kept for that rule set).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EligibilityCallback = Callable[[Any], None]

_callbacks: list[EligibilityCallback] = []


def register_eligibility_changed(callback: EligibilityCallback) -> EligibilityCallback:
    """Call `callback(rule_set_id)` whenever a rule set's results change."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def eligibility_changed(rule_set_id: Any) -> None:
    """Tell every registered callback that this rule set's results changed. Call it inside the
    transaction that changed them."""
    for callback in list(_callbacks):
        callback(rule_set_id)
