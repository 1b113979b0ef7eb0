"""Every read of rule sets and a learner's targeting, scoped to the person asking. A missing rule
set and one of another partnership's answer the same (NotFound); counts count only the learners
the person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from widen.learners.models import Learner
from widen.learners.permissions import LearnerAccess
from widen.learners.services import learner_views_record
from widen.organisations.models import DataCategory, Partnership
from widen.targeting.learner_filters import results_seen_by
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet
from widen.targeting.permissions import rule_set_policy
from widen.targeting.profiles import describe_profile


def rule_set_list(*, actor: Any) -> QuerySet[RuleSet]:
    """The rule sets of every partnership `actor` is in, by partnership and name."""
    return rule_set_policy.visible_to(actor).order_by("partnership__name", "name")


def rule_set_get(*, actor: Any, rule_set_id: Any) -> RuleSet:
    return rule_set_policy.get(actor, rule_set_id)


def rule_sets_of(*, actor: Any, partnership: Partnership) -> list[RuleSet]:
    """The rule sets of one of `actor`'s partnerships, by name."""
    return list(rule_set_policy.visible_to(actor).filter(partnership=partnership).order_by("name"))


def rule_set_by_school(*, actor: Any, rule_set: RuleSet) -> QuerySet[Any]:
    """School by school, how many of the learners `actor` may see the rule set worked out and
    found eligible (with their special category data when it reads it), most eligible first."""
    return (
        results_seen_by(actor, rule_set)
        .values("learner__school__name")
        .annotate(
            learners=Count("learner"),
            eligible=Count("learner", filter=Q(eligible=True)),
        )
        .order_by("-eligible", "learner__school__name")
    )


@dataclass(frozen=True)
class LearnerTargeting:
    """What targeting knows about one learner, as one person may see it."""

    profile: LearnerAreaProfile | None
    explanation: list[str]  # the home area's measures in words, with their editions
    results: list[LearnerEligibility]  # rule set by rule set
    hidden: int  # results worked out from special category data the person may not see


def learner_targeting(*, actor: Any, learner: Learner, access: LearnerAccess) -> LearnerTargeting:
    """`learner`'s area profile and results of the rule sets `actor` sees (`learner` and
    `access` as `learner_get` gave them to `actor`). A result worked out from care experience,
    disability or ethnicity says something about them: shown only to those who may see that
    learner's special category data. The view is written to the access log."""
    profile = LearnerAreaProfile.objects.filter(learner=learner).first()
    results = list(
        # Rule set by rule set: the results' key starts with the rule set.
        LearnerEligibility.objects.filter(
            rule_set__in=list(rule_set_policy.visible_to(actor).values_list("pk", flat=True)),
            learner=learner,
        )
        .select_related("rule_set", "version")
        .order_by("rule_set__name")
    )
    shown = [
        result
        for result in results
        if access.sees_special_category or not result.version.uses_special_category
    ]
    # A partner's view of the learner's name and home area, and anyone's of eligibility worked
    # out from special category data, are in the access log.
    shown_categories = {DataCategory.IDENTITY}
    if any(result.version.uses_special_category for result in shown):
        shown_categories.add(DataCategory.SPECIAL_CATEGORY)
    learner_views_record(
        actor=actor,
        learners=[learner],
        access_by_learner={learner.id: access},
        purpose="eligibility viewed",
        categories_shown=shown_categories,
    )
    explanation: list[str] = []
    if profile is not None:
        editions = {
            edition.pk: edition
            for edition in (
                profile.postcode_edition,
                profile.deprivation_edition,
                profile.idaci_edition,
                profile.ward_edition,
                profile.participation_edition,
            )
            if edition is not None
        }
        values: dict[str, Any] = {
            field.attname: getattr(profile, field.attname)
            for field in LearnerAreaProfile._meta.concrete_fields
        }
        explanation = describe_profile(values, editions)
    return LearnerTargeting(profile, explanation, shown, len(results) - len(shown))
