"""Defining rule sets: a new rule set, a new version of one, the shipped presets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from widen.accounts.capabilities import is_person, require_actor
from widen.core.exceptions import ApplicationError
from widen.core.unique_names import unique_name
from widen.organisations.models import DataSharingAgreement, Partnership
from widen.targeting.criteria import describe_definition
from widen.targeting.models import RuleSet, RuleSetVersion
from widen.targeting.permissions import may_manage_rule_sets
from widen.targeting.rule_sets.lawful import check_lawful
from widen.targeting.rule_sets.presets import PRESETS


@transaction.atomic
def rule_set_create(
    *,
    actor: Any,
    partnership: Partnership,
    name: str,
    definition: Mapping[str, Any],
    purpose: str = "",
    agreement: DataSharingAgreement | None = None,
    preset: str = "",
) -> RuleSet:
    require_actor(actor)
    if not may_manage_rule_sets(actor, partnership):
        raise ApplicationError("Only the partnership's admins may define rule sets.")
    name = unique_name(name, RuleSet.objects.filter(partnership=partnership), "rule set", 120)
    special = check_lawful(partnership, definition, purpose, agreement)
    rule_set = RuleSet.objects.create(
        partnership=partnership, name=name, purpose=purpose, agreement=agreement, preset=preset
    )
    RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition=dict(definition),
        description=describe_definition(definition),
        uses_special_category=special,
        created_by=actor if is_person(actor) else None,
    )
    return rule_set


@transaction.atomic
def rule_set_update(
    *,
    actor: Any,
    rule_set: RuleSet,
    definition: Mapping[str, Any],
    purpose: str | None = None,
    agreement: DataSharingAgreement | None | str = "unchanged",
) -> RuleSetVersion:
    """Save a new version (earlier versions, and results worked out with them, stay)."""
    require_actor(actor)
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if not may_manage_rule_sets(actor, rule_set.partnership):
        raise ApplicationError("Only the partnership's admins may change rule sets.")
    if purpose is not None:
        rule_set.purpose = purpose
    if not isinstance(agreement, str):
        rule_set.agreement = agreement
    special = check_lawful(rule_set.partnership, definition, rule_set.purpose, rule_set.agreement)
    rule_set.save()
    number = (rule_set.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=number,
        definition=dict(definition),
        description=describe_definition(definition),
        uses_special_category=special,
        created_by=actor if is_person(actor) else None,
    )


def rule_set_presets_add(
    *, actor: Any, partnership: Partnership, agreement: DataSharingAgreement | None = None
) -> tuple[list[RuleSet], list[str]]:
    """Add the shipped presets the partnership does not have yet; say why any was left out."""
    require_actor(actor)
    added, left_out = [], []
    for key, preset in PRESETS.items():
        if RuleSet.objects.filter(partnership=partnership, preset=key).exists():
            continue
        try:
            added.append(
                rule_set_create(
                    actor=actor,
                    partnership=partnership,
                    name=preset["name"],
                    definition=preset["definition"],
                    purpose=preset["purpose"],
                    agreement=agreement,
                    preset=key,
                )
            )
        except ApplicationError as error:
            left_out.append(f"{preset['name']}: {error.message}")
    return added, left_out
