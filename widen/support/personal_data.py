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
    Scheme,
    SchemeMembership,
    SchemeRuleVersion,
    StudentAreaProfile,
    StudentEligibility,
)

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
    retention=registry.KeptWhileParent("as long as the student's record, and deleted with it"),
    erasure=registry.Erasure.DELETE,
    title="Support schemes you were invited to or applied to, and your answers",
    organisation_path="scheme__organisation",
)
registry.declare_attribution(
    SchemeRuleVersion, "created_by", title="Support scheme rules you wrote"
)
registry.declare_not_personal(Scheme, "a provider's support scheme: its name and purpose")
