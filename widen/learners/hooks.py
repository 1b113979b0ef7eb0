"""What higher apps may hang on to two learners being merged (STYLE §2: the lower app exposes a
hook, the higher app registers).

`learner_merge` calls `learners_merged(kept_id, removed_id)` inside its transaction, after every
related record has moved and the kept learner's missing facts are filled in, and before the removed
record goes, so that whatever a higher app keeps about learners without a relation to them (a
cache, a search index) is worked out again for the kept learner and commits or rolls back with the
merge. A higher app's tables that point at learners get a rule in `merging.MERGE_RULES` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MergedCallback = Callable[[Any, Any], None]

_callbacks: list[MergedCallback] = []


def register_learners_merged(callback: MergedCallback) -> MergedCallback:
    """Call `callback(kept_id, removed_id)` whenever two learners are merged."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def learners_merged(kept_id: Any, removed_id: Any) -> None:
    for callback in list(_callbacks):
        callback(kept_id, removed_id)
