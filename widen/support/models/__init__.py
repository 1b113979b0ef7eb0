"""Student support: a provider's schemes for its own students and who is eligible for each
(`schemes`), what members may use (`benefits`), bursaries and awards paid in instalments
(`awards`), the support record of care-experienced and estranged students (`records`) and 1-2-1
casework (`casework`).

One module per concern; everything is importable from `widen.support.models`.
"""

from widen.support.models.awards import (
    AWARD_WORKFLOW,
    INSTALMENT_WORKFLOW,
    Award,
    AwardScheme,
    AwardStatus,
    Instalment,
    InstalmentStatus,
)
from widen.support.models.benefits import Benefit, BenefitKind, BenefitUse
from widen.support.models.casework import (
    APPOINTMENT_WORKFLOW,
    CASE_WORKFLOW,
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    Case,
    CaseNote,
    CaseStatus,
    CaseTopic,
    Handover,
    Referral,
    ReferralService,
)
from widen.support.models.records import (
    BURSARY_WORKFLOW,
    BursaryStatus,
    CareStatus,
    Identification,
    IdentificationStage,
    IdentifiedCharacteristic,
    LocalAuthorityBursary,
    SupportRecord,
)
from widen.support.models.schemes import (
    MEMBERSHIP_WORKFLOW,
    MembershipSource,
    MembershipStatus,
    Scheme,
    SchemeMembership,
    SchemeRuleVersion,
    StudentAreaProfile,
    StudentEligibility,
)

__all__ = [
    "APPOINTMENT_WORKFLOW",
    "AWARD_WORKFLOW",
    "BURSARY_WORKFLOW",
    "CASE_WORKFLOW",
    "INSTALMENT_WORKFLOW",
    "MEMBERSHIP_WORKFLOW",
    "Appointment",
    "AppointmentMode",
    "AppointmentStatus",
    "Award",
    "AwardScheme",
    "AwardStatus",
    "Benefit",
    "BenefitKind",
    "BenefitUse",
    "BursaryStatus",
    "CareStatus",
    "Case",
    "CaseNote",
    "CaseStatus",
    "CaseTopic",
    "Handover",
    "Identification",
    "IdentificationStage",
    "IdentifiedCharacteristic",
    "Instalment",
    "InstalmentStatus",
    "LocalAuthorityBursary",
    "MembershipSource",
    "MembershipStatus",
    "Referral",
    "ReferralService",
    "Scheme",
    "SchemeMembership",
    "SchemeRuleVersion",
    "StudentAreaProfile",
    "StudentEligibility",
    "SupportRecord",
]
