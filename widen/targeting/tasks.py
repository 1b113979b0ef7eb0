"""Background work for targeting: area profiles after imports and edits."""

from __future__ import annotations

from django_tasks import task

from widen.targeting.services import area_profiles_compute

# Beyond this many learners, working out everyone's profile again is as quick as choosing them.
MAX_LISTED_LEARNERS = 50_000


@task()
def area_profiles_refresh(learner_ids: list[str] | None) -> int:
    """Work out the area profiles of these learners (None: of every learner)."""
    return area_profiles_compute(learner_ids).learners
