"""What higher apps may hang on to learners (STYLE §2: the lower app exposes a hook, the higher
app registers): two learners being merged, and filters of the learner list.

`learner_merge` calls `learners_merged(kept_id, removed_id)` inside its transaction, after every
related record has moved and the kept learner's missing facts are filled in, and before the removed
record goes, so that whatever a higher app keeps about learners without a relation to them (a
cache, a search index) is worked out again for the kept learner and commits or rolls back with the
merge. A higher app's tables that point at learners get a rule in `merging.MERGE_RULES` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

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


# --- Ways to narrow the learner list that higher apps offer ------------------------------------


@dataclass(frozen=True)
class LearnerListFilter:
    """A filter of the learner list (page, API, saved searches) on facts a higher app keeps,
    say rule-set eligibility (targeting) or attendance (activities), which the learners app may
    not import.

    The learners app reads the query parameter `param`, asks `categories` which categories of a
    learner's data the chosen value discloses (None: not a value this person may choose, and
    the list then finds nobody), and narrows the list with `condition`. It applies the sharing
    rule itself: only learners one scope shows every category the list's filters use are
    considered.
    """

    param: str
    label: str
    any_label: str
    choices: Callable[[Any], list[tuple[str, str]]]  # (value, label) this person may choose
    categories: Callable[[Any, str], frozenset[str] | None]
    condition: Callable[[Any, str], Q]  # a condition on learners, for a value `categories` took


_list_filters: dict[str, LearnerListFilter] = {}


def register_learner_list_filter(list_filter: LearnerListFilter) -> LearnerListFilter:
    """Offer `list_filter` on the learner list (registered once, by the higher app's ready())."""
    _list_filters[list_filter.param] = list_filter
    return list_filter


def learner_list_filters() -> list[LearnerListFilter]:
    return list(_list_filters.values())


def learner_list_filter(param: str) -> LearnerListFilter | None:
    return _list_filters.get(param)
