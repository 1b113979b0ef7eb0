"""Background work for targeting: profiles and eligibility after imports and edits."""

from __future__ import annotations

import logging

from django_tasks import task

from widen.core.exceptions import ApplicationError
from widen.targeting.models import RuleSet
from widen.targeting.rule_sets import eligibility_compute
from widen.targeting.services import area_profiles_compute

logger = logging.getLogger(__name__)

# Beyond this many learners, working out everyone's profile again is as quick as choosing them;
# and fewer than SQLite's smallest usual limit of 32,766 values in one statement.
MAX_LISTED_LEARNERS = 30_000


@task()
def area_profiles_refresh(learner_ids: list[str] | None) -> int:
    """Work out the area profiles and rule set results of these learners (None: everyone)."""
    run = area_profiles_compute(learner_ids)
    for rule_set in RuleSet.objects.select_related("partnership", "agreement"):
        try:
            eligibility_compute(rule_set, learner_ids=learner_ids)
        except ApplicationError as error:
            logger.warning("Rule set %s was not worked out: %s", rule_set.pk, error.message)
    return run.learners
