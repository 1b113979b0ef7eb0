"""Who may see and do what in student support: the one place that decides, one module per
concern (schemes and memberships in `schemes`, bursaries and awards in `awards`), everything
importable from here.

Nobody outside a provider sees its students' support, whatever their role; every refusal
answers like a thing that does not exist.
"""

from widen.support.permissions.awards import (
    AwardPolicy,
    AwardSchemePolicy,
    InstalmentPolicy,
    award_policy,
    award_providers,
    award_scheme_policy,
    instalment_policy,
    manages_awards_somewhere,
    may_manage_awards,
)
from widen.support.permissions.benefits import (
    USE,
    BenefitPolicy,
    benefit_policy,
    benefits_offered_to_me,
)
from widen.support.permissions.schemes import (
    DECIDE,
    MANAGE,
    RESPOND,
    MembershipPolicy,
    SchemePolicy,
    SchemeRuleVersionPolicy,
    StudentEligibilityPolicy,
    managed_providers,
    manages_schemes_somewhere,
    may_manage_schemes,
    membership_policy,
    scheme_policy,
    scheme_rule_version_policy,
    student_eligibility_policy,
)

__all__ = [
    "USE",
    "BenefitPolicy",
    "benefit_policy",
    "benefits_offered_to_me",
    "AwardPolicy",
    "AwardSchemePolicy",
    "InstalmentPolicy",
    "award_policy",
    "award_providers",
    "award_scheme_policy",
    "instalment_policy",
    "manages_awards_somewhere",
    "may_manage_awards",
    "DECIDE",
    "MANAGE",
    "RESPOND",
    "MembershipPolicy",
    "SchemePolicy",
    "SchemeRuleVersionPolicy",
    "StudentEligibilityPolicy",
    "managed_providers",
    "manages_schemes_somewhere",
    "may_manage_schemes",
    "membership_policy",
    "scheme_policy",
    "scheme_rule_version_policy",
    "student_eligibility_policy",
]
