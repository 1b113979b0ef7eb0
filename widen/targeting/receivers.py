"""Keep area profiles in step with learners' postcodes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from widen.learners.signals import learners_changed
from widen.targeting.tasks import MAX_LISTED_LEARNERS, area_profiles_refresh


@receiver(learners_changed)
def refresh_area_profiles(sender: Any, learner_ids: Iterable[Any], **kwargs: Any) -> None:
    keys = [str(key) for key in learner_ids]
    if not keys:
        return
    chosen = keys if len(keys) <= MAX_LISTED_LEARNERS else None
    transaction.on_commit(lambda: area_profiles_refresh.enqueue(chosen))
