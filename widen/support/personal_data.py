"""Student support's personal data in the register (see `widen.audit.registry`).

A student is found as their student record is: by the e-mail address they are known by, their
account, and the learner record it was linked to. Who is eligible for a scheme, and a student's
home area, are worked out again from the student's record whenever it or the rules change, so
erasing the student removes them. A student's memberships of schemes (why they were invited,
the evidence they applied with) are kept as long as their student record, and go with it. A
scheme and its rules are the provider's, about nobody.
"""

from __future__ import annotations

from widen.audit import registry
from widen.support.models import (
    Appointment,
    Award,
    AwardScheme,
    Benefit,
    BenefitUse,
    Case,
    CaseNote,
    Handover,
    Identification,
    Instalment,
    LocalAuthorityBursary,
    Referral,
    Scheme,
    SchemeMembership,
    SchemeRuleVersion,
    StudentAreaProfile,
    StudentEligibility,
    SupportRecord,
)

SIX_YEARS = registry.KeptWhileParent(
    "six years after the end of the financial year they were paid in (record keeping)"
)
WITH_THE_STUDENT = registry.KeptWhileParent("as long as the student's record, and deleted with it")
WORKED_OUT_AGAIN = registry.KeptWhileParent(
    "worked out again from the student's record whenever it, or the scheme's rules, change"
)


def _student_subjects(prefix: str) -> dict[registry.Subject, str]:
    return {
        registry.Subject.EMAIL: f"{prefix}student__email",
        registry.Subject.USER: f"{prefix}student__user",
        registry.Subject.LEARNER: f"{prefix}student__linked_learner",
    }


registry.declare(
    model=StudentEligibility,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.CHARACTERISTICS, registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WORKED_OUT_AGAIN,
    erasure=registry.Erasure.DELETE,
    title="Support schemes you are eligible for, and why",
    organisation_path="scheme__organisation",
)
registry.declare(
    model=StudentAreaProfile,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.CHARACTERISTICS}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WORKED_OUT_AGAIN,
    erasure=registry.Erasure.DELETE,
    title="Where your home is, as area measures (for support schemes)",
    organisation_path="student__organisation",
)
registry.declare(
    model=SchemeMembership,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.CHARACTERISTICS, registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Support schemes you were invited to or applied to, and your answers",
    organisation_path="scheme__organisation",
)
registry.declare_attribution(
    SchemeRuleVersion, "created_by", title="Support scheme rules you wrote"
)
registry.declare_not_personal(Scheme, "a provider's support scheme: its name and purpose")
registry.declare_attribution(Benefit, "created_by", title="Scheme benefits you offered")
registry.declare(
    model=BenefitUse,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Scheme benefits you took up",
    organisation_path="benefit__scheme__organisation",
)
registry.declare_attribution(AwardScheme, "created_by", title="Award schemes you set up")
registry.declare(
    model=Award,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.FINANCIAL, registry.Category.CHARACTERISTICS}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    # The amount paid stays for the accounts; why an award was stopped is about the student.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"stopped_reason": ""},
    title="Your bursaries and awards",
    organisation_path="award_scheme__organisation",
)
registry.declare(
    model=Instalment,
    subjects=_student_subjects("award__"),
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"held_reason": ""},
    title="Your award instalments: when each is due, held or paid",
    organisation_path="award__award_scheme__organisation",
)
registry.declare(
    model=SupportRecord,
    subjects=_student_subjects(""),
    categories=frozenset(
        {
            registry.Category.CONTACT,
            registry.Category.CHARACTERISTICS,
            registry.Category.SPECIAL_CATEGORY,
        }
    ),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Your support record: care experience, estrangement, your personal adviser, halls "
    "and your support plan",
    organisation_path="organisation",
)
registry.declare(
    model=Identification,
    subjects=_student_subjects("record__"),
    categories=frozenset({registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="When and how you told us you are care experienced or estranged",
    organisation_path="record__organisation",
)
registry.declare(
    model=LocalAuthorityBursary,
    subjects=_student_subjects("record__"),
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Your local authority's higher education bursary: expected and received",
    organisation_path="record__organisation",
)
registry.declare(
    model=Case,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Your cases with a student support adviser",
    organisation_path="organisation",
)
for casework_model, title in (
    (CaseNote, "Advisers' notes on your cases"),
    (Handover, "Your cases passed from one adviser to another"),
    (Referral, "Referrals made for you, with your consent"),
):
    registry.declare(
        model=casework_model,
        subjects=_student_subjects("case__"),
        categories=frozenset({registry.Category.SPECIAL_CATEGORY}),
        lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
        retention=WITH_THE_STUDENT,
        erasure=registry.Erasure.DELETE,
        title=title,
        organisation_path="case__organisation",
    )
registry.declare(
    model=Appointment,
    subjects=_student_subjects(""),
    categories=frozenset({registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Appointments you asked for or had with a student support adviser",
    organisation_path="organisation",
)
