"""Keep the counts by target status in step with learners' data rights: a learner restricted,
anonymised or objecting to equality monitoring (or no longer) changes what they may count."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from widen.learners.models import Learner
from widen.reporting.summaries import target_counts_forget
from widen.targeting.models import RuleSet

RIGHTS_FIELDS = frozenset({"restricted_at", "anonymised_at", "objects_to_equality_monitoring"})


@receiver(post_save, sender=Learner)
def target_counts_forget_on_rights(
    sender: Any, instance: Learner, created: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        return
    if update_fields is None:
        # A whole save: only a record the rights apply to can have changed them.
        if instance.processable and not instance.objects_to_equality_monitoring:
            return
    elif not RIGHTS_FIELDS & set(update_fields):
        return
    for rule_set_id in RuleSet.objects.filter(
        partnership__members=instance.organisation_id
    ).values_list("pk", flat=True):
        target_counts_forget(rule_set_id)
